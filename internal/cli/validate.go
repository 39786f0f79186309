package cli

import (
	"fmt"
	"io"

	"github.com/amplify-tenancy/tenancy/internal/stackconfig"
	"github.com/amplify-tenancy/tenancy/tenant"
)

// runValidate checks a stack file with the program's own parser and prints
// every problem, one a line, naming tenant, field and reason.
func runValidate(args []string, env Env) int {
	var sf stackFlags
	fs := newFlagSet("validate", env, &sf)
	if err := parseFlags(fs, args); err != nil {
		return fail(env, err)
	}
	f, path, err := sf.read(env)
	if err != nil {
		return fail(env, err)
	}
	fleet, ok := check(env.Stderr, f)
	if !ok {
		return ExitFailed
	}
	fmt.Fprintf(env.Stdout, "%s: ok: stack %s (environment %s), %d tenants in %d regions, %d warnings\n",
		path, f.Stack, fleet.Environment, len(fleet.Tenants), len(fleet.Regions()), len(fleet.Warnings))
	return ExitOK
}

// check parses a stack file as the program does (stackconfig.Parse, with
// missing secrets as warnings) and prints its warnings and problems. ok is
// false when the program would refuse the stack.
func check(stderr io.Writer, f *stackconfig.File) (fleet *stackconfig.Fleet, ok bool) {
	fleet, err := stackconfig.Parse(f.Source())
	for _, w := range fleet.Warnings {
		fmt.Fprintf(stderr, "warning: %s\n", w)
	}
	problems := tenant.Unjoin(err)
	for _, p := range problems {
		fmt.Fprintf(stderr, "error: %v\n", p)
	}
	if len(problems) > 0 {
		fmt.Fprintf(stderr, "stack %s: %d problems; the program would stop before creating anything\n", f.Stack, len(problems))
		return fleet, false
	}
	return fleet, true
}
