package main

import (
	"bytes"
	"errors"
	"flag"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/amplify-tenancy/tenancy/internal/cli"
	"github.com/amplify-tenancy/tenancy/internal/deploy"
	"github.com/amplify-tenancy/tenancy/internal/stackconfig"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// runCLI runs a command as `go run . ARGS` would, with program as the Pulumi
// program, and returns its exit code and output: stdout, then stderr.
func runCLI(args ...string) (int, string) { return runCLIIn("", args...) }

// goldenStacks holds the stack files the golden outputs are made from:
// copies of the committed ones as they were, so that editing a live stack
// file (onboarding a tenant) does not rewrite the review gates.
const goldenStacks = "testdata/stacks/fleet"

// runCLIIn is runCLI with --stack NAME read from dir.
func runCLIIn(dir string, args ...string) (int, string) {
	var stdout, stderr bytes.Buffer
	code := cli.Run(args, cli.Env{Stdout: &stdout, Stderr: &stderr, Program: deploy.Program, Dir: dir})
	out := stdout.String()
	if stderr.Len() > 0 {
		out += "--- stderr ---\n" + stderr.String()
	}
	return code, out
}

// TestCommandsGolden runs every command on both fleet fixtures
// (testdata/stacks/fleet), a broken stack and diffs with and without data
// risk, and compares exit code and output with testdata/golden. Run `go test -run Golden -update` after an
// intended change, and read the diff.
func TestCommandsGolden(t *testing.T) {
	cases := []struct {
		golden string
		args   []string
		code   int
	}{
		{"validate-dev", []string{"validate", "--stack", "dev"}, 0},
		{"validate-prod", []string{"validate", "--stack", "prod"}, 0},
		{"validate-bad", []string{"validate", "--file", "testdata/stacks/Pulumi.bad.yaml"}, 1},
		{"plan-dev", []string{"plan", "--stack", "dev"}, 0},
		{"plan-prod", []string{"plan", "--stack", "prod"}, 0},
		{"plan-dev-json", []string{"plan", "--stack", "dev", "--format", "json"}, 0},
		{"plan-prod-mermaid", []string{"plan", "--stack", "prod", "--format", "mermaid"}, 0},
		{"plan-bad", []string{"plan", "--file", "testdata/stacks/Pulumi.bad.yaml"}, 1},
		// An invalid stack is an error, never "no data risk".
		{"diff-bad", []string{"diff", "--file", "testdata/stacks/Pulumi.bad.yaml", "--base", goldenStacks + "/Pulumi.prod.yaml"}, 1},
		{"diff-prod-unchanged", []string{"diff", "--stack", "prod", "--base", goldenStacks + "/Pulumi.prod.yaml"}, 0},
		{"diff-prod-safe", []string{"diff", "--stack", "prod", "--base", "testdata/stacks/prod-base-safe.yaml"}, 0},
		{"diff-prod-risky", []string{"diff", "--stack", "prod", "--base", "testdata/stacks/prod-base-risky.yaml"}, 2},
		{"diff-prod-risky-markdown", []string{"diff", "--stack", "prod", "--base", "testdata/stacks/prod-base-risky.yaml", "--format", "markdown"}, 2},
		{"diff-dev-unchanged", []string{"diff", "--stack", "dev", "--base", goldenStacks + "/Pulumi.dev.yaml"}, 0},
		{"diff-dev-from-prod", []string{"diff", "--stack", "dev", "--base", goldenStacks + "/Pulumi.prod.yaml"}, 2},
	}
	for _, c := range cases {
		t.Run(c.golden, func(t *testing.T) {
			code, out := runCLIIn(goldenStacks, c.args...)
			if code != c.code {
				t.Errorf("exit code %d, want %d\n%s", code, c.code, out)
			}
			path := filepath.Join("testdata", "golden", c.golden+".txt")
			if *update {
				if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -run Golden -update to create it)", err)
			}
			if out != string(want) {
				t.Errorf("output differs from %s (go test -run Golden -update rewrites it):\n%s", path, out)
			}
		})
	}
}

func TestCommandErrorsExitOne(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"unknown command", []string{"deploy"}, `unknown command "deploy"`},
		{"no stack", []string{"validate"}, "give --stack NAME or --file PATH"},
		{"missing stack file", []string{"plan", "--stack", "staging"}, "Pulumi.staging.yaml"},
		{"unknown flag", []string{"plan", "--stak", "dev"}, "flag provided but not defined"},
		{"unknown plan format", []string{"plan", "--stack", "dev", "--format", "yaml"}, `--format "yaml"`},
		{"stray argument", []string{"validate", "--stack", "dev", "prod"}, `unexpected argument "prod"`},
		{"diff without base", []string{"diff", "--stack", "prod"}, "give --base"},
		{"diff with a bad ref", []string{"diff", "--stack", "prod", "--base", "no-such-ref"}, "neither a file nor a git ref"},
		{"unknown diff format", []string{"diff", "--stack", "prod", "--base", "Pulumi.prod.yaml", "--format", "html"}, `--format "html"`},
		{"split of one file", []string{"validate", "--split", splitEU}, "--split needs two or more stack files"},
		{"split naming one stack twice", []string{"validate", "--split", splitEU, splitEU}, `stack prod-eu: is given 2 times`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out := runCLI(c.args...)
			if code != cli.ExitFailed {
				t.Errorf("exit code %d, want %d", code, cli.ExitFailed)
			}
			if !strings.Contains(out, c.want) {
				t.Errorf("output does not contain %q:\n%s", c.want, out)
			}
		})
	}
}

// TestPlanShowsExactlyWhatTheMockTestsSee compares the plan's resources with
// what the mock monitor recorded in the same run, and with what the program
// tests above register for the same stack.
func TestPlanShowsExactlyWhatTheMockTestsSee(t *testing.T) {
	for _, stack := range stackFiles {
		t.Run(stack, func(t *testing.T) {
			f, err := stackconfig.ReadFile("Pulumi." + stack + ".yaml")
			if err != nil {
				t.Fatal(err)
			}
			p, cloud, err := cli.Plan(f, deploy.Program, io.Discard)
			if err != nil || p == nil {
				t.Fatalf("plan: %v", err)
			}
			recorded := cloud.URNs()
			if got := p.URNs(); !slices.Equal(got, recorded) {
				t.Errorf("plan shows\n%v\nthe mocks recorded\n%v", got, recorded)
			}
			tested, _ := runStack(t, stack)
			seen := tested.URNs()
			if got := p.URNs(); !slices.Equal(got, seen) {
				t.Errorf("plan shows\n%v\nthe program tests see\n%v", got, seen)
			}
			// Only the read of the stack's last deployment (the guard against
			// moves) belongs to no region or tenant.
			for _, r := range p.Other {
				if r.Type != "pulumi:pulumi:StackReference" {
					t.Errorf("resource in no region or tenant: %v", r)
				}
			}
		})
	}
}

// TestReadmeDrawingIsTheDevPlan keeps README's drawing true: it must be the
// output of `go run . plan --stack dev --format mermaid`.
func TestReadmeDrawingIsTheDevPlan(t *testing.T) {
	const begin, end = "<!-- plan --stack dev --format mermaid -->\n```mermaid\n", "```\n<!-- end of plan -->"
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(readme), begin)
	drawing, _, ok2 := strings.Cut(rest, end)
	if !ok || !ok2 {
		t.Fatalf("README.md has no drawing between %q and %q", begin, end)
	}
	code, out := runCLI("plan", "--stack", "dev", "--format", "mermaid")
	out, _, _ = strings.Cut(out, "--- stderr ---\n")
	if code != 0 || drawing != out {
		t.Errorf("README's drawing is not the output of plan --stack dev --format mermaid (exit %d); paste:\n%s", code, out)
	}
}

// The example pair of a fleet split across stacks (docs/performance.md).
const (
	splitEU    = "docs/split-stacks/Pulumi.prod-eu.yaml"
	splitWorld = "docs/split-stacks/Pulumi.prod-world.yaml"
)

func TestValidateSplitExamplePair(t *testing.T) {
	code, out := runCLI("validate", "--split", splitEU, splitWorld)
	if code != cli.ExitOK || !strings.Contains(out, "ok: 2 stacks split one fleet") {
		t.Errorf("exit %d:\n%s", code, out)
	}
}

// TestMainWithoutArguments runs main in a child process (this test binary
// again, told so by TENANCY_RUN_MAIN): with no command and no Pulumi
// engine (PULUMI_MONITOR unset), it prints the usage to stderr and exits
// 2, rather than fail as the program with "exit status 32" alone.
func TestMainWithoutArguments(t *testing.T) {
	if os.Getenv("TENANCY_RUN_MAIN") == "1" {
		os.Args = os.Args[:1]
		main()
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestMainWithoutArguments$")
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PULUMI_MONITOR=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "TENANCY_RUN_MAIN=1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != cli.ExitUsage || !strings.HasPrefix(stderr.String(), "usage: go run . COMMAND") || stdout.Len() > 0 {
		t.Errorf("go run . without arguments: %v, stdout %q, stderr:\n%s\nwant exit 2 and the usage on stderr", err, stdout.String(), stderr.String())
	}
}

// TestIsProgram: only the engine, which sets PULUMI_MONITOR, runs the
// program; a command never does.
func TestIsProgram(t *testing.T) {
	cases := []struct {
		args    []string
		monitor string
		want    bool
	}{
		{nil, "127.0.0.1:50051", true},
		{nil, "", false},
		{[]string{"plan"}, "127.0.0.1:50051", false},
		{[]string{"plan"}, "", false},
	}
	for _, c := range cases {
		getenv := func(k string) string {
			if k == "PULUMI_MONITOR" {
				return c.monitor
			}
			return ""
		}
		if got := isProgram(c.args, getenv); got != c.want {
			t.Errorf("isProgram(%q) with PULUMI_MONITOR=%q = %v, want %v", c.args, c.monitor, got, c.want)
		}
	}
}

// TestTextFitsEightyColumns runs every command's text formats, and every
// help, on the committed stacks, and checks that no line of stdout or
// stderr is wider than 80 columns. JSON and mermaid are for programs and
// are not wrapped; markdown, for pull-request comments, keeps its table
// rows (a break would end the table) and its headings whole.
func TestTextFitsEightyColumns(t *testing.T) {
	var runs [][]string
	for _, stack := range []string{"dev", "prod"} {
		other := map[string]string{"dev": "Pulumi.prod.yaml", "prod": "Pulumi.dev.yaml"}[stack]
		runs = append(runs,
			[]string{"validate", "--stack", stack},
			[]string{"plan", "--stack", stack},
			[]string{"diff", "--stack", stack, "--base", "Pulumi." + stack + ".yaml"},
			// The other environment as the base: tenants moved, changed
			// and removed, the longest report.
			[]string{"diff", "--stack", stack, "--base", other},
			[]string{"diff", "--stack", stack, "--base", other, "--format", "markdown"},
		)
	}
	runs = append(runs,
		[]string{"validate", "--split", "Pulumi.dev.yaml", "Pulumi.prod.yaml"},
		[]string{"validate", "--file", "testdata/stacks/Pulumi.bad.yaml"},
		[]string{"validate", "--file", "testdata/stacks/Pulumi.longest.yaml"},
		[]string{"plan", "--file", "testdata/stacks/Pulumi.longest.yaml"},
		[]string{"--help"}, []string{"validate", "--help"}, []string{"plan", "--help"}, []string{"diff", "--help"},
		[]string{"fleet", "--help"}, []string{"fleet", "preview", "--help"}, []string{"fleet", "matrix", "--help"},
		[]string{"fleet", "assign", "--help"}, []string{"fleet", "init", "--help"}, []string{"fleet", "migrate", "--help"},
		[]string{"fleet", "matrix", "--env", "staging"},
	)
	for _, args := range runs {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			_, out := runCLI(args...)
			for i, line := range strings.Split(out, "\n") {
				if utf8.RuneCountInString(line) > 80 && !strings.HasPrefix(line, "|") && !strings.HasPrefix(line, "#") && !strings.HasPrefix(line, "<!--") {
					t.Errorf("line %d has %d columns: %q", i+1, utf8.RuneCountInString(line), line)
				}
			}
		})
	}
}
