package main

import (
	"bytes"
	"flag"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

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
		{"no command", nil, "usage:"},
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
