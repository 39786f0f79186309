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

	"github.com/amplify-tenancy/tenancy/internal/stackconfig"
	"github.com/amplify-tenancy/tenancy/internal/stackdiff"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Exit codes. Diff reserves 2 for a data risk, so a usage error is 1 like
// any other failure.
const (
	ExitOK       = 0
	ExitFailed   = 1
	ExitDataRisk = 2
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
}

const usage = `usage: go run . COMMAND [flags]

Without a command this is the Pulumi program (the Pulumi CLI runs it so).

commands:
  validate --stack NAME | --file PATH
      check a stack file exactly as the program does; exit 1 on any problem
  validate --split FILE FILE...
      check the stack files of a fleet split across stacks: each one, and
      that every tenant is deployed by exactly one of them
  plan --stack NAME | --file PATH [--format table|json|mermaid]
      run the program offline under the Pulumi SDK's mocks and show every
      resource per region and tenant; exit 1 when the stack is invalid
  diff --stack NAME | --file PATH --base GIT_REF_OR_FILE [--format text|markdown]
      compare the stack file with its base version; exit 0 without data
      risk, 2 with data risk, 1 on error
  fleet preview|up|matrix|assign|init --env NAME [flags]
      run an environment's shards through the Automation API, print their
      GitHub Actions matrix, assign tenants to shards, create shard stacks;
      go run . fleet --help for the flags (preview, up and init need the
      Pulumi CLI)
`

// Run runs the command named by args[0] and returns the process exit code.
func Run(args []string, env Env) int {
	if len(args) == 0 {
		fmt.Fprint(env.Stderr, usage)
		return ExitFailed
	}
	commands := map[string]func([]string, Env) int{
		"validate": runValidate,
		"plan":     runPlan,
		"diff":     runDiff,
		"fleet":    runFleet,
	}
	cmd, ok := commands[args[0]]
	switch {
	case ok:
		return cmd(args[1:], env)
	case args[0] == "help" || args[0] == "-h" || args[0] == "--help":
		fmt.Fprint(env.Stdout, usage)
		return ExitOK
	default:
		fmt.Fprintf(env.Stderr, "unknown command %q\n\n%s", args[0], usage)
		return ExitFailed
	}
}

// stackFlags are the flags that choose a stack file.
type stackFlags struct {
	stack, file string
}

func newFlagSet(name string, env Env, sf *stackFlags) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	// The flag package prints a bad flag's name raw; fail prints its error
	// escaped instead.
	fs.SetOutput(io.Discard)
	fs.Usage = func() { fmt.Fprint(env.Stderr, usage) }
	fs.StringVar(&sf.stack, "stack", "", "stack name: reads Pulumi.<stack>.yaml")
	fs.StringVar(&sf.file, "file", "", "path of a stack file (the stack name comes from --stack or the file name)")
	return fs
}

// path is the stack file to read.
func (sf *stackFlags) path(env Env) (string, error) {
	switch {
	case sf.file != "":
		return sf.file, nil
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
		f.Stack = sf.stack
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

// fail reports err and returns ExitFailed.
func fail(env Env, err error) int {
	if !errors.Is(err, flag.ErrHelp) {
		problem(env.Stderr, "error", err.Error())
	}
	return ExitFailed
}

// problem prints one error or warning on one line. Messages embed values
// from stack files, arguments and git; stackdiff.Line escapes what is not
// printable and redacts the credentials of URLs.
func problem(w io.Writer, kind, msg string) {
	fmt.Fprintf(w, "%s: %s\n", kind, stackdiff.Line(msg))
}
