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
			code := Run([]string{"diff", "--stack", "prod", "--base", "HEAD"}, Env{Stdout: &out, Stderr: &out, Dir: dir})
			if code != c.code || !strings.Contains(out.String(), c.want) {
				t.Errorf("exit %d, want %d; output should contain %q:\n%s", code, c.code, c.want, out.String())
			}
		})
	}
}
