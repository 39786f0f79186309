package cli

import (
	"fmt"
	"io"
	"path/filepath"

	"github.com/amplify-tenancy/tenancy/internal/shard"
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
		shards = fmt.Sprintf(" in %d shards", len(lock.Shards))
	}
	fmt.Fprintf(env.Stdout, "%s: ok: stack %s (environment %s), %d tenants in %d regions%s, %d warnings\n",
		text(path), text(f.Stack), text(fleet.Environment), len(fleet.Tenants), len(fleet.Regions()), shards, len(fleet.Warnings))
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
		fmt.Fprintf(stderr, "stack %s: %d problems with its shards (%s); every shard would stop before creating anything\n",
			stackdiff.Text(env), len(errs), shard.FileName(env))
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
	fmt.Fprintf(env.Stdout, "%s: ok: shard %s of fleet %s (environment %s), %d tenants in region %s, %d warnings\n",
		text(path), text(f.Stack), text(fleetEnv), text(fleet.Environment), len(s.Tenants), text(s.Region), len(fleet.Warnings))
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
