package cli

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// gitRepo makes a repository in a temporary directory whose one commit holds
// files, and returns its path.
func gitRepo(t *testing.T, files map[string]string) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	dir := t.TempDir()
	git := func(args ...string) {
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com",
			"GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com", "GIT_CONFIG_GLOBAL=/dev/null")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git("init", "-q")
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	git("add", "-A")
	git("commit", "-q", "--allow-empty", "-m", "base")
	return dir
}

const stackFile = `config:
  tenancy:repository: https://github.com/example/storefront
  tenancy:tenants:
    - id: acme
      name: Acme
      region: us-east-1
`

func TestDiffAgainstAGitRef(t *testing.T) {
	cases := []struct {
		name    string
		base    map[string]string // files in the base commit
		current string            // Pulumi.prod.yaml in the working tree
		code    int
		want    string
	}{
		{"unchanged", map[string]string{"Pulumi.prod.yaml": stackFile}, stackFile, ExitOK, "no changes"},
		{"region moved", map[string]string{"Pulumi.prod.yaml": stackFile}, strings.Replace(stackFile, "us-east-1", "eu-west-1", 1), ExitDataRisk, "DATA RISK (1)"},
		{"new stack file", map[string]string{"README": "x"}, stackFile, ExitOK, "the base has no stack file prod"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := gitRepo(t, c.base)
			if err := os.WriteFile(filepath.Join(dir, "Pulumi.prod.yaml"), []byte(c.current), 0o644); err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			code := Run([]string{"diff", "--stack", "prod", "--base", "HEAD"}, Env{Stdout: &out, Stderr: &out, Dir: dir, Width: unwrapped})
			if code != c.code || !strings.Contains(out.String(), c.want) {
				t.Errorf("exit %d, want %d; output should contain %q:\n%s", code, c.code, c.want, out.String())
			}
		})
	}
}

// TestDiffRefusesAnOptionAsBase: a base that starts with "-" would reach
// git as an option (--output=FILE writes FILE); diff refuses it, and
// passes any other base to git after --end-of-options.
func TestDiffRefusesAnOptionAsBase(t *testing.T) {
	dir := gitRepo(t, map[string]string{"Pulumi.prod.yaml": stackFile})
	written := filepath.Join(dir, "written")
	cases := []struct {
		name, base, want string
	}{
		{"output option", "--output=" + written, `--base "--output=` + written + `" is neither a file nor a git ref: a git ref cannot start with "-"`},
		{"short option", "-p", `a git ref cannot start with "-"`},
		{"option with a ref", "--end-of-options", `a git ref cannot start with "-"`},
		{"ref that is not one", "HEAD --output=" + written, "neither a file nor a git ref"},
		{"ref with a newline", "HEAD\n--output=" + written, `neither a file nor a git ref`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out bytes.Buffer
			code := Run([]string{"diff", "--stack", "prod", "--base", c.base}, Env{Stdout: &out, Stderr: &out, Dir: dir, Width: unwrapped})
			if code != ExitFailed || !strings.Contains(out.String(), c.want) {
				t.Errorf("exit %d, want %d; output should contain %q:\n%s", code, ExitFailed, c.want, out.String())
			}
			if strings.Count(out.String(), "\n") != 1 {
				t.Errorf("want the error on one line:\n%s", out.String())
			}
			if _, err := os.Stat(written); err == nil {
				t.Errorf("git wrote %s", written)
			}
		})
	}
}

// TestDiffParsesBothVersionsAsTheProgramDoes: diff refuses what validate
// refuses, printing the same problems, and refuses a base the program
// would refuse, naming the base, rather than read its tenants as absent.
func TestDiffParsesBothVersionsAsTheProgramDoes(t *testing.T) {
	invalid := strings.Replace(stackFile, "region: us-east-1", "region: mars-1", 1)
	cases := []struct {
		name          string
		base, current string
		want          []string // in stderr
	}{
		{"invalid current", stackFile, invalid, []string{`error: tenant "acme": region: "mars-1" does not offer Amplify Hosting`,
			"stack prod: 1 problem; the program would stop before creating anything"}},
		{"invalid base", invalid, stackFile, []string{`error: base HEAD:./Pulumi.prod.yaml: tenant "acme": region: "mars-1" does not offer Amplify Hosting`}},
		{"base that is not YAML", "config: [", stackFile, []string{"error: base HEAD:./Pulumi.prod.yaml: "}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := gitRepo(t, map[string]string{"Pulumi.prod.yaml": c.base})
			if err := os.WriteFile(filepath.Join(dir, "Pulumi.prod.yaml"), []byte(c.current), 0o644); err != nil {
				t.Fatal(err)
			}
			var stdout, stderr bytes.Buffer
			code := Run([]string{"diff", "--stack", "prod", "--base", "HEAD"}, Env{Stdout: &stdout, Stderr: &stderr, Dir: dir, Width: unwrapped})
			r := result{code, stdout.String(), stderr.String()}
			if code != ExitFailed {
				t.Errorf("exit %d, want %d:\n%s%s", code, ExitFailed, r.stdout, r.stderr)
			}
			for _, want := range c.want {
				if !strings.Contains(r.stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
				}
			}
			checkOutput(t, "diff text", r)
			checkRefusals(t, "diff text", r)
			if c.name == "invalid current" {
				var validate bytes.Buffer
				Run([]string{"validate", "--file", filepath.Join(dir, "Pulumi.prod.yaml")}, Env{Stdout: &bytes.Buffer{}, Stderr: &validate, Dir: dir, Width: unwrapped})
				if r.stderr != validate.String() {
					t.Errorf("diff prints\n%s\nvalidate prints\n%s", r.stderr, validate.String())
				}
			}
		})
	}
}

// TestDiffReportsConfirmedRisks: a confirmed move is still a data risk for
// the reviewer (exit 2), marked as confirmed; an unconfirmed one says the
// program refuses it.
func TestDiffReportsConfirmedRisks(t *testing.T) {
	moved := strings.Replace(stackFile, "region: us-east-1", "region: eu-west-1", 1)
	cases := []struct{ name, current, want string }{
		{"unconfirmed", moved, "region: [refused until confirmed by `confirmMove`] changing"},
		{"confirmed", moved + "      confirmMove: us-east-1\n", "region: [confirmed by `confirmMove`] changing"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := gitRepo(t, map[string]string{"Pulumi.prod.yaml": stackFile})
			if err := os.WriteFile(filepath.Join(dir, "Pulumi.prod.yaml"), []byte(c.current), 0o644); err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			code := Run([]string{"diff", "--stack", "prod", "--base", "HEAD"}, Env{Stdout: &out, Stderr: &out, Dir: dir, Width: unwrapped})
			if code != ExitDataRisk || !strings.Contains(out.String(), "DATA RISK (1)") || !strings.Contains(out.String(), c.want) {
				t.Errorf("exit %d, want %d; output should hold DATA RISK (1) and %q:\n%s", code, ExitDataRisk, c.want, out.String())
			}
		})
	}
}
