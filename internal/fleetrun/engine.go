package fleetrun

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/amplify-tenancy/tenancy/internal/shard"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Engine runs a stack through the Automation API: the inline Program, in
// Dir (the project directory, with Pulumi.yaml and the stacks'
// Pulumi.<stack>.yaml, which the CLI reads), with the CLI Command, in a
// leanWorkspace. The
// backend and the passphrase come from the environment, as for the CLI
// (PULUMI_BACKEND_URL or `pulumi login`, PULUMI_CONFIG_PASSPHRASE). A
// stack missing from the backend is created, with the encryption salt its
// stack file already has; a stack without its stack file fails.
type Engine struct {
	Dir     string
	Program pulumi.RunFunc
	Command auto.PulumiCommand
	// Diff shows each resource's changed properties in the output.
	Diff bool

	// stacks are the project's stacks in the backend, listed once.
	stacks stackList
}

// eventsGrace bounds the wait for the engine's event log after the
// operation returned: an operation that failed before it started has
// none.
const eventsGrace = 5 * time.Second

// Run implements StackRunner.
func (e *Engine) Run(ctx context.Context, op Op, stack string, out io.Writer, status func(string)) (Changes, error) {
	// Without its stack file, `pulumi stack init` would make one that
	// names no fleet and no shard.
	if _, err := os.Stat(filepath.Join(e.Dir, shard.StackFileName(stack))); err != nil {
		return Changes{}, fmt.Errorf("stack %s: its stack file: %w (a shard's is written by: go run . fleet init)", stack, err)
	}
	status("selecting the stack")
	s, err := e.stack(ctx, stack)
	if err != nil {
		return Changes{}, fmt.Errorf("stack %s: %w", stack, err)
	}
	ch := make(chan events.EngineEvent)
	t := &tracker{status: status}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ev := range ch {
			t.add(ev)
		}
	}()
	switch op {
	case Preview:
		opts := []optpreview.Option{optpreview.ProgressStreams(out), optpreview.ErrorProgressStreams(out),
			optpreview.EventStreams(ch), optpreview.Color("never")}
		if e.Diff {
			opts = append(opts, optpreview.Diff())
		}
		_, err = s.Preview(ctx, opts...)
	case Up:
		opts := []optup.Option{optup.ProgressStreams(out), optup.ErrorProgressStreams(out),
			optup.EventStreams(ch), optup.Color("never")}
		if e.Diff {
			opts = append(opts, optup.Diff())
		}
		_, err = s.Up(ctx, opts...)
	default:
		err = fmt.Errorf("unknown operation %q", op)
	}
	select {
	case <-done:
	case <-time.After(eventsGrace):
	}
	return t.result(), err
}

// stack returns the stack in a leanWorkspace, creating it in the backend
// when it is missing.
func (e *Engine) stack(ctx context.Context, name string) (auto.Stack, error) {
	ws, err := auto.NewLocalWorkspace(ctx, auto.WorkDir(e.Dir), auto.Program(onOwnGoroutine(e.Program)), auto.Pulumi(e.Command))
	if err != nil {
		return auto.Stack{}, err
	}
	exists, err := e.stacks.has(ctx, ws, name)
	if err != nil {
		return auto.Stack{}, err
	}
	if !exists {
		return auto.NewStack(ctx, name, leanWorkspace{ws})
	}
	return auto.SelectStack(ctx, name, leanWorkspace{ws})
}

// tracker turns engine events into a live status and the changes of the
// operation's summary.
type tracker struct {
	mu      sync.Mutex
	status  func(string)
	seen    int
	changes Changes
}

func (t *tracker) add(ev events.EngineEvent) {
	t.mu.Lock()
	defer t.mu.Unlock()
	switch {
	case ev.ResourcePreEvent != nil:
		t.seen++
		m := ev.ResourcePreEvent.Metadata
		if m.Op != apitype.OpSame {
			t.status(fmt.Sprintf("%d resources; %s %s", t.seen, m.Op, nameOf(m.URN)))
		} else {
			t.status(fmt.Sprintf("%d resources", t.seen))
		}
	case ev.DiagnosticEvent != nil && ev.DiagnosticEvent.Severity == "error":
		t.status("error: " + firstLine(ev.DiagnosticEvent.Message))
	case ev.SummaryEvent != nil:
		c := ev.SummaryEvent.ResourceChanges
		t.changes = Changes{Create: c[apitype.OpCreate], Update: c[apitype.OpUpdate],
			Delete: c[apitype.OpDelete], Replace: c[apitype.OpReplace]}
	}
}

func (t *tracker) result() Changes {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.changes
}

// nameOf is the logical name at the end of a URN.
func nameOf(urn string) string {
	if i := strings.LastIndex(urn, "::"); i >= 0 {
		return urn[i+2:]
	}
	return urn
}

// NewCommand returns the Pulumi CLI at path, or when path is empty the
// `pulumi` on PATH, else $PULUMI_HOME/bin/pulumi (default
// ~/.pulumi/bin/pulumi, where the installer puts it). cleanup removes
// what NewCommand made.
func NewCommand(path string) (cmd auto.PulumiCommand, cleanup func(), err error) {
	cleanup = func() {}
	if path == "" {
		if path, err = findCLI(); err != nil {
			return nil, cleanup, err
		}
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, cleanup, err
	}
	if _, err := os.Stat(abs); err != nil {
		return nil, cleanup, fmt.Errorf("pulumi CLI: %w", err)
	}
	// The Automation API runs <root>/bin/pulumi: give it that layout.
	root, err := os.MkdirTemp("", "tenancy-pulumi-")
	if err != nil {
		return nil, cleanup, err
	}
	cleanup = func() { _ = os.RemoveAll(root) }
	if err := os.Mkdir(filepath.Join(root, "bin"), 0o755); err != nil {
		cleanup()
		return nil, func() {}, err
	}
	if err := os.Symlink(abs, filepath.Join(root, "bin", "pulumi")); err != nil {
		cleanup()
		return nil, func() {}, err
	}
	cmd, err = auto.NewPulumiCommand(&auto.PulumiCommandOptions{Root: root})
	if err != nil {
		cleanup()
		return nil, func() {}, fmt.Errorf("pulumi CLI %s: %w", abs, err)
	}
	return cmd, cleanup, nil
}

// findCLI looks for the Pulumi CLI on PATH, then where its installer puts
// it.
func findCLI() (string, error) {
	if p, err := exec.LookPath("pulumi"); err == nil {
		return p, nil
	}
	home := os.Getenv("PULUMI_HOME")
	if home == "" {
		if h, err := os.UserHomeDir(); err == nil {
			home = filepath.Join(h, ".pulumi")
		}
	}
	if home != "" {
		p := filepath.Join(home, "bin", "pulumi")
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", errors.New("no Pulumi CLI: put pulumi on PATH, or give its path with --pulumi")
}
