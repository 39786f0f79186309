//go:build engine

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/amplify-tenancy/tenancy/internal/enginetest/standin"
	"github.com/amplify-tenancy/tenancy/internal/stackconfig"
	"github.com/blang/semver"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"gopkg.in/yaml.v3"
)

// cliVersion is the Pulumi CLI .ci/run builds into .bin/pulumi; the
// Automation API refuses a CLI older than its SDK.
const cliVersion = "3.274.1"

// engineTimeout bounds one engine operation; each takes seconds.
const engineTimeout = 5 * time.Minute

// Set up once by TestMain.
var (
	// cliRoot holds bin/pulumi, the layout auto.NewPulumiCommand expects.
	cliRoot string
	// pluginDir holds the stand-in provider plugins, put first on PATH.
	pluginDir string
)

// TestMain finds the CLI and builds the stand-in plugins, so a plain
// `go test -tags engine .` tests the plugins of this checkout.
func TestMain(m *testing.M) {
	if err := setUpEngine(); err != nil {
		fmt.Fprintln(os.Stderr, "engine tests:", err)
		os.Exit(1)
	}
	code := m.Run()
	_ = os.RemoveAll(cliRoot)
	os.Exit(code)
}

func setUpEngine() error {
	cli, err := filepath.Abs(filepath.Join(".bin", "pulumi"))
	if err != nil {
		return err
	}
	if _, err := os.Stat(cli); err != nil {
		return fmt.Errorf("no Pulumi CLI at %s: build it with .ci/run (or see README, \"Engine tests\"): %w", cli, err)
	}
	if pluginDir, err = filepath.Abs(filepath.Join(".bin", "plugins")); err != nil {
		return err
	}
	build := exec.Command("go", "build", "-o", pluginDir+string(filepath.Separator), "./internal/enginetest/cmd/...")
	if out, err := build.CombinedOutput(); err != nil {
		return fmt.Errorf("building the stand-in plugins: %w\n%s", err, out)
	}
	if cliRoot, err = os.MkdirTemp("", "tenancy-cli-"); err != nil {
		return err
	}
	if err := os.Mkdir(filepath.Join(cliRoot, "bin"), 0o755); err != nil {
		return err
	}
	return os.Symlink(cli, filepath.Join(cliRoot, "bin", "pulumi"))
}

// engineStack is one stack of the real project in a temp dir, with its own
// file:// backend, PULUMI_HOME and stand-in call log.
type engineStack struct {
	t     *testing.T
	name  string
	dir   string // the project dir: Pulumi.yaml and Pulumi.<stack>.yaml
	calls string // the stand-ins' call log
	state string // the file:// backend's directory
	cmd   auto.PulumiCommand
	env   map[string]string
	stack auto.Stack
}

// newEngineStack copies Pulumi.yaml and Pulumi.<name>.yaml into a temp
// project, creates the stack on a local backend running the program
// main.go runs, and sets the secrets as secret config, to sentinels.
func newEngineStack(t *testing.T, name string) *engineStack {
	t.Helper()
	root := t.TempDir()
	e := &engineStack{t: t, name: name, dir: filepath.Join(root, "project"),
		calls: filepath.Join(root, "calls.log"), state: filepath.Join(root, "state")}
	home := filepath.Join(root, "home")
	for _, dir := range []string{e.dir, e.state, home} {
		if err := os.Mkdir(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{"Pulumi.yaml", "Pulumi." + name + ".yaml"} {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(e.dir, f), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var err error
	e.cmd, err = auto.NewPulumiCommand(&auto.PulumiCommandOptions{Root: cliRoot, Version: semver.MustParse(cliVersion)})
	if err != nil {
		t.Fatal(err)
	}
	e.env = map[string]string{
		"PULUMI_BACKEND_URL":                          "file://" + e.state,
		"PULUMI_HOME":                                 home,
		"PULUMI_CONFIG_PASSPHRASE":                    "engine-test-passphrase",
		"PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
		"PULUMI_SKIP_UPDATE_CHECK":                    "true",
		"PATH":                                        pluginDir + string(os.PathListSeparator) + os.Getenv("PATH"),
		standin.LogEnv:                                e.calls,
	}
	ctx := e.ctx()
	e.stack, err = auto.UpsertStackInlineSource(ctx, name, "tenancy", program,
		auto.WorkDir(e.dir), auto.PulumiHome(home), auto.Pulumi(e.cmd), auto.EnvVars(e.env))
	if err != nil {
		t.Fatalf("stack %s: %v", name, err)
	}
	secrets := auto.ConfigMap{
		stackconfig.Project + ":" + stackconfig.KeyAccessToken:       {Value: sentinelToken, Secret: true},
		stackconfig.Project + ":" + stackconfig.KeyBasicAuthPassword: {Value: sentinelBasicAuth, Secret: true},
	}
	if err := e.stack.SetAllConfig(ctx, secrets); err != nil {
		t.Fatalf("stack %s: secrets: %v", name, err)
	}
	return e
}

// in returns the stack bound to test t, so a helper failing inside a
// subtest fails that subtest.
func (e *engineStack) in(t *testing.T) *engineStack {
	c := *e
	c.t = t
	return &c
}

func (e *engineStack) ctx() context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), engineTimeout)
	e.t.Cleanup(cancel)
	return ctx
}

// up runs `pulumi up`; the error carries the engine's output.
func (e *engineStack) up() (auto.UpResult, error) {
	var out bytes.Buffer
	res, err := e.stack.Up(e.ctx(), optup.ProgressStreams(&out), optup.ErrorProgressStreams(&out))
	if err != nil {
		return res, fmt.Errorf("pulumi up %s: %w\n%s", e.name, err, out.String())
	}
	return res, nil
}

// mustUp runs `pulumi up` and fails the test when it fails.
func (e *engineStack) mustUp() auto.UpResult {
	e.t.Helper()
	res, err := e.up()
	if err != nil {
		e.t.Fatal(err)
	}
	return res
}

// preview runs `pulumi preview` and returns its change summary.
func (e *engineStack) preview() map[apitype.OpType]int {
	e.t.Helper()
	var out bytes.Buffer
	res, err := e.stack.Preview(e.ctx(), optpreview.Diff(), optpreview.ProgressStreams(&out))
	if err != nil {
		e.t.Fatalf("pulumi preview %s: %v\n%s", e.name, err, out.String())
	}
	return res.ChangeSummary
}

// export returns the deployment of `pulumi stack export`, secrets as
// stored. (auto's Stack.Export adds --show-secrets, so it is not used.)
func (e *engineStack) export() []byte {
	e.t.Helper()
	env := make([]string, 0, len(e.env))
	for k, v := range e.env {
		env = append(env, k+"="+v)
	}
	stdout, stderr, _, err := e.cmd.Run(e.ctx(), e.dir, nil, nil, nil, env, "stack", "export", "--stack", e.name)
	if err != nil {
		e.t.Fatalf("pulumi stack export: %v\n%s", err, stderr)
	}
	var d apitype.UntypedDeployment
	if err := json.Unmarshal([]byte(stdout), &d); err != nil {
		e.t.Fatal(err)
	}
	return d.Deployment
}

// files returns every file the engine wrote for the stack: the backend's
// checkpoints, backups and history, and the project dir with its stack
// config, by path.
func (e *engineStack) files() map[string][]byte {
	e.t.Helper()
	out := map[string][]byte{}
	for _, root := range []string{e.state, e.dir} {
		err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			data, err := os.ReadFile(path)
			out[path] = data
			return err
		})
		if err != nil {
			e.t.Fatal(err)
		}
	}
	return out
}

// stateResource is the part of a resource in state the tests read.
type stateResource struct {
	URN      string         `json:"urn"`
	Type     string         `json:"type"`
	ID       string         `json:"id"`
	Protect  bool           `json:"protect"`
	Provider string         `json:"provider"`
	Outputs  map[string]any `json:"outputs"`
}

// resources returns the resources in state by URN.
func (e *engineStack) resources() map[string]stateResource {
	e.t.Helper()
	var d struct {
		Resources []stateResource `json:"resources"`
	}
	if err := json.Unmarshal(e.export(), &d); err != nil {
		e.t.Fatal(err)
	}
	out := map[string]stateResource{}
	for _, r := range d.Resources {
		out[r.URN] = r
	}
	return out
}

// byLogicalName finds a resource in state by its logical name and type.
func byLogicalName(rs map[string]stateResource, typ, name string) (stateResource, bool) {
	for urn, r := range rs {
		if r.Type == typ && strings.HasSuffix(urn, "::"+name) {
			return r, true
		}
	}
	return stateResource{}, false
}

// configFile is the stack's Pulumi.<stack>.yaml in the temp project.
func (e *engineStack) configFile() string { return filepath.Join(e.dir, "Pulumi."+e.name+".yaml") }

// readConfig parses the stack file and its tenants list.
func (e *engineStack) readConfig() (original []byte, doc map[string]any, tenants []map[string]any) {
	e.t.Helper()
	original, err := os.ReadFile(e.configFile())
	if err != nil {
		e.t.Fatal(err)
	}
	if err := yaml.Unmarshal(original, &doc); err != nil {
		e.t.Fatal(err)
	}
	config, _ := doc["config"].(map[string]any)
	raw, err := json.Marshal(config["tenancy:tenants"])
	if err != nil {
		e.t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &tenants); err != nil {
		e.t.Fatal(err)
	}
	return original, doc, tenants
}

// editTenants rewrites the tenants list in the stack's Pulumi.<stack>.yaml,
// as a person editing the file would, and returns a function that puts the
// file back.
func (e *engineStack) editTenants(edit func([]map[string]any) []map[string]any) (restore func()) {
	e.t.Helper()
	original, doc, tenants := e.readConfig()
	doc["config"].(map[string]any)["tenancy:tenants"] = edit(tenants)
	out, err := yaml.Marshal(doc)
	if err != nil {
		e.t.Fatal(err)
	}
	e.writeConfig(out)
	return func() { e.writeConfig(original) }
}

func (e *engineStack) writeConfig(data []byte) {
	e.t.Helper()
	if err := os.WriteFile(e.configFile(), data, 0o644); err != nil {
		e.t.Fatal(err)
	}
}

// tenantIDs lists the ids in the stack's config file, sorted.
func (e *engineStack) tenantIDs() []string {
	e.t.Helper()
	_, _, tenants := e.readConfig()
	ids := make([]string, 0, len(tenants))
	for _, t := range tenants {
		ids = append(ids, fmt.Sprint(t["id"]))
	}
	slices.Sort(ids)
	return ids
}

// takeCalls returns the create/update/delete calls the stand-ins logged
// since the last take, and clears the log.
func (e *engineStack) takeCalls() []string {
	e.t.Helper()
	data, err := os.ReadFile(e.calls)
	if err != nil && !os.IsNotExist(err) {
		e.t.Fatal(err)
	}
	if err := os.Remove(e.calls); err != nil && !os.IsNotExist(err) {
		e.t.Fatal(err)
	}
	return strings.FieldsFunc(string(data), func(r rune) bool { return r == '\n' })
}
