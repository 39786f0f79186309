package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestHelpExitsZero: every command's --help, -h and -help prints its own
// usage and its flags on stdout, nothing on stderr, and exits 0.
func TestHelpExitsZero(t *testing.T) {
	cases := []struct {
		args []string
		want []string // in stdout, in order
	}{
		{[]string{"--help"}, []string{"usage: go run . COMMAND", "  validate --stack", "  plan --stack", "  diff --stack", "  fleet "}},
		{[]string{"help"}, []string{"usage: go run . COMMAND"}},
		{[]string{"validate", "--help"}, []string{"usage:\n  go run . validate --stack NAME", "  go run . validate --split", "flags:\n", "  --split\n"}},
		{[]string{"validate", "-h"}, []string{"usage:\n  go run . validate --stack NAME"}},
		{[]string{"plan", "--help"}, []string{"usage:\n  go run . plan --stack NAME", "  --format string\n", "(default table)"}},
		{[]string{"plan", "-help"}, []string{"usage:\n  go run . plan --stack NAME"}},
		{[]string{"diff", "--help"}, []string{"usage:\n  go run . diff --stack NAME", "exit 0 without data risk, 2 with data risk", "  --base string\n"}},
		{[]string{"diff", "--stack", "prod", "-h"}, []string{"usage:\n  go run . diff"}},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			r := runCommand(c.args...)
			rest, ok := r.stdout, r.code == ExitOK && r.stderr == ""
			for _, w := range c.want {
				i := strings.Index(rest, w)
				ok = ok && i >= 0
				rest = rest[max(i, 0):]
			}
			if !ok {
				t.Errorf("exit %d, stderr %q, stdout:\n%s\nwant exit 0 and, in order, %q", r.code, r.stderr, r.stdout, c.want)
			}
			if c.args[0] == "plan" && strings.Contains(r.stdout, "validate") {
				t.Errorf("plan's help shows other commands:\n%s", r.stdout)
			}
		})
	}
}

// TestNoCommandIsAUsageError: without a command (outside the engine, which
// main.go checks) the usage goes to stderr with exit 2.
func TestNoCommandIsAUsageError(t *testing.T) {
	r := runCommand()
	if r.code != ExitUsage || r.stdout != "" || !strings.HasPrefix(r.stderr, "usage: go run . COMMAND") {
		t.Errorf("exit %d, stdout %q, stderr:\n%s\nwant exit 2 and the usage on stderr", r.code, r.stdout, r.stderr)
	}
}

// TestStackTakesAStackFile: --stack takes the stack file as well as the
// stack name, and names the stack after the file.
func TestStackTakesAStackFile(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "Pulumi.prod.yaml"), []byte(stackFile), 0o644); err != nil {
		t.Fatal(err)
	}
	abs := filepath.Join(dir, "Pulumi.prod.yaml")
	for _, c := range []struct {
		stack string
		code  int
		want  string
	}{
		{"prod", ExitOK, "ok: stack prod (environment prod)"},
		{"Pulumi.prod.yaml", ExitOK, "Pulumi.prod.yaml: ok: stack prod (environment prod)"},
		{abs, ExitOK, abs + ": ok: stack prod (environment prod)"},
		{"Pulumi.staging.yaml", ExitFailed, "Pulumi.staging.yaml: no such file"},
	} {
		for _, cmd := range [][]string{{"validate"}, {"plan", "--format", "json"}, {"diff", "--base", abs}} {
			r := runIn(dir, append(cmd, "--stack", c.stack)...)
			want := c.want
			if c.code == ExitOK && cmd[0] == "plan" {
				want = `"stack": "prod"`
			} else if c.code == ExitOK && cmd[0] == "diff" {
				want = "stack prod: "
			}
			if r.code != c.code || !strings.Contains(r.stdout+r.stderr, want) || strings.Contains(r.stderr, ".yaml.yaml") {
				t.Errorf("%v --stack %s: exit %d, want %d and %q:\n%s%s", cmd, c.stack, r.code, c.code, want, r.stdout, r.stderr)
			}
		}
	}
}

// TestValidateSplitSumsUpItsFailure: a refused split ends with a summary,
// like validate of one stack.
func TestValidateSplitSumsUpItsFailure(t *testing.T) {
	dir := t.TempDir()
	invalid := strings.Replace(stackFile, "region: us-east-1", "region: mars-1", 1)
	files := map[string]string{"Pulumi.a.yaml": stackFile, "Pulumi.b.yaml": stackFile, "Pulumi.bad.yaml": invalid}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	path := func(name string) string { return filepath.Join(dir, name) }
	for _, c := range []struct {
		name  string
		files []string
		want  string
	}{
		{"an invalid stack", []string{path("Pulumi.a.yaml"), path("Pulumi.bad.yaml")},
			"split of 2 stacks: 1 invalid (above); the split itself is checked once every stack is valid"},
		{"a tenant in two stacks", []string{path("Pulumi.a.yaml"), path("Pulumi.b.yaml")},
			"split of 2 stacks: 4 problems; they do not split one fleet, so none should deploy"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := runCommand(append([]string{"validate", "--split"}, c.files...)...)
			lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
			if r.code != ExitFailed || lines[len(lines)-1] != c.want {
				t.Errorf("exit %d, stderr:\n%s\nwant exit 1 and last %q", r.code, r.stderr, c.want)
			}
		})
	}
}
