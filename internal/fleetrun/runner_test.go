package fleetrun

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeRunner runs a stack by sleeping, writing two lines of output and
// setting a status; it records how many stacks ran at once.
type fakeRunner struct {
	mu               sync.Mutex
	running, maxSeen int
	ran              []string
	fail             map[string]error
	panics           map[string]bool
	sleep            time.Duration
	changes          Changes
	// onStart, when set, runs as a stack starts.
	onStart func(stack string)
}

func (f *fakeRunner) Run(ctx context.Context, op Op, stack string, out io.Writer, status func(string)) (Changes, error) {
	f.mu.Lock()
	f.running++
	f.maxSeen = max(f.maxSeen, f.running)
	f.ran = append(f.ran, stack)
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		f.running--
		f.mu.Unlock()
	}()
	if f.onStart != nil {
		f.onStart(stack)
	}
	status("create " + stack + "-app")
	fmt.Fprintf(out, "%s: first line\nsecond line", op)
	time.Sleep(f.sleep)
	if f.panics[stack] {
		panic("boom")
	}
	return f.changes, f.fail[stack]
}

func stacks(names ...string) []Stack {
	out := make([]Stack, len(names))
	for i, n := range names {
		out[i] = Stack{Name: n, Tenants: i + 1}
	}
	return out
}

func TestRunBoundsConcurrency(t *testing.T) {
	f := &fakeRunner{sleep: 20 * time.Millisecond}
	names := make([]string, 10)
	for i := range names {
		names[i] = fmt.Sprintf("prod-us-east-1-%d", i+1)
	}
	var out bytes.Buffer
	results := Run(context.Background(), Options{Op: Preview, Stacks: stacks(names...), Parallel: 3, Runner: f, Out: &out})
	if f.maxSeen != 3 {
		t.Errorf("at most %d stacks ran at once, want 3", f.maxSeen)
	}
	if len(f.ran) != 10 || Failed(results) != 0 {
		t.Errorf("ran %d stacks, %d failed; want 10, 0", len(f.ran), Failed(results))
	}
	for i, r := range results {
		if r.Name != names[i] || r.Tenants != i+1 {
			t.Errorf("result %d is %s (%d tenants), want %s in the order given", i, r.Name, r.Tenants, names[i])
		}
	}
}

func TestParallelBelowOneRunsOneAtATime(t *testing.T) {
	f := &fakeRunner{sleep: 5 * time.Millisecond}
	Run(context.Background(), Options{Op: Up, Stacks: stacks("a", "b", "c"), Runner: f, Out: io.Discard})
	if f.maxSeen != 1 {
		t.Errorf("%d stacks ran at once, want 1", f.maxSeen)
	}
}

func TestAFailingStackDoesNotStopTheOthers(t *testing.T) {
	f := &fakeRunner{
		fail:    map[string]error{"b": errors.New("failed to run update: exit status 255\nstderr: error: boom")},
		panics:  map[string]bool{"d": true},
		changes: Changes{Create: 2},
	}
	var out bytes.Buffer
	results := Run(context.Background(), Options{Op: Up, Stacks: stacks("a", "b", "c", "d", "e"), Parallel: 2, Runner: f, Out: &out})
	if len(f.ran) != 5 {
		t.Fatalf("ran %v, want all five", f.ran)
	}
	if n := Failed(results); n != 2 {
		t.Errorf("%d failed, want 2 (b and d)", n)
	}
	if results[1].Err == nil || results[3].Err == nil || !strings.Contains(results[3].Err.Error(), "panic: boom") {
		t.Errorf("b and d should fail, d with its panic: %v, %v", results[1].Err, results[3].Err)
	}
	for _, want := range []string{
		"[b] failed after ",
		": failed to run update: exit status 255\n",
		"[a] up ok in ",
		"s: 2 created\n",
		"[c] up started (3 tenants)\n",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestPlainOutputPrefixesEveryLine(t *testing.T) {
	var out bytes.Buffer
	Run(context.Background(), Options{Op: Preview, Stacks: stacks("prod-eu-central-1-1", "prod-eu-central-1-2"),
		Parallel: 2, Runner: &fakeRunner{}, Out: &out})
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 8 {
		t.Errorf("%d lines, want 4 per stack (started, 2 of output, result):\n%s", len(lines), out.String())
	}
	for _, l := range lines {
		if !strings.HasPrefix(l, "[prod-eu-central-1-1] ") && !strings.HasPrefix(l, "[prod-eu-central-1-2] ") {
			t.Errorf("line %q has no stack prefix", l)
		}
	}
	// The last line, without a newline, is flushed when the stack ends.
	if !strings.Contains(out.String(), "[prod-eu-central-1-2] second line\n") {
		t.Errorf("the unterminated last line is missing:\n%s", out.String())
	}
}

func TestInterruptedRunStartsNoMoreStacks(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f := &fakeRunner{onStart: func(string) { cancel() }}
	var out bytes.Buffer
	results := Run(ctx, Options{Op: Up, Stacks: stacks("a", "b", "c"), Parallel: 1, Runner: f, Out: &out})
	if len(f.ran) != 1 {
		t.Errorf("ran %v after the interrupt, want only a", f.ran)
	}
	for _, r := range results[1:] {
		if !errors.Is(r.Err, ErrNotStarted) {
			t.Errorf("%s: err %v, want ErrNotStarted", r.Name, r.Err)
		}
	}
	if !strings.Contains(out.String(), "[c] not started") {
		t.Errorf("output does not say c did not start:\n%s", out.String())
	}
}

// ansi matches the escape sequences the live display writes.
var ansi = regexp.MustCompile(`\x1b\[[0-9]*[A-Za-z]`)

func TestLiveDisplayFitsTheTerminalAndShowsFailures(t *testing.T) {
	f := &fakeRunner{
		sleep: 3 * redrawEvery / 2,
		fail:  map[string]error{"prod-ap-southeast-2-123456789012-1": errors.New("exit status 1")},
	}
	var out bytes.Buffer
	names := []string{"prod-ap-southeast-2-123456789012-1", "prod-us-east-1-1", "prod-us-east-1-2"}
	const width = 60
	results := Run(context.Background(), Options{Op: Up, Stacks: stacks(names...), Parallel: 2, Runner: f,
		Out: &out, Live: true, Width: width})
	if Failed(results) != 1 {
		t.Fatalf("%d failed, want 1", Failed(results))
	}
	text := out.String()
	if !strings.Contains(text, "\x1b[") {
		t.Error("the live display never redrew")
	}
	plainText := strings.ReplaceAll(ansi.ReplaceAllString(text, ""), "\r", "")
	for l := range strings.Lines(plainText) {
		l = strings.TrimSuffix(l, "\n")
		// The tail of a failed stack's output is printed whole.
		if strings.HasPrefix(l, "[") {
			continue
		}
		if n := len([]rune(l)); n >= width {
			t.Errorf("line of %d columns on a %d-column terminal: %q", n, width, l)
		}
	}
	for _, want := range []string{
		"prod-us-east-1-2 up ok in",
		"up: 3 of 3 stacks done, 1 failed, 0 running, 0 waiting",
		"[prod-ap-southeast-2-123456789012-1] last 2 lines of output:\n[prod-ap-southeast-2-123456789012-1] up: first line\n",
	} {
		if !strings.Contains(plainText, want) {
			t.Errorf("live output lacks %q:\n%q", want, text)
		}
	}
	// The run ends with the live region erased.
	if !strings.Contains(text, "\x1b[J\n[prod-ap-southeast-2-123456789012-1] last 2 lines") {
		t.Errorf("the live region is not erased before the failure report:\n%q", text)
	}
}

func TestPrintableKeepsControlCharactersOffTheScreen(t *testing.T) {
	if got := printable("a\x1b[2Jb\tc\r\n\u009b"); got != "a?[2Jb\tc???" {
		t.Errorf("printable = %q", got)
	}
}

func TestEngineRefusesAStackWithoutItsStackFile(t *testing.T) {
	e := &Engine{Dir: t.TempDir()}
	_, err := e.Run(context.Background(), Up, "prod-eu-west-1-1", io.Discard, func(string) {})
	if err == nil || !strings.Contains(err.Error(), "stack prod-eu-west-1-1: its stack file: ") || !strings.Contains(err.Error(), "fleet init") {
		t.Errorf("err = %v", err)
	}
}

// fakeCLI writes a stand-in Pulumi CLI that only answers `version`.
func fakeCLI(t *testing.T, path string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("#!/bin/sh\necho v3.274.1\n"), 0o755); err != nil {
		t.Fatal(err)
	}
}

func TestNewCommandFindsTheCLI(t *testing.T) {
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh")
	}
	home := t.TempDir()
	fakeCLI(t, filepath.Join(home, "bin", "pulumi"))
	elsewhere := filepath.Join(t.TempDir(), "pulumi-3.274.1")
	fakeCLI(t, elsewhere)
	// Not on PATH: $PULUMI_HOME/bin/pulumi.
	t.Setenv("PATH", t.TempDir())
	t.Setenv("PULUMI_HOME", home)
	for _, path := range []string{"", elsewhere} {
		cmd, cleanup, err := NewCommand(path)
		if err != nil {
			t.Fatalf("NewCommand(%q): %v", path, err)
		}
		if v := cmd.Version().String(); v != "3.274.1" {
			t.Errorf("NewCommand(%q): version %s", path, v)
		}
		cleanup()
	}
	if _, _, err := NewCommand(filepath.Join(home, "missing")); err == nil {
		t.Error("a missing CLI was accepted")
	}
	t.Setenv("PULUMI_HOME", t.TempDir())
	if _, _, err := NewCommand(""); err == nil || !strings.Contains(err.Error(), "--pulumi") {
		t.Errorf("no CLI anywhere: %v", err)
	}
}

// TestWavesRunInOrder: no stack of a later wave (a place's other shards)
// starts before every stack of the earlier wave (the home shards, which
// own the shared resources) has finished, failed or not.
func TestWavesRunInOrder(t *testing.T) {
	f := &fakeRunner{sleep: 20 * time.Millisecond, fail: map[string]error{"home-b": errors.New("boom")}}
	var mu sync.Mutex
	started := map[string]time.Time{}
	f.onStart = func(stack string) {
		mu.Lock()
		defer mu.Unlock()
		started[stack] = time.Now()
	}
	stacks := []Stack{{Name: "other-a", Wave: 1}, {Name: "home-a"}, {Name: "other-b", Wave: 1}, {Name: "home-b"}}
	results := Run(context.Background(), Options{Op: Up, Stacks: stacks, Parallel: 4, Runner: f, Out: io.Discard})
	if len(results) != 4 || results[0].Err != nil || results[3].Err == nil {
		t.Fatalf("results %+v", results)
	}
	for _, home := range []string{"home-a", "home-b"} {
		end := started[home].Add(f.sleep)
		for _, other := range []string{"other-a", "other-b"} {
			if started[other].Before(end) {
				t.Errorf("%s started %v before %s could have finished", other, end.Sub(started[other]), home)
			}
		}
	}
}
