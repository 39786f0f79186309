// Package fleetrun runs one Pulumi operation (preview or up) over many
// stacks of a fleet, the shards of an environment, with bounded
// concurrency. It shows live progress per stack, keeps going when one
// stack fails, and summarises every stack in a table of at most 80
// columns. Engine runs a stack through the Automation API; tests run the
// runner over a fake StackRunner. It also prints the GitHub Actions
// matrices CI runs the shards from (Matrices).
package fleetrun

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"sync"
	"time"
)

// Op is the operation run on every stack.
type Op string

// The operations the runner runs.
const (
	Preview Op = "preview"
	Up      Op = "up"
)

// Stack is one stack the runner runs: a shard, or the single stack of an
// environment without shards.
type Stack struct {
	// Name is the stack name, `pulumi up --stack <Name>`.
	Name string
	// Tenants is how many tenants the stack deploys; negative when unknown.
	Tenants int
	// Wave orders the stacks: every stack of a wave finishes before the
	// next wave starts. A place's home shard (wave 0) owns the shared
	// resources its other shards (wave 1) read from its output.
	Wave int
}

// Changes counts the resources an operation creates, updates, deletes and
// replaces (a preview: would).
type Changes struct {
	Create, Update, Delete, Replace int
}

// Add returns the sum of c and d.
func (c Changes) Add(d Changes) Changes {
	return Changes{c.Create + d.Create, c.Update + d.Update, c.Delete + d.Delete, c.Replace + d.Replace}
}

// StackRunner runs one operation on one stack. It writes the engine's
// output, line by line, to out and reports a short live status (such as
// the resource being created) to status; both may be called from any
// goroutine until Run returns. It returns the stack's changes, also when
// the operation failed partway.
type StackRunner interface {
	Run(ctx context.Context, op Op, stack string, out io.Writer, status func(string)) (Changes, error)
}

// ErrNotStarted is the error of a stack the runner never started, because
// ctx was done first.
var ErrNotStarted = errors.New("not started: the run was interrupted")

// Result is how one stack's operation went.
type Result struct {
	Stack
	Changes  Changes
	Duration time.Duration
	// Err is nil when the operation succeeded.
	Err error
}

// Options configure Run.
type Options struct {
	Op     Op
	Stacks []Stack
	// Parallel bounds how many stacks run at once; below 1 means 1.
	Parallel int
	Runner   StackRunner
	// Out receives the progress: one redrawn status line per running
	// stack when Live (a terminal), otherwise plain lines, each prefixed
	// with "[<stack>] ".
	Out  io.Writer
	Live bool
	// Width is the width of the terminal; 0 means 80. Only Live uses it.
	Width int
}

// Run runs opts.Op on every stack, at most opts.Parallel at a time, wave
// by wave (Stack.Wave), in the order given within a wave, and returns one Result per stack in that order. A
// stack that fails does not stop the others; once ctx is done, no further
// stack starts (their Err is ErrNotStarted).
func Run(ctx context.Context, opts Options) []Result {
	parallel := max(opts.Parallel, 1)
	var d display = newPlain(opts.Out, opts.Op)
	if opts.Live {
		d = newLive(opts.Out, opts.Op, len(opts.Stacks), opts.Width)
	}
	results := make([]Result, len(opts.Stacks))
	slots := make(chan struct{}, parallel)
	waves := map[int]bool{}
	for _, s := range opts.Stacks {
		waves[s.Wave] = true
	}
	for _, wave := range slices.Sorted(maps.Keys(waves)) {
		var wg sync.WaitGroup
		for i, s := range opts.Stacks {
			if s.Wave != wave {
				continue
			}
			select {
			case slots <- struct{}{}:
			case <-ctx.Done():
			}
			if ctx.Err() != nil {
				results[i] = Result{Stack: s, Err: ErrNotStarted}
				d.finished(results[i])
				continue
			}
			wg.Go(func() {
				defer func() { <-slots }()
				results[i] = runOne(ctx, opts, s, d)
			})
		}
		wg.Wait()
	}
	d.close()
	return results
}

// runOne runs one stack; a panic in the runner fails that stack only.
func runOne(ctx context.Context, opts Options, s Stack, d display) (r Result) {
	r.Stack = s
	start := time.Now()
	out := d.started(s)
	defer func() {
		if p := recover(); p != nil {
			r.Err = fmt.Errorf("panic: %v", p)
		}
		r.Duration = time.Since(start)
		out.flush()
		d.finished(r)
	}()
	r.Changes, r.Err = opts.Runner.Run(ctx, opts.Op, s.Name, out, func(text string) { d.status(s.Name, text) })
	return r
}

// Failed returns how many results are failures.
func Failed(results []Result) int {
	n := 0
	for _, r := range results {
		if r.Err != nil {
			n++
		}
	}
	return n
}
