//go:build engine

package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/amplify-tenancy/tenancy/internal/deploy"
	"github.com/amplify-tenancy/tenancy/internal/enginetest/standin"
	"github.com/amplify-tenancy/tenancy/internal/stackconfig"
	"github.com/blang/semver"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
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

// engineEnv is the environment the Pulumi CLI, the fleet runner and the
// stand-in plugins run in: a file:// backend in state, its own PULUMI_HOME,
// the tests' passphrase, no plugin downloads or update checks, the
// stand-ins first on PATH and their call log.
func engineEnv(state, home, calls string) map[string]string {
	return map[string]string{
		"PULUMI_BACKEND_URL":                          "file://" + state,
		"PULUMI_HOME":                                 home,
		"PULUMI_CONFIG_PASSPHRASE":                    "engine-test-passphrase",
		"PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
		"PULUMI_SKIP_UPDATE_CHECK":                    "true",
		"PATH":                                        pluginDir + string(os.PathListSeparator) + os.Getenv("PATH"),
		standin.LogEnv:                                calls,
	}
}

// engineSecrets are a stack's secrets, set to the sentinels the tests look
// for in state and output.
func engineSecrets() auto.ConfigMap {
	return auto.ConfigMap{
		stackconfig.Project + ":" + stackconfig.KeyAccessToken:       {Value: sentinelToken, Secret: true},
		stackconfig.Project + ":" + stackconfig.KeyBasicAuthPassword: {Value: sentinelBasicAuth, Secret: true},
	}
}

// newFleetStack creates the stack of an environment's fleet file in dir,
// on the backend the environment names (engineEnv, set with t.Setenv),
// with engineSecrets: the secrets fleet init copies to each shard, and,
// unsharded, the stack the runner deploys.
func newFleetStack(ctx context.Context, t *testing.T, dir, env string, cmd auto.PulumiCommand) auto.Stack {
	t.Helper()
	s, err := auto.UpsertStackInlineSource(ctx, env, stackconfig.Project, deploy.Program, auto.WorkDir(dir), auto.Pulumi(cmd))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetAllConfig(ctx, engineSecrets()); err != nil {
		t.Fatal(err)
	}
	return s
}

// engineCLI is the Pulumi CLI the engine tests run (TestMain builds it).
func engineCLI(t *testing.T) auto.PulumiCommand {
	t.Helper()
	cmd, err := auto.NewPulumiCommand(&auto.PulumiCommandOptions{Root: cliRoot, Version: semver.MustParse(cliVersion)})
	if err != nil {
		t.Fatal(err)
	}
	return cmd
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

// newEngineStack copies Pulumi.yaml and the stack file (a committed one,
// or a fixture of testdata/stacks) into a temp project, creates the stack
// on a local backend running the program main.go runs, and sets the
// secrets as secret config, to sentinels.
func newEngineStack(t *testing.T, name string) *engineStack {
	t.Helper()
	return newEngineStackFrom(t, name, stackPath(name), "")
}

// newEngineStackFrom is newEngineStack starting from a saved deployment:
// state is the directory of a file:// backend, and stackFile the stack file
// that deployed it (its encryption salt decrypts the state's secrets).
func newEngineStackFrom(t *testing.T, name, stackFile, state string) *engineStack {
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
	if state != "" {
		if err := os.CopyFS(e.state, os.DirFS(state)); err != nil {
			t.Fatal(err)
		}
	}
	for src, dst := range map[string]string{"Pulumi.yaml": "Pulumi.yaml", stackFile: "Pulumi." + name + ".yaml"} {
		data, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(e.dir, dst), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	e.cmd = engineCLI(t)
	e.env = engineEnv(e.state, home, e.calls)
	ctx := e.ctx()
	var err error
	e.stack, err = auto.UpsertStackInlineSource(ctx, name, "tenancy", deploy.Program,
		auto.WorkDir(e.dir), auto.PulumiHome(home), auto.Pulumi(e.cmd), auto.EnvVars(e.env))
	if err != nil {
		t.Fatalf("stack %s: %v", name, err)
	}
	if err := e.stack.SetAllConfig(ctx, engineSecrets()); err != nil {
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
