package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// shardsDir copies testdata/shards, a sharded fleet, into a temporary
// directory.
func shardsDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS("../../testdata/shards")); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestValidateChecksTheShardLock: validate --stack <env> checks the fleet's
// lock when it has one, so a tenant added without fleet assign fails with
// the command to run; validate --stack <shard> checks a shard's stack file,
// its fleet and the lock.
func TestValidateChecksTheShardLock(t *testing.T) {
	edit := func(name, old, new string) func(t *testing.T, dir string) {
		return func(t *testing.T, dir string) {
			path := filepath.Join(dir, name)
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if old == "" {
				data = append(data, new...)
			} else if !bytes.Contains(data, []byte(old)) {
				t.Fatalf("%s has no %q", name, old)
			} else {
				data = bytes.Replace(data, []byte(old), []byte(new), 1)
			}
			if err := os.WriteFile(path, data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	cases := []struct {
		name  string
		stack string
		edit  func(t *testing.T, dir string)
		code  int
		want  []string
	}{
		{"the fleet", "prod", nil, ExitOK, []string{"ok: stack prod (environment prod), 9 tenants in 4 regions in 6 shards, 1 warning"}},
		{"a tenant added without fleet assign", "prod", edit("Pulumi.prod.yaml", "", "    - {id: newco, name: Newco, region: eu-central-1}\n"), ExitFailed, []string{
			`error: tenant "newco": shard: is in no shard of Pulumi.prod.shards.json; run: go run . fleet assign --env prod`,
			"stack prod: 1 problem with its shards (Pulumi.prod.shards.json); every shard would stop before creating anything"}},
		{"a tenant removed without fleet assign", "prod", edit("Pulumi.prod.yaml", "    - id: hooli\n      name: Hooli\n      region: us-west-2\n", ""), ExitFailed, []string{
			`error: tenant "hooli": shard: shard prod-us-west-2-1 lists a tenant the fleet file no longer has; run: go run . fleet assign --env prod`}},
		{"a tenant moved region without fleet assign", "prod", edit("Pulumi.prod.yaml", "      name: Hooli\n      region: us-west-2\n", "      name: Hooli\n      region: us-east-1\n"), ExitFailed, []string{
			`error: tenant "hooli": shard: is in shard prod-us-west-2-1 of region us-west-2, but the tenant is in region us-east-1; run: go run . fleet assign --env prod`}},
		{"a lock that does not parse", "prod", edit("Pulumi.prod.shards.json", `"maxTenants"`, `"maxTenant"`), ExitFailed, []string{
			"error: Pulumi.prod.shards.json: not a shard lock"}},
		{"a shard", "prod-eu-central-1-2", nil, ExitOK, []string{"ok: shard prod-eu-central-1-2 of fleet prod (environment prod), 2 tenants in region eu-central-1"}},
		{"a shard with a setting", "prod-eu-central-1-2", edit("Pulumi.prod-eu-central-1-2.yaml", "", "  tenancy:branch: hotfix\n"), ExitFailed, []string{
			"error: stack prod-eu-central-1-2: branch: a shard's stack file sets only tenancy:fleet, tenancy:shard and the secrets"}},
		{"a shard of a fleet whose lock lags", "prod-eu-central-1-2", edit("Pulumi.prod.yaml", "", "    - {id: newco, name: Newco, region: eu-central-1}\n"), ExitFailed, []string{
			`error: tenant "newco": shard: is in no shard of Pulumi.prod.shards.json; run: go run . fleet assign --env prod`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := shardsDir(t)
			if c.edit != nil {
				c.edit(t, dir)
			}
			var out bytes.Buffer
			code := Run([]string{"validate", "--stack", c.stack}, Env{Stdout: &out, Stderr: &out, Dir: dir, Width: unwrapped})
			if code != c.code {
				t.Errorf("exit %d, want %d", code, c.code)
			}
			for _, w := range c.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, out.String())
				}
			}
		})
	}
}
