//go:build engine

package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/amplify-tenancy/tenancy/internal/cli"
	"github.com/amplify-tenancy/tenancy/internal/deploy"
	"github.com/amplify-tenancy/tenancy/internal/stackconfig"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
)

// shardedFleet is prod's fleet file in TestEngineRunnerOverShards: with
// --max-tenants 2, shard prod-us-east-1-1 deploys acme and globex, and
// prod-eu-west-1-1 deploys hooli.
const shardedFleet = `config:
  tenancy:repository: https://github.com/example/storefront
  tenancy:tenants:
    - id: acme
      name: Acme
      region: us-east-1
    - id: globex
      name: Globex
      region: us-east-1
    - id: hooli
      name: Hooli
      region: eu-west-1
`

// TestEngineRunnerOverShards drives the fleet commands as a user runs
// them, through cli.Run: assign shards, create their stacks (secrets
// copied from the fleet stack), `fleet up` both shards in parallel, then a
// `fleet preview` that changes nothing, and a preview where one shard's
// stack file is broken: that shard fails, the other still runs, exit 1.
func TestEngineRunnerOverShards(t *testing.T) {
	root := t.TempDir()
	dir, state, home := filepath.Join(root, "project"), filepath.Join(root, "state"), filepath.Join(root, "home")
	for _, d := range []string{dir, state, home} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	project, err := os.ReadFile("Pulumi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"Pulumi.yaml": project, "Pulumi.prod.yaml": []byte(shardedFleet)} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// The runner and fleet init take the backend, passphrase and plugins
	// from the environment, as the Pulumi CLI does.
	for k, v := range engineEnv(state, home, filepath.Join(root, "calls.log")) {
		t.Setenv(k, v)
	}
	pulumiCLI := filepath.Join(cliRoot, "bin", "pulumi")
	ctx, cancel := context.WithTimeout(context.Background(), 3*engineTimeout)
	defer cancel()
	cmd := engineCLI(t)

	// The fleet stack holds the secrets fleet init copies to each shard.
	newFleetStack(ctx, t, dir, "prod", cmd)

	run := func(want int, args ...string) string {
		t.Helper()
		var out bytes.Buffer
		if code := cli.Run(args, cli.Env{Stdout: &out, Stderr: &out, Dir: dir, Program: deploy.Program}); code != want {
			t.Fatalf("%s: exit %d, want %d\n%s", strings.Join(args, " "), code, want, out.String())
		}
		return out.String()
	}
	run(cli.ExitOK, "fleet", "assign", "--env", "prod", "--max-tenants", "2")
	run(cli.ExitOK, "fleet", "init", "--env", "prod", "--pulumi", pulumiCLI)

	out := run(cli.ExitOK, "fleet", "up", "--env", "prod", "--parallel", "2", "--pulumi", pulumiCLI)
	for _, row := range [][]string{
		{"prod-eu-west-1-1", "1", "ok"},
		{"prod-us-east-1-1", "2", "ok"},
		{"total, 2 stacks", "3", "ok"},
	} {
		cells := summaryRow(t, out, row[0])
		if cells[1] != row[1] || cells[len(cells)-1] != row[2] || strings.HasPrefix(cells[2], "0/") {
			t.Errorf("fleet up: row %v, want %s tenants, creates, %s\n%s", cells, row[1], row[2], out)
		}
	}
	if !strings.Contains(out, "[prod-us-east-1-1] ") || !strings.Contains(out, "[prod-eu-west-1-1] ") {
		t.Errorf("fleet up: no output prefixed per shard:\n%s", out)
	}
	for shardName, want := range map[string][]string{
		"prod-us-east-1-1": {"acme", "globex"},
		"prod-eu-west-1-1": {"hooli"},
	} {
		if got := deployedTenants(ctx, t, dir, cmd, shardName); !slices.Equal(got, want) {
			t.Errorf("shard %s deployed %v, want %v", shardName, got, want)
		}
		checkStackTraces(t, shardName, exportStored(ctx, t, cmd, dir, shardName))
	}

	out = run(cli.ExitOK, "fleet", "preview", "--env", "prod", "--pulumi", pulumiCLI)
	for _, name := range []string{"prod-eu-west-1-1", "prod-us-east-1-1"} {
		if cells := summaryRow(t, out, name); cells[2] != "0/0/0/0" {
			t.Errorf("fleet preview after up: %s would change %s, want nothing\n%s", name, cells[2], out)
		}
	}

	// A shard's stack file may set nothing but its fleet, name and secrets.
	broken := filepath.Join(dir, "Pulumi.prod-eu-west-1-1.yaml")
	data, err := os.ReadFile(broken)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(broken, append(data, "  tenancy:branch: hotfix\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	out = run(cli.ExitFailed, "fleet", "preview", "--env", "prod", "--parallel", "2", "--pulumi", pulumiCLI)
	if cells := summaryRow(t, out, "prod-eu-west-1-1"); cells[len(cells)-1] != "failed" {
		t.Errorf("the broken shard: %v, want failed\n%s", cells, out)
	}
	if cells := summaryRow(t, out, "prod-us-east-1-1"); cells[len(cells)-1] != "ok" {
		t.Errorf("the other shard: %v, want ok\n%s", cells, out)
	}
}

// summaryRow returns the cells of the summary table's row that starts
// with name (split on runs of spaces; "total, 2 stacks" is one cell).
func summaryRow(t *testing.T, out, name string) []string {
	t.Helper()
	for line := range strings.Lines(out) {
		if rest, ok := strings.CutPrefix(line, name+"  "); ok {
			return append([]string{name}, strings.Fields(rest)...)
		}
	}
	t.Fatalf("no summary row %s in:\n%s", name, out)
	return nil
}

// deployedTenants returns the tenant ids of a stack's "tenants" output.
func deployedTenants(ctx context.Context, t *testing.T, dir string, cmd auto.PulumiCommand, stack string) []string {
	t.Helper()
	s, err := auto.SelectStackInlineSource(ctx, stack, stackconfig.Project, deploy.Program, auto.WorkDir(dir), auto.Pulumi(cmd))
	if err != nil {
		t.Fatal(err)
	}
	outs, err := s.Outputs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tenants, _ := outs["tenants"].Value.(map[string]any)
	var ids []string
	for id := range tenants {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// checkStackTraces fails if a resource of the stack has, in the stack
// trace the engine keeps with it, a frame of the Automation API or gRPC:
// the runner runs the program on its own goroutine so that the checkpoint
// does not carry them (fleetrun.onOwnGoroutine). The Stack resource is the
// exception: the SDK registers it before it runs the program.
func checkStackTraces(t *testing.T, stack string, deployment []byte) {
	t.Helper()
	traced := 0
	for _, r := range resourcesOf(t, deployment) {
		if r.Type == "pulumi:pulumi:Stack" {
			continue
		}
		if len(r.StackTrace) > 0 {
			traced++
		}
		for _, f := range r.StackTrace {
			if strings.Contains(f.SourcePosition, "google.golang.org/grpc") || strings.Contains(f.SourcePosition, "/go/auto/") {
				t.Errorf("stack %s: %s has the frame %s in its stack trace", stack, r.URN, f.SourcePosition)
				break
			}
		}
	}
	if traced == 0 {
		t.Errorf("stack %s: no resource has a stack trace; the check above checked nothing", stack)
	}
}
