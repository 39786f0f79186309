package cli

import (
	"fmt"
	"io"
	"path/filepath"

	"github.com/amplify-tenancy/tenancy/internal/shard"
	"github.com/amplify-tenancy/tenancy/internal/stackconfig"
	"github.com/amplify-tenancy/tenancy/internal/stackdiff"
	"github.com/amplify-tenancy/tenancy/internal/textout"
	"github.com/amplify-tenancy/tenancy/tenant"
)

// runValidate checks a stack file with the program's own parser and prints
// every problem, one a line, naming tenant, field and reason.
func runValidate(args []string, env Env) int {
	var sf stackFlags
	fs := newFlagSet("validate", &sf)
	split := fs.Bool("split", false, "check the stack files given as arguments as one fleet split across stacks")
	if err := fs.Parse(args); err != nil {
		return flagError(env, fs, err)
	}
	stdout := textout.NewWriter(env.Stdout, env.width())
	defer stdout.Flush()
	env.Stdout = stdout
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
	if shard.IsStackFile(f) {
		return validateShard(f, path, env)
	}
	fleet, ok := check(env.Stderr, f)
	if !ok {
		return ExitFailed
	}
	lock, ok := checkLock(env.Stderr, filepath.Dir(path), f.Stack, fleet)
	if !ok {
		return ExitFailed
	}
	text := stackdiff.Text
	shards := ""
	if lock != nil {
		shards = " in " + textout.Count(len(lock.Shards), "shard")
	}
	fmt.Fprintf(env.Stdout, "%s: ok: stack %s (environment %s), %s in %s%s, %s\n",
		text(path), text(f.Stack), text(fleet.Environment), textout.Count(len(fleet.Tenants), "tenant"),
		textout.Count(len(fleet.Regions()), "region"), shards, textout.Count(len(fleet.Warnings), "warning"))
	return ExitOK
}

// checkLock checks the shard lock of the fleet env (Pulumi.<env>.shards.json
// in dir), when it has one, against the parsed fleet (shard.Check) and
// prints its problems. ok is false when a shard would refuse to deploy.
func checkLock(stderr io.Writer, dir, env string, fleet *stackconfig.Fleet) (lock *shard.Lock, ok bool) {
	if !shard.ValidEnv(env) {
		return nil, true
	}
	lock, err := shard.Read(dir, env)
	if err != nil {
		problem(stderr, "error", err.Error())
		return nil, false
	}
	errs := shard.Check(lock, env, fleet)
	for _, e := range errs {
		problem(stderr, "error", e.Error())
	}
	if len(errs) > 0 {
		fmt.Fprintf(stderr, "stack %s: %s with its shards (%s); every shard would stop before creating anything\n",
			stackdiff.Text(env), textout.Count(len(errs), "problem"), shard.FileName(env))
		return lock, false
	}
	return lock, true
}

// validateShard checks a shard's stack file (shard.CheckStackFile), the
// fleet file it names, and the fleet's lock, which must have the shard.
func validateShard(f *stackconfig.File, path string, env Env) int {
	text := stackdiff.Text
	fleetEnv, err := shard.CheckStackFile(f)
	if err != nil {
		for _, p := range tenant.Unjoin(err) {
			problem(env.Stderr, "error", p.Error())
		}
		return ExitFailed
	}
	dir := filepath.Dir(path)
	ff, err := stackconfig.ReadFile(filepath.Join(dir, shard.StackFileName(fleetEnv)))
	if err != nil {
		return fail(env, fmt.Errorf("shard %s: its fleet file: %w", f.Stack, err))
	}
	fleet, ok := check(env.Stderr, ff)
	if !ok {
		return ExitFailed
	}
	lock, ok := checkLock(env.Stderr, dir, fleetEnv, fleet)
	if !ok {
		return ExitFailed
	}
	if lock == nil {
		return fail(env, fmt.Errorf("shard %s: fleet %s has no %s; run: go run . fleet assign --env %s", f.Stack, fleetEnv, shard.FileName(fleetEnv), fleetEnv))
	}
	s, found := lock.Shard(f.Stack)
	if !found {
		return fail(env, fmt.Errorf("shard %s: %s has no such shard", f.Stack, shard.FileName(fleetEnv)))
	}
	fmt.Fprintf(env.Stdout, "%s: ok: shard %s of fleet %s (environment %s), %s in region %s, %s\n",
		text(path), text(f.Stack), text(fleetEnv), text(fleet.Environment), textout.Count(len(s.Tenants), "tenant"),
		text(s.Region), textout.Count(len(fleet.Warnings), "warning"))
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
		fmt.Fprintf(stderr, "stack %s: %s; the program would stop before creating anything\n",
			stackdiff.Text(f.Stack), textout.Count(len(problems), "problem"))
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
	invalid := 0
	for _, path := range paths {
		f, err := stackconfig.ReadFile(path)
		if err != nil {
			return fail(env, err)
		}
		if _, fine := check(env.Stderr, f); !fine {
			invalid++
		}
		files = append(files, f)
	}
	stacks := textout.Count(len(files), "stack")
	if invalid > 0 {
		// CheckSplit parses every file again and would repeat their problems.
		fmt.Fprintf(env.Stderr, "split of %s: %d invalid (above); the split itself is checked once every stack is valid\n",
			stacks, invalid)
		return ExitFailed
	}
	problems := tenant.Unjoin(stackconfig.CheckSplit(files))
	for _, p := range problems {
		problem(env.Stderr, "error", p.Error())
	}
	if len(problems) > 0 {
		fmt.Fprintf(env.Stderr, "split of %s: %s; they do not split one fleet, so none should deploy\n",
			stacks, textout.Count(len(problems), "problem"))
		return ExitFailed
	}
	fmt.Fprintf(env.Stdout, "ok: %s split one fleet; every tenant is deployed by exactly one\n", stacks)
	return ExitOK
}
