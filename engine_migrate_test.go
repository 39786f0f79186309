//go:build engine

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/amplify-tenancy/tenancy/internal/cli"
	"github.com/amplify-tenancy/tenancy/internal/deploy"
	"github.com/amplify-tenancy/tenancy/internal/shard"
	"github.com/amplify-tenancy/tenancy/internal/stackconfig"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"gopkg.in/yaml.v3"
)

// TestEngineMigrateProdIntoShards deploys the committed prod fleet as the
// single stack prod, shards it (`fleet assign --max-tenants 2`, so
// eu-central-1's four tenants need two shards, the second reading the
// region's shared cluster from the first), creates the shards' stacks
// (`fleet init`) and moves prod's resources into them (`fleet migrate`).
// Afterwards every shard's preview, and its `up` (home shards first),
// creates, deletes and replaces nothing; the stand-ins were asked to
// create or delete nothing; every resource keeps its physical ID, the
// data resources (keys, tables, clusters, instances, secrets) included;
// each shard's state is encrypted under its own key; prod holds no
// resource; and a second `fleet migrate` says so and changes nothing.
func TestEngineMigrateProdIntoShards(t *testing.T) {
	root := t.TempDir()
	dir, state, home := filepath.Join(root, "project"), filepath.Join(root, "state"), filepath.Join(root, "home")
	calls := filepath.Join(root, "calls.log")
	for _, d := range []string{dir, state, home} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{"Pulumi.yaml", "Pulumi.prod.yaml"} {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// fleet init, migrate and the runner take the backend, passphrase and
	// plugins from the environment, as the Pulumi CLI does.
	for k, v := range engineEnv(state, home, calls) {
		t.Setenv(k, v)
	}
	pulumiCLI := filepath.Join(cliRoot, "bin", "pulumi")
	ctx, cancel := context.WithTimeout(context.Background(), 6*engineTimeout)
	defer cancel()
	cmd := engineCLI(t)
	stackOf := func(name string) auto.Stack {
		t.Helper()
		s, err := auto.UpsertStackInlineSource(ctx, name, stackconfig.Project, deploy.ProgramIn(dir), auto.WorkDir(dir), auto.Pulumi(cmd))
		if err != nil {
			t.Fatalf("stack %s: %v", name, err)
		}
		return s
	}
	takeCalls := func() []string {
		data, _ := os.ReadFile(calls)
		_ = os.Remove(calls)
		return strings.FieldsFunc(string(data), func(r rune) bool { return r == '\n' })
	}
	timed := func(what string, start time.Time) {
		t.Logf("%s: %s", what, time.Since(start).Round(10*time.Millisecond))
	}

	// prod, deployed as a single stack.
	start := time.Now()
	prod := stackOf("prod")
	if err := prod.SetAllConfig(ctx, engineSecrets()); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if _, err := prod.Up(ctx, optup.ProgressStreams(&out), optup.ErrorProgressStreams(&out)); err != nil {
		t.Fatalf("up prod: %v\n%s", err, out.String())
	}
	timed("up prod", start)
	prodBefore := exportStored(ctx, t, cmd, dir, "prod")
	before := physicalIDs(t, prodBefore)
	takeCalls()

	run := func(want int, args ...string) string {
		t.Helper()
		var out bytes.Buffer
		start := time.Now()
		code := cli.Run(args, cli.Env{Stdout: &out, Stderr: &out, Dir: dir, Program: deploy.Program})
		timed(strings.Join(args[:2], " "), start)
		if code != want {
			t.Fatalf("%s: exit %d, want %d\n%s", strings.Join(args, " "), code, want, out.String())
		}
		return out.String()
	}
	if out := run(cli.ExitFailed, "fleet", "migrate", "--env", "prod", "--pulumi", pulumiCLI); !strings.Contains(out, "fleet assign --env prod") {
		t.Errorf("fleet migrate without a lock:\n%s", out)
	}
	run(cli.ExitOK, "fleet", "assign", "--env", "prod", "--max-tenants", "2")
	if out := run(cli.ExitFailed, "fleet", "migrate", "--env", "prod", "--pulumi", pulumiCLI); !strings.Contains(out, "fleet init --env prod") {
		t.Errorf("fleet migrate without the shards' stacks:\n%s", out)
	}
	lock, err := shard.Read(dir, "prod")
	if err != nil {
		t.Fatal(err)
	}
	var homes, others []string
	for _, s := range lock.Shards {
		if h, _ := lock.Home(s.Region, s.Account); h.Name == s.Name {
			homes = append(homes, s.Name)
		} else {
			others = append(others, s.Name)
		}
	}
	if len(others) == 0 {
		t.Fatalf("no place has two shards: %v", lock.Names())
	}
	run(cli.ExitOK, "fleet", "init", "--env", "prod", "--pulumi", pulumiCLI)

	// A tenant prod has not deployed: its shard's preview would create it,
	// so the migration is undone: every shard empty again, prod as it was.
	fleetFile := filepath.Join(dir, "Pulumi.prod.yaml")
	fleetData, err := os.ReadFile(fleetFile)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := yaml.Unmarshal(fleetData, &doc); err != nil {
		t.Fatal(err)
	}
	config := doc["config"].(map[string]any)
	config["tenancy:tenants"] = append(config["tenancy:tenants"].([]any), map[string]any{"id": "newco", "name": "Newco", "region": "us-east-1"})
	edited, err := yaml.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(fleetFile, edited, 0o644); err != nil {
		t.Fatal(err)
	}
	run(cli.ExitOK, "fleet", "assign", "--env", "prod")
	refused := run(cli.ExitFailed, "fleet", "migrate", "--env", "prod", "--pulumi", pulumiCLI, "--backup", filepath.Join(root, "refused.json"))
	// Problems are wrapped at 80 columns: compare the words.
	words := strings.Join(strings.Fields(refused), " ")
	if !strings.Contains(words, "would create") || !strings.Contains(words, "newco") || !strings.Contains(words, "the shards were emptied again") {
		t.Errorf("fleet migrate with an undeployed tenant:\n%s", refused)
	}
	t.Logf("fleet migrate with an undeployed tenant:\n%s", refused)
	for _, name := range lock.Names() {
		if n := len(resourcesOf(t, exportStored(ctx, t, cmd, dir, name))); n != 0 {
			t.Errorf("after the refused migration, shard %s holds %d resources", name, n)
		}
	}
	if now := exportStored(ctx, t, cmd, dir, "prod"); !bytes.Equal(now, prodBefore) {
		t.Error("the refused migration changed prod")
	}
	if err := os.WriteFile(fleetFile, fleetData, 0o644); err != nil {
		t.Fatal(err)
	}
	run(cli.ExitOK, "fleet", "assign", "--env", "prod")
	if again, err := shard.Read(dir, "prod"); err != nil || !slices.Equal(again.Names(), lock.Names()) {
		t.Fatalf("the lock after newco left: %v, %v", again, err)
	}

	migrated := run(cli.ExitOK, "fleet", "migrate", "--env", "prod", "--pulumi", pulumiCLI)
	t.Logf("fleet migrate:\n%s", migrated)
	if got := takeCalls(); len(got) > 0 {
		t.Errorf("fleet migrate made provider calls (it edits state only, and its up of home shards must change nothing):\n%s", strings.Join(got, "\n"))
	}

	// prod holds nothing; its deployment was saved, encrypted.
	if n := len(resourcesOf(t, exportStored(ctx, t, cmd, dir, "prod"))); n != 1 {
		t.Errorf("prod holds %d resources after the migration, want its root alone", n)
	}
	backups, _ := filepath.Glob(filepath.Join(dir, "prod.before-migrate-*.json"))
	if len(backups) != 1 {
		t.Fatalf("backups of prod: %v, want one", backups)
	}
	if data, err := os.ReadFile(backups[0]); err != nil {
		t.Fatal(err)
	} else if bytes.Contains(data, []byte(`"plaintext"`)) || bytes.Contains(data, []byte(sentinelToken)) {
		t.Error("the backup of prod holds secrets in plain text")
	} else if n := len(resourcesOf(t, backupDeployment(t, data))); n != len(resourcesOf(t, prodBefore)) {
		t.Errorf("the backup holds %d resources, prod held %d", n, len(resourcesOf(t, prodBefore)))
	}

	// Each shard: its own key, its own tenants.
	after := map[string]string{}
	for _, name := range lock.Names() {
		stored := exportStored(ctx, t, cmd, dir, name)
		var d struct {
			SecretsProviders struct {
				State struct {
					Salt string `json:"salt"`
				} `json:"state"`
			} `json:"secrets_providers"`
		}
		if err := json.Unmarshal(stored, &d); err != nil {
			t.Fatal(err)
		}
		if salt := stackSalt(t, filepath.Join(dir, shard.StackFileName(name))); d.SecretsProviders.State.Salt != salt || salt == "" {
			t.Errorf("shard %s: state encrypted under salt %q, its stack file's is %q", name, d.SecretsProviders.State.Salt, salt)
		}
		if bytes.Contains(stored, []byte(`"plaintext"`)) {
			t.Errorf("shard %s: a secret stored in plain text", name)
		}
		s, _ := lock.Shard(name)
		if got := deployedTenants(ctx, t, dir, cmd, name); !slices.Equal(got, s.Tenants) {
			t.Errorf("shard %s: tenants output %v, the lock gives it %v", name, got, s.Tenants)
		}
		for k, id := range physicalIDs(t, stored) {
			if prev, dup := after[k]; dup && prev != id {
				t.Errorf("%s is in two shards with IDs %s and %s", k, prev, id)
			}
			after[k] = id
		}
	}
	for _, k := range slices.Sorted(maps.Keys(before)) {
		if after[k] != before[k] {
			t.Errorf("%s: physical ID %q before the migration, %q after", k, before[k], after[k])
		}
	}
	for _, k := range slices.Sorted(maps.Keys(after)) {
		if _, ok := before[k]; !ok {
			t.Errorf("%s (ID %s) is in a shard but was not in prod", k, after[k])
		}
	}
	data := map[string]int{} // data resources (safety_test.go's dataTypes) compared, by type
	for k := range before {
		if typ, _, _ := strings.Cut(k, "::"); dataTypes[typ] {
			data[typ]++
		}
	}
	t.Logf("data resources compared: %v", data)
	for _, typ := range []string{"aws:kms/key:Key", "aws:dynamodb/table:Table", "aws:rds/cluster:Cluster", "aws:rds/clusterInstance:ClusterInstance", "aws:secretsmanager/secret:Secret"} {
		if data[typ] == 0 {
			t.Errorf("prod has no %s to compare", typ)
		}
	}

	// Every shard previews, then deploys, without a create, delete or
	// replacement; home shards first.
	noChanges := func(what, name string, counts map[string]int) {
		t.Helper()
		for op, n := range counts {
			if n > 0 && op != string(apitype.OpSame) && op != string(apitype.OpRead) {
				t.Errorf("%s %s: %d %s", what, name, n, op)
			}
		}
	}
	for _, name := range append(slices.Clone(homes), others...) {
		s := stackOf(name)
		out.Reset()
		start := time.Now()
		pre, err := s.Preview(ctx, optpreview.Diff(), optpreview.ProgressStreams(&out))
		if err != nil {
			t.Fatalf("preview %s: %v\n%s", name, err, out.String())
		}
		timed("preview "+name, start)
		counts := map[string]int{}
		for op, n := range pre.ChangeSummary {
			counts[string(op)] = n
		}
		noChanges("preview", name, counts)
		if t.Failed() {
			t.Logf("preview %s:\n%s", name, out.String())
		}
		out.Reset()
		start = time.Now()
		up, err := s.Up(ctx, optup.ProgressStreams(&out), optup.ErrorProgressStreams(&out))
		if err != nil {
			t.Fatalf("up %s: %v\n%s", name, err, out.String())
		}
		timed("up "+name, start)
		noChanges("up", name, *up.Summary.ResourceChanges)
	}
	if got := takeCalls(); len(got) > 0 {
		t.Errorf("up of the shards made provider calls:\n%s", strings.Join(got, "\n"))
	}
	final := map[string]string{}
	for _, name := range lock.Names() {
		maps.Copy(final, physicalIDs(t, exportStored(ctx, t, cmd, dir, name)))
	}
	for _, k := range slices.Sorted(maps.Keys(before)) {
		if final[k] != before[k] {
			t.Errorf("%s: physical ID %q before the migration, %q after the shards' up", k, before[k], final[k])
		}
	}

	// Again: already migrated, nothing changes.
	states := map[string][]byte{}
	for _, name := range append([]string{"prod"}, lock.Names()...) {
		states[name] = exportStored(ctx, t, cmd, dir, name)
	}
	again := run(cli.ExitOK, "fleet", "migrate", "--env", "prod", "--pulumi", pulumiCLI, "--backup", filepath.Join(root, "again.json"))
	if !strings.Contains(again, "already migrated") {
		t.Errorf("a second fleet migrate says:\n%s", again)
	}
	for name, was := range states {
		if now := exportStored(ctx, t, cmd, dir, name); !bytes.Equal(now, was) {
			t.Errorf("a second fleet migrate changed stack %s", name)
		}
	}
	if _, err := os.Stat(filepath.Join(root, "again.json")); err == nil {
		t.Error("a second fleet migrate wrote a backup")
	}
}

// backupDeployment is the deployment in a backup fleet migrate wrote.
func backupDeployment(t *testing.T, data []byte) []byte {
	t.Helper()
	var d apitype.UntypedDeployment
	if err := json.Unmarshal(data, &d); err != nil {
		t.Fatal(err)
	}
	return d.Deployment
}

// exportStored is a stack's deployment as stored: `pulumi stack export`,
// secrets encrypted.
func exportStored(ctx context.Context, t *testing.T, cmd auto.PulumiCommand, dir, stack string) []byte {
	t.Helper()
	stdout, stderr, _, err := cmd.Run(ctx, dir, nil, nil, nil, nil, "stack", "export", "--stack", stack)
	if err != nil {
		t.Fatalf("pulumi stack export --stack %s: %v\n%s", stack, err, stderr)
	}
	var d apitype.UntypedDeployment
	if err := json.Unmarshal([]byte(stdout), &d); err != nil {
		t.Fatal(err)
	}
	return d.Deployment
}

func resourcesOf(t *testing.T, deployment []byte) []stateResource {
	t.Helper()
	var d struct {
		Resources []stateResource `json:"resources"`
	}
	if err := json.Unmarshal(deployment, &d); err != nil {
		t.Fatal(err)
	}
	return d.Resources
}

// physicalIDs maps "<type>::<name>" to the physical ID of every custom
// resource but providers and stack references, which each stack has of
// its own.
func physicalIDs(t *testing.T, deployment []byte) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, r := range resourcesOf(t, deployment) {
		if r.ID == "" || strings.HasPrefix(r.Type, "pulumi:") {
			continue
		}
		out[r.Type+"::"+resource.URN(r.URN).Name()] = r.ID
	}
	return out
}

// stackSalt is the encryptionsalt of a stack file.
func stackSalt(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Salt string `yaml:"encryptionsalt"`
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	return doc.Salt
}
