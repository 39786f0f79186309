package fleetrun

// Tests of the scripts the workflows run (.github/scripts), each with fake
// binaries (tenancy, pulumi, aws) that log their arguments.

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// scriptsDir holds the workflows' scripts.
var scriptsDir = filepath.Join("..", "..", ".github", "scripts")

// fake writes an executable shell script name into dir: it appends its
// arguments to $FAKE_LOG and runs body.
func fake(t *testing.T, dir, name, body string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	text := "#!/bin/sh\necho \"" + name + " $*\" >> \"$FAKE_LOG\"\n" + body + "\n"
	if err := os.WriteFile(path, []byte(text), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

// script runs a script of scriptsDir with bash in dir, with the fakes in
// bin first on PATH and env added, and returns its exit code and output.
func script(t *testing.T, dir, bin string, env []string, name string, args ...string) (int, string) {
	t.Helper()
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("bash is not installed")
	}
	path, err := filepath.Abs(filepath.Join(scriptsDir, name))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bash, append([]string{path}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	cmd.Env = append(cmd.Env, env...)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0, string(out)
	case errors.As(err, &exit):
		return exit.ExitCode(), string(out)
	default:
		t.Fatal(err)
		return 0, ""
	}
}

func read(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	return string(data)
}

const (
	m0 = `{"include":[{"shard":"prod-eu-west-1-1"}]}`
	m1 = `{"include":[{"shard":"prod-us-east-1-1"}]}`
	m2 = `{"include":[{"shard":"prod-us-east-1-2"}]}`
)

// matrixFake is a tenancy binary whose `fleet matrix` prints $FAKE_OUT
// and exits $FAKE_EXIT.
const matrixFake = `printf '%s' "$FAKE_OUT"; exit "${FAKE_EXIT:-0}"`

func TestFleetMatrixScript(t *testing.T) {
	three := m0 + "\n" + m1 + "\n" + m2 + "\n"
	cases := []struct {
		name       string
		out        string
		exit       string
		slots      string
		code       int
		outputs    []string // lines of $GITHUB_OUTPUT
		wantOutput string   // in the script's output
	}{
		{"three batches in four slots", three, "0", "4", 0,
			[]string{"dev_0=" + m0, "dev_1=" + m1, "dev_2=" + m2, "dev_3=", "dev_batches=3",
				"prod_0=" + m0, "prod_1=" + m1, "prod_2=" + m2, "prod_3=", "prod_batches=3"}, "dev: 3 matrices"},
		{"no shard changed", "", "0", "2", 0,
			[]string{"dev_0=", "dev_1=", "dev_batches=0", "prod_0=", "prod_1=", "prod_batches=0"}, "prod: 0 matrices"},
		{"more batches than slots", three, "0", "2", 1, nil,
			"::error::environment dev needs 3 matrices of at most 256 shards, but the workflow runs 2; add batch jobs dev-2 and up"},
		{"the binary fails", "", "3", "2", 3, nil, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir, bin := t.TempDir(), t.TempDir()
			tenancy := fake(t, bin, "tenancy", matrixFake)
			output := filepath.Join(dir, "github-output")
			code, out := script(t, dir, bin, []string{"FAKE_LOG=" + filepath.Join(dir, "log"), "FAKE_OUT=" + c.out,
				"FAKE_EXIT=" + c.exit, "GITHUB_OUTPUT=" + output}, "fleet-matrix.sh", tenancy, c.slots, "dev", "prod")
			if code != c.code || !strings.Contains(out, c.wantOutput) {
				t.Errorf("exit %d, want %d; output should contain %q:\n%s", code, c.code, c.wantOutput, out)
			}
			if c.outputs != nil {
				if got := strings.Split(strings.TrimSuffix(read(t, output), "\n"), "\n"); strings.Join(got, "\n") != strings.Join(c.outputs, "\n") {
					t.Errorf("$GITHUB_OUTPUT:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(c.outputs, "\n"))
				}
			}
			if log := read(t, filepath.Join(dir, "log")); !strings.HasPrefix(log, "tenancy fleet matrix --env dev\n") {
				t.Errorf("the binary ran as:\n%s", log)
			}
		})
	}
	if code, _ := script(t, t.TempDir(), t.TempDir(), nil, "fleet-matrix.sh", "tenancy", "2"); code != 1 {
		t.Errorf("no environment: exit %d, want 1", code)
	}
}

// TestFleetMatrixScriptWithBase: with BASE, only the changed shards,
// unless a file that reaches every shard changed.
func TestFleetMatrixScriptWithBase(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	cases := []struct {
		name    string
		edit    string
		changed bool
	}{
		{"a stack file", "Pulumi.prod.yaml", true},
		{"the lock", "Pulumi.prod.shards.json", true},
		{"docs and tests", "README.md docs/performance.md internal/x/x_test.go internal/x/testdata/a.txt .github/workflows/deploy.yml", true},
		{"program code", "internal/x/x.go", false},
		{"the project file", "Pulumi.yaml", false},
		{"go.mod", "go.mod", false},
	}
	files := []string{"Pulumi.yaml", "Pulumi.prod.yaml", "Pulumi.prod.shards.json", "README.md", "docs/performance.md",
		"go.mod", "internal/x/x.go", "internal/x/x_test.go", "internal/x/testdata/a.txt", ".github/workflows/deploy.yml"}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir, bin := t.TempDir(), t.TempDir()
			git := func(args ...string) {
				cmd := exec.Command("git", args...)
				cmd.Dir = dir
				cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com",
					"GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com", "GIT_CONFIG_GLOBAL=/dev/null")
				if out, err := cmd.CombinedOutput(); err != nil {
					t.Fatalf("git %v: %v\n%s", args, err, out)
				}
			}
			write := func(name, text string) {
				path := filepath.Join(dir, name)
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			git("init", "-q")
			for _, f := range files {
				write(f, "base\n")
			}
			git("add", "-A")
			git("commit", "-q", "-m", "base")
			for _, f := range strings.Fields(c.edit) {
				write(f, "edited\n")
			}
			tenancy := fake(t, bin, "tenancy", matrixFake)
			log := filepath.Join(dir, "..", filepath.Base(dir)+".log")
			code, out := script(t, dir, bin, []string{"FAKE_LOG=" + log, "FAKE_OUT=" + m0 + "\n", "BASE=HEAD",
				"GITHUB_OUTPUT=" + filepath.Join(t.TempDir(), "out")}, "fleet-matrix.sh", tenancy, "1", "prod")
			if code != 0 {
				t.Fatalf("exit %d:\n%s", code, out)
			}
			want := "tenancy fleet matrix --env prod\n"
			if c.changed {
				want = "tenancy fleet matrix --env prod --changed --base HEAD\n"
			}
			if got := read(t, log); got != want {
				t.Errorf("%s edited: the binary ran as %q, want %q\n%s", c.edit, got, want, out)
			}
			if !c.changed && !strings.Contains(out, "::notice::files that reach every shard changed since HEAD") {
				t.Errorf("no notice of why every shard runs:\n%s", out)
			}
		})
	}
}

func TestFleetRunScript(t *testing.T) {
	body := `printf '[prod-us-east-1-1] up started (2 tenants)\n\nSTACK  TENANTS\nprod-us-east-1-1  2\n'; exit "${FAKE_EXIT:-0}"`
	for _, exit := range []string{"0", "1"} {
		dir, bin := t.TempDir(), t.TempDir()
		tenancy := fake(t, bin, "tenancy", body)
		summary := filepath.Join(dir, "summary.md")
		code, out := script(t, dir, bin, []string{"FAKE_LOG=" + filepath.Join(dir, "log"), "FAKE_EXIT=" + exit,
			"GITHUB_STEP_SUMMARY=" + summary}, "fleet-run.sh", tenancy, "up", "prod", "prod-us-east-1-1")
		if want := map[string]int{"0": 0, "1": 1}[exit]; code != want {
			t.Errorf("the binary exits %s: the script exits %d, want %d\n%s", exit, code, want, out)
		}
		if !strings.Contains(out, "[prod-us-east-1-1] up started") {
			t.Errorf("the binary's output is not shown:\n%s", out)
		}
		if got := read(t, filepath.Join(dir, "log")); got != "tenancy fleet up --env prod --shard prod-us-east-1-1 --diff --plain\n" {
			t.Errorf("the binary ran as %q", got)
		}
		if got, want := read(t, summary), "### up prod-us-east-1-1\n\n```\nSTACK  TENANTS\nprod-us-east-1-1  2\n```\n"; got != want {
			t.Errorf("step summary:\n%s\nwant:\n%s", got, want)
		}
	}
	dir, bin := t.TempDir(), t.TempDir()
	tenancy := fake(t, bin, "tenancy", "")
	for _, args := range [][]string{{tenancy, "destroy", "prod", "prod"}, {tenancy, "up", "prod"}} {
		if code, _ := script(t, dir, bin, []string{"FAKE_LOG=" + filepath.Join(dir, "log")}, "fleet-run.sh", args...); code != 1 {
			t.Errorf("%v: exit %d, want 1", args[1:], code)
		}
	}
	if log := read(t, filepath.Join(dir, "log")); log != "" {
		t.Errorf("the binary ran on a usage error: %s", log)
	}
}

func TestFirstReleaseScript(t *testing.T) {
	if _, err := exec.LookPath("jq"); err != nil {
		t.Skip("jq is not installed")
	}
	pulumi := `echo '{"acme":{"region":"us-east-1","appId":"d1acme"},"globex":{"region":"eu-west-1","appId":""}}'`
	// main has never built, develop has; start-job fails with $FAKE_START_EXIT.
	aws := `case "$*" in
  *list-branches*) echo "main	develop" ;;
  *list-jobs*--branch-name\ main*) echo 0 ;;
  *list-jobs*) echo 3 ;;
  *start-job*) exit "${FAKE_START_EXIT:-0}" ;;
esac`
	for _, c := range []struct {
		startExit string
		code      int
	}{{"0", 0}, {"254", 254}} {
		dir, bin := t.TempDir(), t.TempDir()
		fake(t, bin, "pulumi", pulumi)
		fake(t, bin, "aws", aws)
		log := filepath.Join(dir, "log")
		code, out := script(t, dir, bin, []string{"FAKE_LOG=" + log, "FAKE_START_EXIT=" + c.startExit}, "first-release.sh", "prod-us-east-1-1")
		if code != c.code {
			t.Errorf("start-job exits %s: the script exits %d, want %d\n%s", c.startExit, code, c.code, out)
		}
		calls := read(t, log)
		for _, want := range []string{
			"pulumi stack output tenants --json --stack prod-us-east-1-1\n",
			"aws amplify list-branches --app-id d1acme --region us-east-1 ",
			"aws amplify start-job --app-id d1acme --branch-name main --region us-east-1 --job-type RELEASE\n",
		} {
			if !strings.Contains(calls, want) {
				t.Errorf("no call %q in:\n%s", want, calls)
			}
		}
		if strings.Contains(calls, "--branch-name develop --region us-east-1 --job-type") || strings.Contains(calls, "eu-west-1") {
			t.Errorf("a release started for a branch that has built, or a tenant without an app:\n%s", calls)
		}
	}
	if code, _ := script(t, t.TempDir(), t.TempDir(), nil, "first-release.sh"); code != 1 {
		t.Errorf("no stack: exit %d, want 1", code)
	}
}
