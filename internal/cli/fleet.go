package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/amplify-tenancy/tenancy/internal/deploy"
	"github.com/amplify-tenancy/tenancy/internal/fleetrun"
	"github.com/amplify-tenancy/tenancy/internal/migrate"
	"github.com/amplify-tenancy/tenancy/internal/shard"
	"github.com/amplify-tenancy/tenancy/internal/stackconfig"
	"github.com/amplify-tenancy/tenancy/internal/stackdiff"
	"github.com/amplify-tenancy/tenancy/internal/textout"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
)

// fleetHeader opens the usage text of the fleet commands.
const fleetHeader = `usage: go run . fleet COMMAND --env NAME [flags]

An environment (dev, prod) is one fleet file, Pulumi.<env>.yaml. With a
lock file, Pulumi.<env>.shards.json, it deploys as several stacks, its
shards; without one it is a single stack named <env>, and every command
below treats that stack as the environment's one shard.

commands:
`

// fleetCommands are the fleet commands' parts of the usage text, by the
// names that run them.
var fleetCommands = []struct {
	names []string
	usage string
}{
	{[]string{"preview", "up"}, `  preview|up --env NAME [--parallel N] [--shard NAME]... [--changed --base REF]
             [--diff] [--plain] [--pulumi PATH]
      run pulumi preview or up on every shard through the Automation API,
      N at a time (default 4); a shard that fails does not stop the others.
      Progress: a status line per running shard on a terminal, else lines
      prefixed "[<shard>] ". Ends with a table per shard (tenants, changes
      as created/updated/deleted/replaced, duration, result); exit 1 when
      any shard failed. --shard runs only the shards named (repeatable or
      comma-separated); --changed only those whose tenants, settings or
      stack file differ from the git ref --base (a single stack always
      runs). The backend and passphrase come from the environment, as for
      the Pulumi CLI (PULUMI_BACKEND_URL, PULUMI_CONFIG_PASSPHRASE); the CLI
      is --pulumi PATH, else pulumi on PATH, else $PULUMI_HOME/bin/pulumi.
`},
	{[]string{"matrix"}, `  matrix --env NAME [--changed --base REF] [--batch N]
      print the GitHub Actions matrices of the shards, one JSON object a
      line, {"include":[{"shard":"<name>"},...]}, at most N jobs each
      (default and most 256, GitHub's limit); nothing when no shard is
      selected
`},
	{[]string{"assign"}, `  assign --env NAME [--max-tenants K]
      assign the fleet's tenants to shards of at most K tenants (default
      the lock's, else ` + strconv.Itoa(shard.DefaultMaxTenants) + `) and write Pulumi.<env>.shards.json; a tenant
      already assigned stays in its shard unless its region or account
      changed
`},
	{[]string{"init"}, `  init --env NAME [--pulumi PATH]
      create the stack, and its stack file Pulumi.<shard>.yaml with the
      fleet's secrets, of every shard of the lock that has none; needs the
      backend and passphrase as preview and up do
`},
	{[]string{"migrate"}, `  migrate --env NAME [--parallel N] [--backup PATH] [--pulumi PATH]
      move the resources of the single stack NAME into the stacks of its
      shards (after fleet assign and fleet init) by editing state: each
      tenant's resources to its shard, each account and region's shared
      resources to its first shard; then preview every shard and undo it
      all unless none would create, delete or replace anything; last,
      empty stack NAME. Its deployment is saved first to PATH (default
      NAME.before-migrate-<UTC time>.json, secrets encrypted); N shards
      at a time (default 4). Run again, it says "already migrated" and
      changes nothing
`},
}

// fleetUsage is the usage text of the fleet commands.
func fleetUsage() string {
	var b strings.Builder
	b.WriteString(fleetHeader)
	for _, c := range fleetCommands {
		b.WriteString(c.usage)
	}
	return b.String()
}

// defaultParallel is how many shards preview and up run at once unless
// --parallel says otherwise.
const defaultParallel = 4

// newStackRunner makes the runner of preview and up: the Automation API
// with the CLI at pulumiPath ("" to look for it), running the program
// `pulumi up` runs, reading a shard's fleet file and lock from dir as the
// CLI would from Pulumi.yaml's directory. Tests replace it.
var newStackRunner = func(dir, pulumiPath string, diff bool) (fleetrun.StackRunner, func(), error) {
	cmd, cleanup, err := fleetrun.NewCommand(pulumiPath)
	if err != nil {
		return nil, nil, err
	}
	return &fleetrun.Engine{Dir: dir, Program: deploy.ProgramIn(dir), Command: cmd, Diff: diff}, cleanup, nil
}

// runFleet dispatches the fleet subcommands.
func runFleet(args []string, env Env) int {
	if len(args) == 0 {
		fmt.Fprint(env.Stderr, fleetUsage())
		return ExitFailed
	}
	switch args[0] {
	case "preview":
		return fleetRun(fleetrun.Preview, args[1:], env)
	case "up":
		return fleetRun(fleetrun.Up, args[1:], env)
	case "matrix":
		return fleetMatrix(args[1:], env)
	case "assign":
		return fleetAssign(args[1:], env)
	case "init":
		return fleetInit(args[1:], env)
	case "migrate":
		return fleetMigrate(args[1:], env)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(env.Stdout, fleetUsage())
		return ExitOK
	default:
		problem(env.Stderr, "error", fmt.Sprintf("unknown fleet command %q", args[0]))
		fmt.Fprint(env.Stderr, fleetUsage())
		return ExitFailed
	}
}

// fleetFlags are the flags the fleet commands share.
type fleetFlags struct {
	env     string
	changed bool
	base    string
	pulumi  string
	// parallel is --parallel, 0 for a command without it.
	parallel int
}

func newFleetFlagSet(name string, ff *fleetFlags) *flag.FlagSet {
	fs := flag.NewFlagSet("fleet "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	fs.StringVar(&ff.env, "env", "", "the environment: its fleet file is Pulumi.<env>.yaml")
	return fs
}

func (ff *fleetFlags) selection(fs *flag.FlagSet) {
	fs.BoolVar(&ff.changed, "changed", false, "only the shards that differ from --base")
	fs.StringVar(&ff.base, "base", "", "the git ref --changed compares with")
}

func (ff *fleetFlags) cli(fs *flag.FlagSet) {
	fs.StringVar(&ff.pulumi, "pulumi", "", "path of the Pulumi CLI")
}

// concurrency adds --parallel, described as usage; parseFleetFlags
// refuses a value below 1.
func (ff *fleetFlags) concurrency(fs *flag.FlagSet, usage string) {
	fs.IntVar(&ff.parallel, "parallel", defaultParallel, usage)
}

// parseFleetFlags parses args; done is true when the command should stop
// with code (after --help, or on a usage error).
func parseFleetFlags(fs *flag.FlagSet, ff *fleetFlags, args []string, env Env) (code int, done bool) {
	if err := parseFlags(fs, args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			// Only the command's part of the usage, and its flags.
			name := strings.TrimPrefix(fs.Name(), "fleet ")
			for _, c := range fleetCommands {
				if slices.Contains(c.names, name) {
					fmt.Fprint(env.Stdout, commandHelp(fs, "go run . fleet ", c.usage))
				}
			}
			return ExitOK, true
		}
		return fail(env, err), true
	}
	var err error
	switch {
	case ff.env == "":
		err = errors.New("give --env NAME, the environment")
	case !shard.ValidEnv(ff.env):
		err = fmt.Errorf("--env %q is not an environment's stack name", ff.env)
	case ff.changed && ff.base == "":
		err = errors.New("--changed needs --base REF, the git ref to compare with")
	case !ff.changed && ff.base != "":
		err = errors.New("--base is only for --changed")
	case fs.Lookup("parallel") != nil && ff.parallel < 1:
		err = fmt.Errorf("--parallel %d: must be at least 1", ff.parallel)
	}
	if err != nil {
		return fail(env, err), true
	}
	return 0, false
}

// projectDir is the absolute project directory.
func projectDir(env Env) (string, error) {
	dir := env.Dir
	if dir == "" {
		dir = "."
	}
	return filepath.Abs(dir)
}

// envStacks returns the stacks of an environment: its shards in lock
// order, or its single stack when it has no lock.
func envStacks(dir, envName string) ([]fleetrun.Stack, *shard.Lock, error) {
	l, err := shard.Read(dir, envName)
	if err != nil {
		return nil, nil, err
	}
	if l != nil {
		out := make([]fleetrun.Stack, len(l.Shards))
		for i, s := range l.Shards {
			out[i] = fleetrun.Stack{Name: s.Name, Tenants: len(s.Tenants), Wave: 1}
			if home, _ := l.Home(s.Region, s.Account); home.Name == s.Name {
				out[i].Wave = 0 // owns its place's shared resources
			}
		}
		return out, l, nil
	}
	path := filepath.Join(dir, shard.StackFileName(envName))
	f, err := stackconfig.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("environment %s has neither %s nor a readable %s: %w", envName, shard.FileName(envName), shard.StackFileName(envName), err)
	}
	tenants := -1
	if fleet, err := stackconfig.Parse(f.Source()); err == nil {
		tenants = len(fleet.Tenants)
	}
	return []fleetrun.Stack{{Name: envName, Tenants: tenants}}, nil, nil
}

// selectStacks narrows stacks to the --shard names and, with --changed,
// to the shards shard.Changed reports. A single stack (no lock) counts as
// changed.
func selectStacks(dir string, ff *fleetFlags, stacks []fleetrun.Stack, l *shard.Lock, only []string) ([]fleetrun.Stack, error) {
	if len(only) > 0 {
		var names []string
		for _, s := range stacks {
			names = append(names, s.Name)
		}
		for _, n := range only {
			if !slices.Contains(names, n) {
				return nil, fmt.Errorf("--shard %s: environment %s has no such shard; its shards: %s", n, ff.env, strings.Join(names, ", "))
			}
		}
		stacks = slices.DeleteFunc(stacks, func(s fleetrun.Stack) bool { return !slices.Contains(only, s.Name) })
	}
	if ff.changed && l != nil {
		changed, err := shard.Changed(dir, ff.env, ff.base)
		if err != nil {
			return nil, err
		}
		stacks = slices.DeleteFunc(stacks, func(s fleetrun.Stack) bool { return !slices.Contains(changed, s.Name) })
	}
	return stacks, nil
}

// shardList is the value of --shard: repeatable, comma-separated.
type shardList []string

func (s *shardList) String() string { return strings.Join(*s, ",") }

func (s *shardList) Set(v string) error {
	for n := range strings.SplitSeq(v, ",") {
		if n = strings.TrimSpace(n); n == "" {
			return errors.New("an empty shard name")
		}
		*s = append(*s, n)
	}
	return nil
}

// fleetRun runs preview or up over the selected shards.
func fleetRun(op fleetrun.Op, args []string, env Env) int {
	var ff fleetFlags
	var only shardList
	fs := newFleetFlagSet(string(op), &ff)
	ff.selection(fs)
	ff.cli(fs)
	ff.concurrency(fs, "how many shards run at once")
	fs.Var(&only, "shard", "run only this shard (repeatable, or comma-separated)")
	diff := fs.Bool("diff", false, "show each resource's changed properties")
	plainOut := fs.Bool("plain", false, "plain prefixed lines even on a terminal")
	if code, done := parseFleetFlags(fs, &ff, args, env); done {
		return code
	}
	dir, err := projectDir(env)
	if err != nil {
		return fail(env, err)
	}
	stacks, l, err := envStacks(dir, ff.env)
	if err != nil {
		return fail(env, err)
	}
	if stacks, err = selectStacks(dir, &ff, stacks, l, only); err != nil {
		return fail(env, err)
	}
	if len(stacks) == 0 {
		fmt.Fprintf(env.Stdout, "%s: no shard to %s: none differs from %s\n", stackdiff.Text(ff.env), op, stackdiff.Text(ff.base))
		return ExitOK
	}
	runner, cleanup, err := newStackRunner(dir, ff.pulumi, *diff)
	if err != nil {
		return fail(env, err)
	}
	defer cleanup()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	live, width := terminal(env.Stdout)
	start := time.Now()
	results := fleetrun.Run(ctx, fleetrun.Options{Op: op, Stacks: stacks, Parallel: ff.parallel, Runner: runner,
		Out: env.Stdout, Live: live && !*plainOut, Width: width})
	fmt.Fprintln(env.Stdout)
	fleetrun.WriteSummary(env.Stdout, op, results, time.Since(start))
	if fleetrun.Failed(results) > 0 {
		return ExitFailed
	}
	return ExitOK
}

// terminal reports whether w is a terminal, and its width ($COLUMNS, else
// 80).
func terminal(w io.Writer) (bool, int) {
	f, ok := w.(*os.File)
	if !ok || os.Getenv("TERM") == "dumb" {
		return false, 0
	}
	info, err := f.Stat()
	if err != nil || info.Mode()&os.ModeCharDevice == 0 {
		return false, 0
	}
	width, err := strconv.Atoi(os.Getenv("COLUMNS"))
	if err != nil || width < 20 {
		width = 80
	}
	return true, width
}

// fleetMatrix prints the GitHub Actions matrices of the selected shards.
func fleetMatrix(args []string, env Env) int {
	var ff fleetFlags
	fs := newFleetFlagSet("matrix", &ff)
	ff.selection(fs)
	batch := fs.Int("batch", fleetrun.MaxMatrixJobs, "the most jobs in one matrix")
	if code, done := parseFleetFlags(fs, &ff, args, env); done {
		return code
	}
	dir, err := projectDir(env)
	if err != nil {
		return fail(env, err)
	}
	stacks, l, err := envStacks(dir, ff.env)
	if err != nil {
		return fail(env, err)
	}
	if stacks, err = selectStacks(dir, &ff, stacks, l, nil); err != nil {
		return fail(env, err)
	}
	names := make([]string, len(stacks))
	for i, s := range stacks {
		names[i] = s.Name
	}
	ms, err := fleetrun.Matrices(names, *batch)
	if err != nil {
		return fail(env, fmt.Errorf("--%w", err))
	}
	if err := fleetrun.WriteMatrices(env.Stdout, ms); err != nil {
		return fail(env, err)
	}
	return ExitOK
}

// fleetAssign writes the lock of the environment's fleet.
func fleetAssign(args []string, env Env) int {
	var ff fleetFlags
	fs := newFleetFlagSet("assign", &ff)
	maxTenants := fs.Int("max-tenants", 0, "the most tenants of a shard (0: the lock's, else the default)")
	if code, done := parseFleetFlags(fs, &ff, args, env); done {
		return code
	}
	dir, err := projectDir(env)
	if err != nil {
		return fail(env, err)
	}
	f, err := stackconfig.ReadFile(filepath.Join(dir, shard.StackFileName(ff.env)))
	if err != nil {
		return fail(env, err)
	}
	f.Stack = ff.env
	fleet, ok := check(env.Stderr, f)
	if !ok {
		return ExitFailed
	}
	prev, err := shard.Read(dir, ff.env)
	if err != nil {
		return fail(env, err)
	}
	l, err := shard.Assign(prev, ff.env, fleet, *maxTenants)
	if err != nil {
		return fail(env, err)
	}
	if err := l.Write(dir); err != nil {
		return fail(env, err)
	}
	tenants := 0
	var added []string
	for _, s := range l.Shards {
		tenants += len(s.Tenants)
		if _, had := prev.Shard(s.Name); !had {
			added = append(added, s.Name)
		}
	}
	fmt.Fprintf(env.Stdout, "%s: %s in %s of at most %d\n",
		shard.FileName(ff.env), textout.Count(tenants, "tenant"), textout.Count(len(l.Shards), "shard"), l.MaxTenants)
	if len(added) > 0 {
		fmt.Fprintf(env.Stdout, "new shards: %s\ncreate their stacks with: go run . fleet init --env %s\n",
			stackdiff.Text(strings.Join(added, ", ")), ff.env)
	}
	return ExitOK
}

// fleetInit creates the stacks of the lock's shards that have none.
func fleetInit(args []string, env Env) int {
	var ff fleetFlags
	fs := newFleetFlagSet("init", &ff)
	ff.cli(fs)
	if code, done := parseFleetFlags(fs, &ff, args, env); done {
		return code
	}
	dir, err := projectDir(env)
	if err != nil {
		return fail(env, err)
	}
	l, err := shard.Read(dir, ff.env)
	if err != nil {
		return fail(env, err)
	}
	if l == nil {
		return fail(env, fmt.Errorf("environment %s has no %s, so no shards: assign them first with: go run . fleet assign --env %s",
			ff.env, shard.FileName(ff.env), ff.env))
	}
	cmd, cleanup, err := fleetrun.NewCommand(ff.pulumi)
	if err != nil {
		return fail(env, err)
	}
	defer cleanup()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	created, err := shard.InitStacks(ctx, dir, l, auto.Pulumi(cmd))
	for _, name := range created {
		fmt.Fprintf(env.Stdout, "created stack %s and %s\n", stackdiff.Text(name), stackdiff.Text(shard.StackFileName(name)))
	}
	if err != nil {
		return fail(env, err)
	}
	if len(created) == 0 {
		fmt.Fprintf(env.Stdout, "every shard of %s has its stack\n", ff.env)
	}
	return ExitOK
}

// fleetMigrate moves the single stack's resources into the shards.
func fleetMigrate(args []string, env Env) int {
	var ff fleetFlags
	fs := newFleetFlagSet("migrate", &ff)
	ff.cli(fs)
	backup := fs.String("backup", "", "the file the single stack's deployment is saved to first (default <env>.before-migrate-<UTC time>.json)")
	ff.concurrency(fs, "how many shards are imported or previewed at once")
	if code, done := parseFleetFlags(fs, &ff, args, env); done {
		return code
	}
	dir, err := projectDir(env)
	if err != nil {
		return fail(env, err)
	}
	l, err := shard.Read(dir, ff.env)
	if err != nil {
		return fail(env, err)
	}
	if l == nil {
		return fail(env, fmt.Errorf("environment %s has no %s: assign its shards first with: go run . fleet assign --env %s, then create their stacks with: go run . fleet init --env %s",
			ff.env, shard.FileName(ff.env), ff.env, ff.env))
	}
	if *backup == "" {
		*backup = filepath.Join(dir, ff.env+".before-migrate-"+time.Now().UTC().Format("20060102T150405Z")+".json")
	}
	cmd, cleanup, err := fleetrun.NewCommand(ff.pulumi)
	if err != nil {
		return fail(env, err)
	}
	defer cleanup()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	res, err := migrate.Run(ctx, dir, ff.env, l, migrate.Options{
		Workspace: []auto.LocalWorkspaceOption{auto.Pulumi(cmd)},
		Program:   deploy.ProgramIn(dir),
		Backup:    *backup,
		Log:       env.Stdout,
		Parallel:  ff.parallel,
	})
	if res != nil && len(res.Shards) > 0 {
		writeMigration(env.Stdout, res)
	}
	if err != nil {
		return fail(env, err)
	}
	if res.AlreadyMigrated {
		return ExitOK
	}
	fmt.Fprintf(env.Stdout, "migrated: stack %s holds no resources; deploy its shards with: go run . fleet up --env %s (commit %s and the shards' stack files; keep %s out of git)\n",
		ff.env, ff.env, shard.FileName(ff.env), stackdiff.Text(filepath.Base(res.Backup)))
	return ExitOK
}

// writeMigration prints a table of the shards' migration, then what
// each preview would change.
func writeMigration(w io.Writer, res *migrate.Result) {
	fmt.Fprintf(w, "\n%-30s %7s %9s  %-9s %s\n", "STACK", "TENANTS", "RESOURCES", "C/U/D/R", "PREVIEW")
	for _, s := range res.Shards {
		name := s.Name
		if s.Home {
			name += " *"
		}
		result := "not run"
		switch {
		case s.Preview == nil:
		case len(s.Changes) == 0:
			result = "ok"
		default:
			result = textout.Count(len(s.Changes), "change")
		}
		p := s.Preview
		fmt.Fprintf(w, "%-30s %7d %9d  %-9s %s\n", stackdiff.Text(name), s.Tenants, s.Resources,
			fmt.Sprintf("%d/%d/%d/%d", p["create"], p["update"], p["delete"], p["replace"]), result)
	}
	fmt.Fprintln(w, "* home shard: owns its account and region's shared resources")
	for _, s := range res.Shards {
		for _, c := range s.Changes {
			fmt.Fprintf(w, "%s: would %s\n", stackdiff.Text(s.Name), stackdiff.Text(c))
		}
	}
}
