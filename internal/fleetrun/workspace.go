package fleetrun

import (
	"context"
	"io"
	"slices"
	"sync"

	"github.com/amplify-tenancy/tenancy/internal/shard"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
)

// leanWorkspace is the Automation API workspace the runner runs a stack
// in, without the CLI calls the runner does not use. auto.Stack.Up, after
// `pulumi up`, runs `pulumi stack output` twice and `pulumi stack history`
// to fill its UpResult, and auto.UpsertStack runs `pulumi stack select`
// first: four more CLI processes per stack, each loading, and for
// --show-secrets decrypting, the stack's whole checkpoint. In a no-op run
// of a fleet they cost more than the `up` itself (docs/performance.md).
// The runner reads the changes from the engine's events, not from
// UpResult, and learns which stacks exist from one `pulumi stack ls` per
// run, so leanWorkspace answers those calls without the CLI:
//   - SelectStack succeeds without running the CLI: the stacks given to
//     it are known to exist;
//   - StackOutputs is empty;
//   - `pulumi stack history` returns an empty history.
//
// Everything else, `pulumi up` and `pulumi preview` included, goes to the
// embedded LocalWorkspace and its CLI.
type leanWorkspace struct {
	auto.Workspace
}

// SelectStack implements auto.Workspace: the stack exists (see above).
func (leanWorkspace) SelectStack(context.Context, string) error { return nil }

// StackOutputs implements auto.Workspace: the runner reads no outputs.
func (leanWorkspace) StackOutputs(context.Context, string) (auto.OutputMap, error) {
	return auto.OutputMap{}, nil
}

// PulumiCommand implements auto.Workspace.
func (w leanWorkspace) PulumiCommand() auto.PulumiCommand {
	return noHistory{w.Workspace.PulumiCommand()}
}

// noHistory is a PulumiCommand that answers `pulumi stack history` with
// an empty history, and runs everything else.
type noHistory struct {
	auto.PulumiCommand
}

// Run implements auto.PulumiCommand.
func (c noHistory) Run(ctx context.Context, workdir string, stdin io.Reader, out, errOut []io.Writer,
	env []string, args ...string,
) (string, string, int, error) {
	if isHistory(args) {
		return "[]", "", 0, nil
	}
	return c.PulumiCommand.Run(ctx, workdir, stdin, out, errOut, env, args...)
}

// isHistory reports whether args are a `pulumi stack history` command.
func isHistory(args []string) bool {
	i := slices.Index(args, "stack")
	return i >= 0 && i+1 < len(args) && args[i+1] == "history"
}

// stackList is the set of the project's stacks in the backend, listed
// once per run.
type stackList struct {
	once  sync.Once
	names map[string]bool
	err   error
}

// has reports whether the backend has the stack, listing the stacks with
// ws the first time.
func (l *stackList) has(ctx context.Context, ws auto.Workspace, stack string) (bool, error) {
	l.once.Do(func() { l.names, l.err = shard.StackNames(ctx, ws) })
	return l.names[stack], l.err
}
