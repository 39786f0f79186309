// Package cli holds the offline commands of the tenancy program: validate,
// plan and diff. They need no AWS account, no Pulumi CLI and no passphrase,
// so a newcomer on a fresh clone and a reviewer of a pull request from a
// fork can run them. main.go dispatches to Run when it is given arguments;
// without arguments it is the Pulumi program.
package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/amplify-tenancy/tenancy/internal/stackconfig"
	"github.com/amplify-tenancy/tenancy/internal/stackdiff"
	"github.com/amplify-tenancy/tenancy/internal/textout"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Exit codes. Diff reserves 2 for a data risk, so a command's usage error
// is 1 like any other failure; only the program run with no command at all
// outside the engine exits 2, the shell's usual code for a usage error.
const (
	ExitOK       = 0
	ExitFailed   = 1
	ExitDataRisk = 2
	ExitUsage    = 2
)

// Env is what a command runs against.
type Env struct {
	// Stdout receives the command's result (summary, plan, diff).
	Stdout io.Writer
	// Stderr receives warnings and problems.
	Stderr io.Writer
	// Dir holds the Pulumi.<stack>.yaml files; empty means the working
	// directory.
	Dir string
	// Program is the Pulumi program `pulumi up` runs; plan runs exactly it.
	Program pulumi.RunFunc
	// Width is the columns the text formats and problems are wrapped to;
	// 0 means textout.Width. Tests of the output's shape set it wide, to
	// read each problem on one line.
	Width int
}

// width is the columns text output is wrapped to.
func (env Env) width() int {
	if env.Width > 0 {
		return env.Width
	}
	return textout.Width
}

// command is one command: what runs it and its part of the usage text,
// whose lines starting "  <name> " are its synopses.
type command struct {
	name  string
	run   func([]string, Env) int
	usage string
}

// commands are the commands in the order the usage text lists them. A
// function, as runFleet's usage refers back to the list.
func commands() []command {
	return []command{
		{"validate", runValidate, `  validate --stack NAME | --file PATH
      check a stack file exactly as the program does; exit 1 on any
      problem. NAME may also be the stack file, Pulumi.NAME.yaml
  validate --split FILE FILE...
      check the stack files of a fleet split across stacks: each one, and
      that every tenant is deployed by exactly one of them
`},
		{"plan", runPlan, `  plan --stack NAME | --file PATH [--format table|json|mermaid]
      run the program offline under the Pulumi SDK's mocks and show every
      resource per region and tenant; exit 1 when the stack is invalid
`},
		{"diff", runDiff, `  diff --stack NAME | --file PATH --base REF_OR_FILE
       [--format text|markdown]
      compare the stack file with its base version, a git ref or a file;
      exit 0 without data risk, 2 with data risk, 1 on error
`},
		{"fleet", runFleet, `  fleet preview|up|matrix|assign|init|migrate --env NAME [flags]
      run an environment's shards through the Automation API, print their
      GitHub Actions matrix, assign tenants to shards, create shard stacks,
      move a single stack into its shards; go run . fleet --help for the
      flags (preview, up, init and migrate need the Pulumi CLI)
`},
	}
}

// usage is the general usage text.
func usage() string {
	var b strings.Builder
	b.WriteString(`usage: go run . COMMAND [flags]

Without a command, started by the Pulumi CLI, this is the Pulumi program.
go run . COMMAND --help prints a command's usage and flags.

commands:
`)
	for _, c := range commands() {
		b.WriteString(c.usage)
	}
	return b.String()
}

// Run runs the command named by args[0] and returns the process exit code.
// Without arguments it prints the usage to stderr and returns ExitUsage.
func Run(args []string, env Env) int {
	if len(args) == 0 {
		fmt.Fprint(env.Stderr, usage())
		return ExitUsage
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		// Problems only: the fleet runner's status lines go to stdout.
		stderr := textout.NewWriter(env.Stderr, env.width())
		defer stderr.Flush()
		env.Stderr = stderr
		return c.run(args[1:], env)
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		fmt.Fprint(env.Stdout, usage())
		return ExitOK
	default:
		problem(env.Stderr, "error", fmt.Sprintf("unknown command %q", args[0]))
		fmt.Fprint(env.Stderr, "\n"+usage())
		return ExitFailed
	}
}

// commandHelp is the help of a command: its part of the usage text, each
// synopsis a full command line starting with prefix ("go run . " or "go run
// . fleet "), and the flags of fs.
func commandHelp(fs *flag.FlagSet, prefix, text string) string {
	lines := []string{"usage:"}
	synopsis := false
	for _, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		switch {
		case strings.HasPrefix(line, "  ") && line[2] != ' ':
			line = "  " + prefix + line[2:]
			synopsis = true
		case synopsis && strings.HasPrefix(line, "       "):
			// The synopsis goes on: one line, wrapped below.
			lines[len(lines)-1] += " " + strings.TrimSpace(line)
			continue
		default:
			synopsis = false
		}
		lines = append(lines, line)
	}
	lines = append(lines, "", "flags:")
	fs.VisitAll(func(f *flag.Flag) {
		kind, usage := flag.UnquoteUsage(f)
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "[]" {
			usage += " (default " + f.DefValue + ")"
		}
		lines = append(lines, strings.TrimRight("  --"+f.Name+" "+kind, " "), "      "+usage)
	})
	var b strings.Builder
	for _, line := range lines {
		for _, l := range textout.WrapLine(line, textout.Width, false) {
			b.WriteString(l + "\n")
		}
	}
	return b.String()
}

// stackFlags are the flags that choose a stack file.
type stackFlags struct {
	stack, file string
}

func newFlagSet(name string, sf *stackFlags) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	// The flag package prints a bad flag's name raw, and its usage on
	// stderr; flagError prints the error escaped, and --help on stdout.
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	fs.StringVar(&sf.stack, "stack", "", "stack name, read from Pulumi.NAME.yaml; or that file's path")
	fs.StringVar(&sf.file, "file", "", "path of a stack file (the stack name comes from --stack or the file name)")
	return fs
}

// isStackFile reports whether --stack names a stack file rather than a
// stack: stack names have no .yaml suffix, and Pulumi.<stack>.yaml.yaml
// is nobody's stack file.
func isStackFile(stack string) bool {
	return strings.HasSuffix(stack, ".yaml") || strings.HasSuffix(stack, ".yml")
}

// name is the stack named by --stack: its file's name without "Pulumi."
// and ".yaml" when --stack is a file.
func (sf *stackFlags) name() string {
	if !isStackFile(sf.stack) {
		return sf.stack
	}
	base := strings.TrimPrefix(filepath.Base(sf.stack), "Pulumi.")
	return strings.TrimSuffix(strings.TrimSuffix(base, ".yaml"), ".yml")
}

// path is the stack file to read.
func (sf *stackFlags) path(env Env) (string, error) {
	switch {
	case sf.file != "":
		return sf.file, nil
	case isStackFile(sf.stack) && filepath.IsAbs(sf.stack):
		return sf.stack, nil
	case isStackFile(sf.stack):
		return filepath.Join(env.Dir, sf.stack), nil
	case sf.stack != "":
		return filepath.Join(env.Dir, "Pulumi."+sf.stack+".yaml"), nil
	default:
		return "", errors.New("give --stack NAME or --file PATH")
	}
}

// read reads the chosen stack file. --stack names the stack even when
// --file points elsewhere, since the stack name is the default environment.
func (sf *stackFlags) read(env Env) (*stackconfig.File, string, error) {
	path, err := sf.path(env)
	if err != nil {
		return nil, "", err
	}
	f, err := stackconfig.ReadFile(path)
	if err != nil {
		return nil, path, err
	}
	if sf.stack != "" {
		f.Stack = sf.name()
	}
	return f, path, nil
}

// parseFlags parses args and refuses stray arguments.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	return nil
}

// flagError ends a command whose flags fs refused with err: for --help or
// -h the command's help on stdout and ExitOK, else the error and
// ExitFailed.
func flagError(env Env, fs *flag.FlagSet, err error) int {
	if !errors.Is(err, flag.ErrHelp) {
		return fail(env, err)
	}
	for _, c := range commands() {
		if c.name == fs.Name() {
			fmt.Fprint(env.Stdout, commandHelp(fs, "go run . ", c.usage))
		}
	}
	return ExitOK
}

// fail reports err and returns ExitFailed.
func fail(env Env, err error) int {
	problem(env.Stderr, "error", err.Error())
	return ExitFailed
}

// problem prints one error or warning on one line (which Run wraps, its
// continuation lines indented). Messages embed values from stack files,
// arguments and git; stackdiff.Line escapes what is not printable and
// redacts the credentials of URLs.
func problem(w io.Writer, kind, msg string) {
	fmt.Fprintf(w, "%s: %s\n", kind, stackdiff.Line(msg))
}
