package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/amplify-tenancy/tenancy/internal/fleetrun"
)

// fleetFile is an environment's fleet file: three tenants in us-east-1,
// one in eu-west-1.
const fleetFile = `config:
  tenancy:repository: https://github.com/example/storefront
  tenancy:tenants:
    - id: acme
      name: Acme
      region: us-east-1
    - id: globex
      name: Globex
      region: us-east-1
    - id: initech
      name: Initech
      region: us-east-1
    - id: hooli
      name: Hooli
      region: eu-west-1
`

// shardNames are the shards `fleet assign --max-tenants 2` makes of
// fleetFile, in lock order.
var shardNames = []string{"prod-eu-west-1-1", "prod-us-east-1-1", "prod-us-east-1-2"}

func runIn(dir string, args ...string) result {
	var stdout, stderr bytes.Buffer
	code := Run(args, Env{Stdout: &stdout, Stderr: &stderr, Dir: dir, Program: program, Width: unwrapped})
	return result{code, stdout.String(), stderr.String()}
}

// shardedRepo is a git repository whose commit holds fleetFile, the lock
// `fleet assign --max-tenants 2` wrote and the shards' stack files (as
// `fleet init` writes them, but without secrets).
func shardedRepo(t *testing.T) string {
	t.Helper()
	dir := gitRepo(t, map[string]string{"Pulumi.prod.yaml": fleetFile})
	r := runIn(dir, "fleet", "assign", "--env", "prod", "--max-tenants", "2")
	if r.code != ExitOK {
		t.Fatalf("fleet assign: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, name := range shardNames {
		text := "config:\n  tenancy:fleet: prod\n  tenancy:shard: " + name + "\n"
		if err := os.WriteFile(filepath.Join(dir, "Pulumi."+name+".yaml"), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, args := range [][]string{{"add", "-A"}, {"commit", "-q", "-m", "lock"}} {
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com",
			"GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com", "GIT_CONFIG_GLOBAL=/dev/null")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	return dir
}

// TestFleetHelpExitsZero: fleet --help prints the fleet usage, a fleet
// command's --help only that command's usage and its flags, on stdout.
func TestFleetHelpExitsZero(t *testing.T) {
	for _, c := range []struct {
		args []string
		want []string // in order
	}{
		{[]string{"fleet", "--help"}, []string{"usage: go run . fleet", "  preview|up", "  migrate"}},
		{[]string{"fleet", "help"}, []string{"usage: go run . fleet"}},
		{[]string{"fleet", "-h"}, []string{"usage: go run . fleet"}},
		{[]string{"fleet", "up", "--help"}, []string{"usage:\n  go run . fleet preview|up --env NAME", "flags:\n", "  --parallel int\n"}},
		{[]string{"fleet", "preview", "-h"}, []string{"usage:\n  go run . fleet preview|up --env NAME", "  --shard value\n"}},
		{[]string{"fleet", "matrix", "--help"}, []string{"usage:\n  go run . fleet matrix --env NAME", "  --batch int\n", "(default 256)"}},
		{[]string{"fleet", "assign", "-help"}, []string{"usage:\n  go run . fleet assign --env NAME", "  --max-tenants int\n"}},
		{[]string{"fleet", "init", "--help"}, []string{"usage:\n  go run . fleet init --env NAME", "  --pulumi string\n"}},
		{[]string{"fleet", "migrate", "--help"}, []string{"usage:\n  go run . fleet migrate --env NAME", "  --backup string\n"}},
	} {
		r := runCommand(c.args...)
		ok := r.code == ExitOK && r.stderr == ""
		rest := r.stdout
		for _, w := range c.want {
			i := strings.Index(rest, w)
			ok = ok && i >= 0
			rest = rest[max(i, 0):]
		}
		if !ok || c.args[1] != "--help" && c.args[1] != "help" && c.args[1] != "-h" && strings.Contains(r.stdout, "assign the fleet's tenants") != (c.args[1] == "assign") {
			t.Errorf("%v: exit %d, stdout:\n%s\nstderr %q; want 0 and %q", c.args, r.code, r.stdout, r.stderr, c.want)
		}
	}
	if r := runCommand("--help"); !strings.Contains(r.stdout, "fleet preview|up|matrix|assign|init") {
		t.Errorf("the usage does not list fleet:\n%s", r.stdout)
	}
}

func TestFleetUsageErrors(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "Pulumi.prod.yaml"), []byte(fleetFile), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"fleet"}, "usage: go run . fleet"},
		{[]string{"fleet", "destroy"}, `unknown fleet command "destroy"`},
		{[]string{"fleet", "up"}, "give --env NAME"},
		{[]string{"fleet", "up", "--env", "../prod"}, "is not an environment's stack name"},
		{[]string{"fleet", "preview", "--env", "prod", "--changed"}, "--changed needs --base REF"},
		{[]string{"fleet", "matrix", "--env", "prod", "--base", "HEAD"}, "--base is only for --changed"},
		{[]string{"fleet", "up", "--env", "prod", "--parallel", "0"}, "--parallel 0: must be at least 1"},
		{[]string{"fleet", "up", "--env", "prod", "--parallel", "many"}, "invalid value"},
		{[]string{"fleet", "matrix", "--env", "prod", "stray"}, `unexpected argument "stray"`},
		{[]string{"fleet", "matrix", "--env", "prod", "--batch", "257"}, "--batch: 257 is not between 1 and 256"},
		{[]string{"fleet", "up", "--env", "prod", "--shard", "prod-us-east-1-1"}, "--shard prod-us-east-1-1: environment prod has no such shard; its shards: prod"},
		{[]string{"fleet", "up", "--env", "prod", "--shard", ","}, "an empty shard name"},
		{[]string{"fleet", "up", "--env", "staging"}, "environment staging has neither Pulumi.staging.shards.json nor a readable Pulumi.staging.yaml"},
		{[]string{"fleet", "init", "--env", "prod"}, "environment prod has no Pulumi.prod.shards.json, so no shards: assign them first with: go run . fleet assign --env prod"},
	} {
		r := runIn(dir, c.args...)
		if r.code != ExitFailed || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%v: exit %d, stderr:\n%s\nwant exit 1 and %q", c.args, r.code, r.stderr, c.want)
		}
	}
}

func TestFleetMatrixOfASingleStack(t *testing.T) {
	dir := gitRepo(t, map[string]string{"Pulumi.prod.yaml": fleetFile})
	for _, args := range [][]string{
		{"fleet", "matrix", "--env", "prod"},
		// A single stack is always changed: it is previewed on every change.
		{"fleet", "matrix", "--env", "prod", "--changed", "--base", "HEAD"},
	} {
		r := runIn(dir, args...)
		if r.code != ExitOK || r.stdout != `{"include":[{"shard":"prod"}]}`+"\n" {
			t.Errorf("%v: exit %d\n%s%s", args, r.code, r.stdout, r.stderr)
		}
	}
}

func TestFleetAssignThenMatrix(t *testing.T) {
	dir := shardedRepo(t)
	lock, err := os.ReadFile(filepath.Join(dir, "Pulumi.prod.shards.json"))
	if err != nil {
		t.Fatal(err)
	}
	r := runIn(dir, "fleet", "matrix", "--env", "prod")
	want := `{"include":[{"shard":"prod-eu-west-1-1"},{"shard":"prod-us-east-1-1"},{"shard":"prod-us-east-1-2"}]}` + "\n"
	if r.code != ExitOK || r.stdout != want {
		t.Errorf("matrix: exit %d\n%s%s\nwant\n%s", r.code, r.stdout, r.stderr, want)
	}
	r = runIn(dir, "fleet", "matrix", "--env", "prod", "--batch", "2")
	if lines := strings.Count(r.stdout, "\n"); r.code != ExitOK || lines != 2 {
		t.Errorf("matrix --batch 2: exit %d, %d lines, want 2:\n%s", r.code, lines, r.stdout)
	}

	// Assigning again changes nothing and names no new shard.
	r = runIn(dir, "fleet", "assign", "--env", "prod")
	if r.code != ExitOK || r.stdout != "Pulumi.prod.shards.json: 4 tenants in 3 shards of at most 2\n" {
		t.Errorf("assign again: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	again, err := os.ReadFile(filepath.Join(dir, "Pulumi.prod.shards.json"))
	if err != nil || !bytes.Equal(lock, again) {
		t.Errorf("assign again rewrote the lock:\n%s\nthen\n%s", lock, again)
	}
}

func TestFleetAssignRefusesAnInvalidFleet(t *testing.T) {
	dir := t.TempDir()
	bad := strings.Replace(fleetFile, "region: eu-west-1", "region: mars-1", 1)
	if err := os.WriteFile(filepath.Join(dir, "Pulumi.prod.yaml"), []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	r := runIn(dir, "fleet", "assign", "--env", "prod")
	if r.code != ExitFailed || !strings.Contains(r.stderr, `tenant "hooli"`) {
		t.Errorf("exit %d\n%s", r.code, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "Pulumi.prod.shards.json")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a lock was written for an invalid fleet: %v", err)
	}
}

func TestFleetMatrixOfChangedShards(t *testing.T) {
	dir := shardedRepo(t)
	r := runIn(dir, "fleet", "matrix", "--env", "prod", "--changed", "--base", "HEAD")
	if r.code != ExitOK || r.stdout != "" {
		t.Errorf("nothing changed: exit %d, want no matrix:\n%s%s", r.code, r.stdout, r.stderr)
	}
	edited := strings.Replace(fleetFile, "name: Initech", "name: Initech Inc", 1)
	if err := os.WriteFile(filepath.Join(dir, "Pulumi.prod.yaml"), []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	r = runIn(dir, "fleet", "matrix", "--env", "prod", "--changed", "--base", "HEAD")
	if r.code != ExitOK || r.stdout != `{"include":[{"shard":"prod-us-east-1-2"}]}`+"\n" {
		t.Errorf("initech edited: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// fakeStacks stands in for the Automation API in the CLI's tests.
type fakeStacks struct {
	mu   sync.Mutex
	ops  []string
	fail string
}

func (f *fakeStacks) Run(_ context.Context, op fleetrun.Op, stack string, out io.Writer, _ func(string)) (fleetrun.Changes, error) {
	f.mu.Lock()
	f.ops = append(f.ops, string(op)+" "+stack)
	f.mu.Unlock()
	fmt.Fprintln(out, "Updating ("+stack+")")
	if stack == f.fail {
		return fleetrun.Changes{Create: 1}, errors.New("exit status 255")
	}
	return fleetrun.Changes{Create: 4}, nil
}

// fakeEngine makes the fleet commands run f instead of the engine.
func fakeEngine(t *testing.T, f *fakeStacks) {
	t.Helper()
	saved := newStackRunner
	t.Cleanup(func() { newStackRunner = saved })
	newStackRunner = func(string, string, bool) (fleetrun.StackRunner, func(), error) {
		return f, func() {}, nil
	}
}

func TestFleetUpRunsEveryShardAndSummarises(t *testing.T) {
	dir := shardedRepo(t)
	f := &fakeStacks{fail: "prod-us-east-1-1"}
	fakeEngine(t, f)
	r := runIn(dir, "fleet", "up", "--env", "prod", "--parallel", "2")
	if r.code != ExitFailed {
		t.Errorf("a shard failed, yet exit %d", r.code)
	}
	slices.Sort(f.ops)
	if want := []string{"up prod-eu-west-1-1", "up prod-us-east-1-1", "up prod-us-east-1-2"}; !slices.Equal(f.ops, want) {
		t.Errorf("ran %v, want %v", f.ops, want)
	}
	for _, want := range []string{
		"[prod-us-east-1-1] up started (2 tenants)\n",
		"[prod-us-east-1-1] Updating (prod-us-east-1-1)\n",
		"[prod-us-east-1-1] failed after ",
		"\nSTACK ",
		"\nprod-us-east-1-2 ",
		"\ntotal, 3 stacks ",
		"  4  9/0/0/0 ",
		"  1 failed\n",
		"\nprod-us-east-1-1: exit status 255\n",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, r.stdout)
		}
	}
	f.fail = ""
	if r := runIn(dir, "fleet", "preview", "--env", "prod"); r.code != ExitOK {
		t.Errorf("every shard ok, yet exit %d\n%s", r.code, r.stdout)
	}
}

func TestFleetRunsTheShardsSelected(t *testing.T) {
	dir := shardedRepo(t)
	f := &fakeStacks{}
	fakeEngine(t, f)
	r := runIn(dir, "fleet", "preview", "--env", "prod", "--shard", "prod-us-east-1-2,prod-eu-west-1-1", "--parallel", "1")
	if want := []string{"preview prod-eu-west-1-1", "preview prod-us-east-1-2"}; r.code != ExitOK || !slices.Equal(f.ops, want) {
		t.Errorf("--shard: exit %d, ran %v, want %v in lock order\n%s", r.code, f.ops, want, r.stderr)
	}

	f.ops = nil
	r = runIn(dir, "fleet", "preview", "--env", "prod", "--changed", "--base", "HEAD")
	if r.code != ExitOK || len(f.ops) != 0 || !strings.Contains(r.stdout, "prod: no shard to preview: none differs from HEAD") {
		t.Errorf("--changed with no change: exit %d, ran %v\n%s%s", r.code, f.ops, r.stdout, r.stderr)
	}
	edited := strings.Replace(fleetFile, "name: Hooli", "name: Hooli XYZ", 1)
	if err := os.WriteFile(filepath.Join(dir, "Pulumi.prod.yaml"), []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	r = runIn(dir, "fleet", "up", "--env", "prod", "--changed", "--base", "HEAD")
	if r.code != ExitOK || !slices.Equal(f.ops, []string{"up prod-eu-west-1-1"}) {
		t.Errorf("--changed: exit %d, ran %v\n%s", r.code, f.ops, r.stderr)
	}
}

func TestFleetRunsASingleStackEnvironment(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "Pulumi.prod.yaml"), []byte(fleetFile), 0o644); err != nil {
		t.Fatal(err)
	}
	f := &fakeStacks{}
	fakeEngine(t, f)
	r := runIn(dir, "fleet", "up", "--env", "prod")
	if r.code != ExitOK || !slices.Equal(f.ops, []string{"up prod"}) || !strings.Contains(r.stdout, "[prod] up started (4 tenants)") {
		t.Errorf("exit %d, ran %v\n%s%s", r.code, f.ops, r.stdout, r.stderr)
	}
}
