package fleetrun

// Tests of pr-diff.sh, the review job's diff and data-risk steps
// (pull-request.yml), with a fake tenancy binary.

import (
	"path/filepath"
	"strings"
	"testing"
)

// diffFake is a tenancy binary whose diff prints $FAKE_OUT to stdout and
// "diff failed" to stderr, and exits $FAKE_EXIT.
const diffFake = `printf '%s' "$FAKE_OUT"; echo "diff failed" >&2; exit "${FAKE_EXIT:-0}"`

// TestPRDiffScript: the diff step passes on no risk (0) and on a risk (2),
// recording the code for the verdict step, and fails with diff's code on
// an error; the comment and summary hold what diff printed either way.
func TestPRDiffScript(t *testing.T) {
	const report = "<!-- tenancy-diff:prod -->\n### Stack `prod`\n"
	cases := []struct {
		name       string
		exit       string
		code       int
		wantOutput string // in the script's output
	}{
		{"no data risk", "0", 0, ""},
		{"data risk", "2", 0, ""},
		{"error", "1", 1, "::error::stack prod: diff failed with exit code 1"},
		{"other error", "3", 3, "::error::stack prod: diff failed with exit code 3"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir, bin := t.TempDir(), t.TempDir()
			tenancy := fake(t, bin, "tenancy", diffFake)
			output, summary := filepath.Join(dir, "github-output"), filepath.Join(dir, "summary")
			code, out := script(t, dir, bin, []string{"FAKE_LOG=" + filepath.Join(dir, "log"), "FAKE_OUT=" + report,
				"FAKE_EXIT=" + c.exit, "GITHUB_OUTPUT=" + output, "GITHUB_STEP_SUMMARY=" + summary},
				"pr-diff.sh", "diff", tenancy, "prod", "origin/main", "diff.md")
			if code != c.code || !strings.Contains(out, c.wantOutput) {
				t.Errorf("exit %d, want %d; output should contain %q:\n%s", code, c.code, c.wantOutput, out)
			}
			if got := read(t, output); got != "code="+c.exit+"\n" {
				t.Errorf("$GITHUB_OUTPUT = %q, want code=%s", got, c.exit)
			}
			if got := read(t, filepath.Join(dir, "diff.md")); got != report {
				t.Errorf("diff.md = %q, want %q", got, report)
			}
			if got := read(t, summary); got != report {
				t.Errorf("step summary = %q, want %q", got, report)
			}
			if !strings.Contains(out, "diff failed") {
				t.Errorf("diff's stderr is not in the log:\n%s", out)
			}
			if log := read(t, filepath.Join(dir, "log")); log != "tenancy diff --stack prod --base origin/main --format markdown\n" {
				t.Errorf("the binary ran as:\n%s", log)
			}
		})
	}
}

// TestPRDiffVerdictScript: the data-risk step fails with 2 and an error
// annotation naming the stack on a risk, passes without, and fails on a
// code that is neither.
func TestPRDiffVerdictScript(t *testing.T) {
	cases := []struct {
		code       string
		exit       int
		wantOutput string
	}{
		{"0", 0, ""},
		{"2", 2, "::error::stack dev: this change deletes or replaces tenant data; see the DATA RISK section"},
		{"1", 1, "::error::stack dev: diff did not finish (exit code '1')"},
		{"", 1, "::error::stack dev: diff did not finish (exit code '')"},
		{"x", 1, "::error::stack dev: diff did not finish (exit code 'x')"},
	}
	for _, c := range cases {
		t.Run("code "+c.code, func(t *testing.T) {
			code, out := script(t, t.TempDir(), t.TempDir(), nil, "pr-diff.sh", "verdict", "dev", c.code)
			if code != c.exit || !strings.Contains(out, c.wantOutput) {
				t.Errorf("exit %d, want %d; output should contain %q:\n%s", code, c.exit, c.wantOutput, out)
			}
		})
	}
	for _, args := range [][]string{nil, {"diff", "tenancy"}, {"verdict", "dev"}, {"merge"}} {
		if code, out := script(t, t.TempDir(), t.TempDir(), nil, "pr-diff.sh", args...); code != 1 || !strings.Contains(out, "usage:") {
			t.Errorf("pr-diff.sh %v: exit %d, want 1 with usage:\n%s", args, code, out)
		}
	}
}

// TestPullRequestWorkflowRunsTheBuiltBinary: `go run` turns diff's exit
// code 2 (data risk) into 1, so no step of the pull-request workflow may
// run the program with it; the review job runs pr-diff.sh with the binary
// it built.
func TestPullRequestWorkflowRunsTheBuiltBinary(t *testing.T) {
	data := read(t, filepath.Join("..", "..", ".github", "workflows", "pull-request.yml"))
	if data == "" {
		t.Fatal("pull-request.yml is missing")
	}
	if strings.Contains(data, "go run .") {
		t.Error("pull-request.yml runs `go run .`, which turns exit code 2 (data risk) into 1")
	}
	for _, want := range []string{
		"go build -o tenancy .",
		`bash .github/scripts/pr-diff.sh diff ./tenancy "$STACK" "origin/$BASE_REF" diff.md`,
		`bash .github/scripts/pr-diff.sh verdict "$STACK" "$CODE"`,
	} {
		if !strings.Contains(data, want) {
			t.Errorf("pull-request.yml lacks %q", want)
		}
	}
}
