//go:build engine

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/amplify-tenancy/tenancy/internal/deploy"
	"github.com/amplify-tenancy/tenancy/internal/shard"
	"github.com/amplify-tenancy/tenancy/internal/stackconfig"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"gopkg.in/yaml.v3"
)

// shardEngineFleet is the fleet of TestEngineShardStacks: in shards of
// two, us-east-1 needs two shards, eu-west-1 one in the deployer's account
// and one in another account.
const shardEngineFleet = `config:
  tenancy:repository: https://github.com/example/storefront
  tenancy:protect: false
  tenancy:basicAuth: true
  tenancy:tenants:
    - {id: acme, name: Acme, region: us-east-1}
    - {id: globex, name: Globex, region: us-east-1}
    - {id: hooli, name: Hooli, region: us-east-1, platform: WEB}
    - {id: initech, name: Initech, region: eu-west-1, database: {isolation: schema}}
    - {id: stark, name: Stark, region: eu-west-1, account: {roleArn: "arn:aws:iam::210987654321:role/deployer"}}
`

// shardBackend is one file:// backend and the workspace options that
// reach it.
type shardBackend struct {
	env  map[string]string
	opts []auto.LocalWorkspaceOption
}

func newShardBackend(t *testing.T, root, name string, cmd auto.PulumiCommand) shardBackend {
	t.Helper()
	state, home := filepath.Join(root, name+"-state"), filepath.Join(root, name+"-home")
	for _, d := range []string{state, home} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	env := engineEnv(state, home, filepath.Join(root, name+"-calls.log"))
	return shardBackend{env: env, opts: []auto.LocalWorkspaceOption{auto.Pulumi(cmd), auto.EnvVars(env), auto.PulumiHome(home)}}
}

// up deploys stack from dir with program and returns its state.
func (b shardBackend) up(ctx context.Context, t *testing.T, dir, stack string, program func(dir string) pulumi.RunFunc) []shardResource {
	t.Helper()
	s, err := auto.UpsertStackInlineSource(ctx, stack, stackconfig.Project, program(dir), append(slices.Clone(b.opts), auto.WorkDir(dir))...)
	if err != nil {
		t.Fatalf("stack %s: %v", stack, err)
	}
	var out bytes.Buffer
	if _, err := s.Up(ctx, optup.ProgressStreams(&out), optup.ErrorProgressStreams(&out)); err != nil {
		t.Fatalf("pulumi up %s: %v\n%s", stack, err, out.String())
	}
	exported, err := s.Export(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		Resources []shardResource `json:"resources"`
	}
	if err := json.Unmarshal(exported.Deployment, &d); err != nil {
		t.Fatal(err)
	}
	return d.Resources
}

// TestEngineShardStacks creates shard stacks with shard.InitStacks and
// deploys them through the real engine two ways: as the runner does (an
// inline program given the project directory, deploy.ProgramIn) and as
// `pulumi up --stack <shard>` does (the program run in the project
// directory, deploy.Program), each in its own backend. Both deploy the
// same resources with the same inputs, and together the shards deploy
// what the fleet deploys as a single stack.
func TestEngineShardStacks(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "project")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	project, err := os.ReadFile("Pulumi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	write := func(dir, name string, data []byte) {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(dir, "Pulumi.yaml", project)
	write(dir, "Pulumi.dev.yaml", []byte(shardEngineFleet))
	ctx, cancel := context.WithTimeout(context.Background(), 4*engineTimeout)
	defer cancel()
	cmd := engineCLI(t)
	runner, cli, single := newShardBackend(t, root, "runner", cmd), newShardBackend(t, root, "cli", cmd), newShardBackend(t, root, "single", cmd)

	// The fleet stack holds the secrets InitStacks copies.
	fleetStack, err := auto.UpsertStackInlineSource(ctx, "dev", stackconfig.Project, deploy.Program, append(slices.Clone(runner.opts), auto.WorkDir(dir))...)
	if err != nil {
		t.Fatal(err)
	}
	if err := fleetStack.SetAllConfig(ctx, engineSecrets()); err != nil {
		t.Fatal(err)
	}
	fleetFile, err := stackconfig.ReadFile(filepath.Join(dir, "Pulumi.dev.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	fleet, err := stackconfig.Parse(fleetFile.Source())
	if err != nil {
		t.Fatal(err)
	}
	lock, err := shard.Assign(nil, "dev", fleet, 2)
	if err != nil {
		t.Fatal(err)
	}
	if err := lock.Write(dir); err != nil {
		t.Fatal(err)
	}
	wantShards := []string{"dev-eu-west-1-1", "dev-eu-west-1-210987654321-1", "dev-us-east-1-1", "dev-us-east-1-2"}
	if !slices.Equal(lock.Names(), wantShards) {
		t.Fatalf("shards %v, want %v", lock.Names(), wantShards)
	}

	created, err := shard.InitStacks(ctx, dir, lock, runner.opts...)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(created, wantShards) {
		t.Errorf("InitStacks created %v, want %v", created, wantShards)
	}
	salts := map[string]string{}
	files := map[string][]byte{}
	for _, name := range append([]string{"dev"}, wantShards...) {
		data, err := os.ReadFile(filepath.Join(dir, shard.StackFileName(name)))
		if err != nil {
			t.Fatal(err)
		}
		files[name] = data
		var doc struct {
			Salt   string         `yaml:"encryptionsalt"`
			Config map[string]any `yaml:"config"`
		}
		if err := yaml.Unmarshal(data, &doc); err != nil {
			t.Fatal(err)
		}
		salts[name] = doc.Salt
		if name == "dev" {
			continue
		}
		var top map[string]any
		_ = yaml.Unmarshal(data, &top)
		if keys := slices.Sorted(maps.Keys(top)); !slices.Equal(keys, []string{"config", "encryptionsalt"}) {
			t.Errorf("%s: top-level keys %v", name, keys)
		}
		if keys := slices.Sorted(maps.Keys(doc.Config)); !slices.Equal(keys, []string{"tenancy:accessToken", "tenancy:basicAuthPassword", "tenancy:fleet", "tenancy:shard"}) {
			t.Errorf("%s: config keys %v", name, keys)
		}
		f, err := stackconfig.ReadFile(filepath.Join(dir, shard.StackFileName(name)))
		if err != nil {
			t.Fatal(err)
		}
		if env, err := shard.CheckStackFile(f); err != nil || env != "dev" {
			t.Errorf("%s: %q %v", name, env, err)
		}
		if bytes.Contains(data, []byte(sentinelToken)) || bytes.Contains(data, []byte(sentinelBasicAuth)) {
			t.Errorf("%s holds a secret in plain text", name)
		}
	}
	if distinct := slices.Compact(slices.Sorted(maps.Values(salts))); len(distinct) != len(salts) || slices.Contains(distinct, "") {
		t.Errorf("every stack needs a salt of its own: %v", salts)
	}
	ws, err := auto.NewLocalWorkspace(ctx, append(slices.Clone(runner.opts), auto.WorkDir(dir))...)
	if err != nil {
		t.Fatal(err)
	}
	config, err := ws.GetAllConfig(ctx, wantShards[0])
	if err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]auto.ConfigValue{
		"tenancy:fleet": {Value: "dev"}, "tenancy:shard": {Value: wantShards[0]},
		"tenancy:accessToken": {Value: sentinelToken, Secret: true}, "tenancy:basicAuthPassword": {Value: sentinelBasicAuth, Secret: true},
	} {
		if config[k] != want {
			t.Errorf("shard %s: %s = %+v, want %+v", wantShards[0], k, config[k], want)
		}
	}

	t.Run("again, InitStacks creates and changes nothing", func(t *testing.T) {
		created, err := shard.InitStacks(ctx, dir, lock, runner.opts...)
		if err != nil || len(created) > 0 {
			t.Fatalf("created %v, %v", created, err)
		}
		for name, data := range files {
			if now, _ := os.ReadFile(filepath.Join(dir, shard.StackFileName(name))); !bytes.Equal(now, data) {
				t.Errorf("%s changed", shard.StackFileName(name))
			}
		}
	})
	t.Run("a stack without its file is refused", func(t *testing.T) {
		path := filepath.Join(dir, shard.StackFileName(wantShards[1]))
		if err := os.Rename(path, path+".away"); err != nil {
			t.Fatal(err)
		}
		defer os.Rename(path+".away", path)
		if _, err := shard.InitStacks(ctx, dir, lock, runner.opts...); err == nil || !strings.Contains(err.Error(), "restore the file from git") {
			t.Errorf("got %v", err)
		}
	})

	// Another backend with the committed stack files: InitStacks creates
	// the stacks and keeps each file's salt, so its secrets decrypt.
	created, err = shard.InitStacks(ctx, dir, lock, cli.opts...)
	if err != nil || !slices.Equal(created, wantShards) {
		t.Fatalf("a fresh backend: created %v, %v", created, err)
	}
	for _, name := range wantShards {
		if now, _ := os.ReadFile(filepath.Join(dir, shard.StackFileName(name))); !bytes.Equal(now, files[name]) {
			t.Errorf("InitStacks on a fresh backend rewrote %s", shard.StackFileName(name))
		}
	}

	asRunner := func(dir string) pulumi.RunFunc { return deploy.ProgramIn(dir) }
	asCLI := func(string) pulumi.RunFunc { return deploy.Program }
	union := map[string]bool{}
	t.Chdir(dir) // `pulumi up` runs the program in the project directory
	for _, name := range wantShards {
		byRunner := runner.up(ctx, t, dir, name, asRunner)
		byCLI := cli.up(ctx, t, dir, name, asCLI)
		if a, b := comparable(byRunner), comparable(byCLI); !reflect.DeepEqual(a, b) {
			t.Errorf("shard %s: the runner and the CLI deployed different resources:\n%v\n%v", name, a, b)
		}
		s, _ := lock.Shard(name)
		var tenants []string
		for _, r := range byRunner {
			if r.Type == "tenancy:tenant:TenantStack" {
				tenants = append(tenants, resource.URN(r.URN).Name())
			}
			if !ignoredInUnion(r.Type) {
				union[anyStack(r.URN)] = true
			}
		}
		slices.Sort(tenants)
		if !slices.Equal(tenants, s.Tenants) {
			t.Errorf("shard %s deployed %v, the lock gives it %v", name, tenants, s.Tenants)
		}
	}

	// The fleet as one stack, in a directory without the lock.
	alone := filepath.Join(root, "single-project")
	if err := os.Mkdir(alone, 0o755); err != nil {
		t.Fatal(err)
	}
	write(alone, "Pulumi.yaml", project)
	write(alone, "Pulumi.dev.yaml", files["dev"])
	want := map[string]bool{}
	for _, r := range single.up(ctx, t, alone, "dev", asRunner) {
		if !ignoredInUnion(r.Type) {
			want[anyStack(r.URN)] = true
		}
	}
	if !maps.Equal(union, want) {
		t.Errorf("the shards deployed\n%v\nthe single stack\n%v", slices.Sorted(maps.Keys(union)), slices.Sorted(maps.Keys(want)))
	}
}

// shardResource is the part of a resource in state a shard's
// comparison reads.
type shardResource struct {
	URN      string         `json:"urn"`
	Type     string         `json:"type"`
	Parent   string         `json:"parent"`
	Provider string         `json:"provider"`
	Protect  bool           `json:"protect"`
	Inputs   map[string]any `json:"inputs"`
}

// ignoredInUnion are the resources every stack has of its own: the stack
// and the reference to its own last deployment.
func ignoredInUnion(typ string) bool {
	return typ == "pulumi:pulumi:Stack" || typ == "pulumi:pulumi:StackReference"
}

// randomSuffix is what differs between two deployments of one resource:
// the random suffix of an auto-named resource (`<name>-1a2b3c4`) and the
// stand-ins' IDs made of it, wherever an input repeats them.
var randomSuffix = regexp.MustCompile(`-[0-9a-f]{7,8}\b`)

// comparable is a stack's resources without what differs between two
// deployments of the same program in two backends: IDs, outputs,
// ciphertexts, random name suffixes, the provider reference's ID.
func comparable(rs []shardResource) []string {
	var out []string
	for _, r := range rs {
		inputs, _ := json.Marshal(scrub(r.Inputs))
		inputs = randomSuffix.ReplaceAll(inputs, []byte("-#"))
		provider := r.Provider
		if i := strings.LastIndex(provider, "::"); i >= 0 {
			provider = provider[:i]
		}
		out = append(out, fmt.Sprintf("%s parent=%s provider=%s protect=%v inputs=%s", r.URN, r.Parent, provider, r.Protect, inputs))
	}
	slices.Sort(out)
	return out
}

// scrub replaces each secret's ciphertext with a marker.
func scrub(v any) any {
	switch v := v.(type) {
	case map[string]any:
		if v[string(resource.SigKey)] == resource.SecretSig {
			return "[secret]"
		}
		out := map[string]any{}
		for k, e := range v {
			out[k] = scrub(e)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = scrub(e)
		}
		return out
	}
	return v
}
