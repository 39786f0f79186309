package cli

import (
	"fmt"
	"io"

	"github.com/amplify-tenancy/tenancy/internal/stackconfig"
	"github.com/amplify-tenancy/tenancy/internal/stackdiff"
	"github.com/amplify-tenancy/tenancy/tenant"
)

// runValidate checks a stack file with the program's own parser and prints
// every problem, one a line, naming tenant, field and reason.
func runValidate(args []string, env Env) int {
	var sf stackFlags
	fs := newFlagSet("validate", env, &sf)
	split := fs.Bool("split", false, "check the stack files given as arguments as one fleet split across stacks")
	if err := fs.Parse(args); err != nil {
		return fail(env, err)
	}
	if *split {
		return validateSplit(fs.Args(), env)
	}
	if fs.NArg() > 0 {
		return fail(env, fmt.Errorf("unexpected argument %q", fs.Arg(0)))
	}
	f, path, err := sf.read(env)
	if err != nil {
		return fail(env, err)
	}
	fleet, ok := check(env.Stderr, f)
	if !ok {
		return ExitFailed
	}
	text := stackdiff.Text
	fmt.Fprintf(env.Stdout, "%s: ok: stack %s (environment %s), %d tenants in %d regions, %d warnings\n",
		text(path), text(f.Stack), text(fleet.Environment), len(fleet.Tenants), len(fleet.Regions()), len(fleet.Warnings))
	return ExitOK
}

// check parses a stack file as the program does (stackconfig.Parse, with
// missing secrets as warnings) and prints its warnings and problems. ok is
// false when the program would refuse the stack.
func check(stderr io.Writer, f *stackconfig.File) (fleet *stackconfig.Fleet, ok bool) {
	fleet, err := stackconfig.Parse(f.Source())
	for _, w := range fleet.Warnings {
		problem(stderr, "warning", w)
	}
	problems := tenant.Unjoin(err)
	for _, p := range problems {
		problem(stderr, "error", p.Error())
	}
	if len(problems) > 0 {
		fmt.Fprintf(stderr, "stack %s: %d problems; the program would stop before creating anything\n", stackdiff.Text(f.Stack), len(problems))
		return fleet, false
	}
	return fleet, true
}

// validateSplit checks each stack file of a split fleet, then the split
// itself (stackconfig.CheckSplit).
func validateSplit(paths []string, env Env) int {
	if len(paths) < 2 {
		return fail(env, fmt.Errorf("--split needs two or more stack files, got %d", len(paths)))
	}
	var files []*stackconfig.File
	ok := true
	for _, path := range paths {
		f, err := stackconfig.ReadFile(path)
		if err != nil {
			return fail(env, err)
		}
		if _, fine := check(env.Stderr, f); !fine {
			ok = false
		}
		files = append(files, f)
	}
	if !ok {
		// CheckSplit parses every file again and would repeat their problems.
		return ExitFailed
	}
	for _, p := range tenant.Unjoin(stackconfig.CheckSplit(files)) {
		problem(env.Stderr, "error", p.Error())
		ok = false
	}
	if !ok {
		return ExitFailed
	}
	fmt.Fprintf(env.Stdout, "ok: %d stacks split one fleet; every tenant is deployed by exactly one\n", len(files))
	return ExitOK
}
