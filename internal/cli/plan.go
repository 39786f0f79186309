package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/amplify-tenancy/tenancy/internal/mockcloud"
	"github.com/amplify-tenancy/tenancy/internal/plan"
	"github.com/amplify-tenancy/tenancy/internal/stackconfig"
	"github.com/amplify-tenancy/tenancy/internal/textout"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// runPlan runs env.Program, the program `pulumi up` runs, under the mock
// monitor as a preview and prints what it registered.
func runPlan(args []string, env Env) int {
	var sf stackFlags
	fs := newFlagSet("plan", &sf)
	format := fs.String("format", "table", "table, json or mermaid")
	if err := parseFlags(fs, args); err != nil {
		return flagError(env, fs, err)
	}
	write, ok := map[string]func(*plan.Plan) error{
		"table": func(p *plan.Plan) error {
			// WriteTable fits textout.Width; the writer catches a longer
			// name or value.
			w := textout.NewWriter(env.Stdout, env.width())
			return errors.Join(p.WriteTable(w), w.Flush())
		},
		"mermaid": func(p *plan.Plan) error { return p.WriteMermaid(env.Stdout) },
		"json": func(p *plan.Plan) error {
			enc := json.NewEncoder(env.Stdout)
			enc.SetIndent("", "  ")
			return enc.Encode(p)
		},
	}[*format]
	if !ok {
		return fail(env, fmt.Errorf("--format %q: want table, json or mermaid", *format))
	}
	f, _, err := sf.read(env)
	if err != nil {
		return fail(env, err)
	}
	p, _, err := Plan(f, env.Program, env.Stderr)
	if err != nil {
		return fail(env, err)
	}
	if p == nil {
		return ExitFailed
	}
	if err := write(p); err != nil {
		return fail(env, err)
	}
	return ExitOK
}

// Plan checks f, runs program under the mocks as a preview with f's config
// and stand-ins for its secrets, and returns the plan and everything the
// mocks recorded. Warnings and problems go to stderr; the plan is nil, with
// no error, when f is invalid.
func Plan(f *stackconfig.File, program pulumi.RunFunc, stderr io.Writer) (*plan.Plan, *mockcloud.Cloud, error) {
	fleet, ok := check(stderr, f)
	if !ok {
		return nil, nil, nil
	}
	secrets := map[string]string{}
	for _, k := range stackconfig.SecretKeys() {
		secrets[k] = stackconfig.StandInSecret
	}
	config, secretKeys := f.Config(secrets)
	cloud, err := mockcloud.Run(program, mockcloud.Options{
		Project: stackconfig.Project, Stack: f.Stack,
		Config: config, SecretKeys: secretKeys, Preview: true,
	})
	if err != nil {
		return nil, cloud, fmt.Errorf("stack %s: the program failed under the mocks: %w", f.Stack, err)
	}
	return plan.Build(f.Stack, fleet.Warnings, cloud), cloud, nil
}
