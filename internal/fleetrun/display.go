package fleetrun

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/amplify-tenancy/tenancy/internal/textout"
)

// display shows the progress of a run. Every method may be called from
// any goroutine.
type display interface {
	// started reports that s started and returns the writer for its
	// engine output.
	started(s Stack) *lineWriter
	// status sets the live status of a running stack.
	status(stack, text string)
	// finished reports a stack's result.
	finished(r Result)
	// close ends the display once every stack has finished.
	close()
}

// tailLines is how many lines of a failed stack's output the live display
// prints at the end, where the plain display has printed them all.
const tailLines = 20

// plain prints every line of every stack's output as it comes, prefixed
// with "[<stack>] ", as CI logs want.
type plain struct {
	mu  sync.Mutex
	out io.Writer
	op  Op
}

func newPlain(out io.Writer, op Op) *plain { return &plain{out: out, op: op} }

func (p *plain) println(stack, line string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.out, "[%s] %s\n", printable(stack), line)
}

func (p *plain) started(s Stack) *lineWriter {
	p.println(s.Name, fmt.Sprintf("%s started (%s)", p.op, tenantCount(s.Tenants)))
	return newLineWriter(func(line string) { p.println(s.Name, printable(line)) })
}

func (p *plain) status(string, string) {}

func (p *plain) finished(r Result) { p.println(r.Name, outcome(p.op, r)) }

func (p *plain) close() {}

// live redraws one status line per running stack and a tally line below
// them, on a terminal. A finished stack's line is printed above that live
// region and stays; at the end the last lines of every failed stack's
// output follow.
type live struct {
	mu      sync.Mutex
	out     io.Writer
	op      Op
	width   int
	total   int
	running []string // in start order
	since   map[string]time.Time
	text    map[string]string
	tails   map[string][]string
	failed  []string
	done    int
	drawn   int // lines of the live region on screen
	stop    chan struct{}
	stopped chan struct{}
}

// redrawEvery is how often the live region is redrawn (elapsed times and
// statuses change in between).
const redrawEvery = 200 * time.Millisecond

func newLive(out io.Writer, op Op, total, width int) *live {
	if width <= 0 {
		width = 80
	}
	l := &live{out: out, op: op, width: width, total: total,
		since: map[string]time.Time{}, text: map[string]string{}, tails: map[string][]string{},
		stop: make(chan struct{}), stopped: make(chan struct{})}
	go l.tick()
	return l
}

func (l *live) tick() {
	defer close(l.stopped)
	t := time.NewTicker(redrawEvery)
	defer t.Stop()
	for {
		select {
		case <-l.stop:
			return
		case <-t.C:
			l.mu.Lock()
			l.redraw()
			l.mu.Unlock()
		}
	}
}

func (l *live) started(s Stack) *lineWriter {
	l.mu.Lock()
	l.running = append(l.running, s.Name)
	l.since[s.Name] = time.Now()
	l.text[s.Name] = "starting"
	l.redraw()
	l.mu.Unlock()
	return newLineWriter(func(line string) {
		l.mu.Lock()
		defer l.mu.Unlock()
		t := append(l.tails[s.Name], printable(line))
		if len(t) > tailLines {
			t = t[len(t)-tailLines:]
		}
		l.tails[s.Name] = t
	})
}

func (l *live) status(stack, text string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.text[stack] = text
}

func (l *live) finished(r Result) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.running = slices.DeleteFunc(l.running, func(n string) bool { return n == r.Name })
	delete(l.since, r.Name)
	delete(l.text, r.Name)
	l.done++
	if r.Err != nil {
		l.failed = append(l.failed, r.Name)
	} else {
		delete(l.tails, r.Name)
	}
	l.clear()
	fmt.Fprintln(l.out, l.fit(printable(r.Name)+" "+outcome(l.op, r)))
	l.redraw()
}

func (l *live) close() {
	close(l.stop)
	<-l.stopped
	l.mu.Lock()
	defer l.mu.Unlock()
	l.clear()
	for _, name := range l.failed {
		tail := l.tails[name]
		if len(tail) == 0 {
			continue
		}
		fmt.Fprintf(l.out, "\n[%s] last %d lines of output:\n", printable(name), len(tail))
		for _, line := range tail {
			fmt.Fprintf(l.out, "[%s] %s\n", printable(name), line)
		}
	}
}

// clear erases the live region and leaves the cursor where it began.
func (l *live) clear() {
	if l.drawn > 0 {
		fmt.Fprintf(l.out, "\x1b[%dA\r\x1b[J", l.drawn)
		l.drawn = 0
	}
}

// redraw draws the live region anew: a line per running stack, then the
// tally. l.mu is held.
func (l *live) redraw() {
	var b strings.Builder
	if l.drawn > 0 {
		fmt.Fprintf(&b, "\x1b[%dA\r\x1b[J", l.drawn)
	}
	now := time.Now()
	for _, name := range l.running {
		line := fmt.Sprintf("%s %s %s", printable(name), formatDuration(now.Sub(l.since[name])), printable(l.text[name]))
		b.WriteString(l.fit(line) + "\n")
	}
	waiting := l.total - l.done - len(l.running)
	tally := fmt.Sprintf("%s: %d of %d stacks done, %d failed, %d running, %d waiting",
		l.op, l.done, l.total, len(l.failed), len(l.running), waiting)
	b.WriteString(l.fit(tally) + "\n")
	l.drawn = len(l.running) + 1
	io.WriteString(l.out, b.String())
}

// fit shortens a line to the terminal's width less one column, so the
// terminal never wraps it and the redraw counts its lines right.
func (l *live) fit(line string) string {
	r := []rune(line)
	if len(r) < l.width {
		return line
	}
	return string(r[:l.width-4]) + "..."
}

// outcome is a finished stack's one-line result.
func outcome(op Op, r Result) string {
	switch {
	case errors.Is(r.Err, ErrNotStarted):
		return r.Err.Error()
	case r.Err != nil:
		return fmt.Sprintf("failed after %s: %s", formatDuration(r.Duration), firstLine(r.Err.Error()))
	default:
		return fmt.Sprintf("%s ok in %s: %s", op, formatDuration(r.Duration), describeChanges(op, r.Changes))
	}
}

// describeChanges spells out changes: "2 to create, 1 to replace" for a
// preview, "2 created, 1 replaced" for an up, "no changes".
func describeChanges(op Op, c Changes) string {
	verbs := []struct {
		n             int
		preview, done string
	}{
		{c.Create, "to create", "created"},
		{c.Update, "to update", "updated"},
		{c.Delete, "to delete", "deleted"},
		{c.Replace, "to replace", "replaced"},
	}
	var parts []string
	for _, v := range verbs {
		if v.n == 0 {
			continue
		}
		verb := v.done
		if op == Preview {
			verb = v.preview
		}
		parts = append(parts, fmt.Sprintf("%d %s", v.n, verb))
	}
	if len(parts) == 0 {
		return "no changes"
	}
	return strings.Join(parts, ", ")
}

func tenantCount(n int) string {
	if n < 0 {
		return "tenants unknown"
	}
	return textout.Count(n, "tenant")
}

// firstLine is the first non-empty line of s, printable.
func firstLine(s string) string {
	for line := range strings.Lines(s) {
		if line = strings.TrimSpace(line); line != "" {
			return printable(line)
		}
	}
	return ""
}

// printable replaces control characters but tab, which would break a
// redrawn line or forge one, with '?'.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if (r < 0x20 && r != '\t') || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return '?'
		}
		return r
	}, s)
}

// lineWriter hands each complete line written to it to emit; flush emits
// what is left. It is safe for concurrent writers.
type lineWriter struct {
	mu      sync.Mutex
	partial []byte
	emit    func(line string)
}

func newLineWriter(emit func(string)) *lineWriter { return &lineWriter{emit: emit} }

func (w *lineWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.partial = append(w.partial, p...)
	for {
		i := slices.Index(w.partial, '\n')
		if i < 0 {
			break
		}
		w.emit(strings.TrimRight(string(w.partial[:i]), "\r"))
		w.partial = w.partial[i+1:]
	}
	return len(p), nil
}

func (w *lineWriter) flush() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.partial) > 0 {
		w.emit(strings.TrimRight(string(w.partial), "\r"))
		w.partial = nil
	}
}
