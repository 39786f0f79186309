package main

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/amplify-tenancy/tenancy/internal/deploy"
	"github.com/amplify-tenancy/tenancy/internal/mockcloud"
	"github.com/amplify-tenancy/tenancy/internal/shard"
	"github.com/amplify-tenancy/tenancy/internal/stackconfig"
	"github.com/amplify-tenancy/tenancy/tenant"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// sharedHandedOver is the "shared" output a home shard's run hands its
// place's other shards, read back from what the mocks recorded of its
// network and shared resources (the mock monitor keeps no stack outputs).
func sharedHandedOver(cloud *mockcloud.Cloud, account *tenant.AccountArgs, region string) map[string]any {
	prefix := tenant.SharedPrefix(account, region)
	net := strings.TrimSuffix(prefix, "-shared")
	out := map[string]any{}
	for _, r := range cloud.Resources() {
		o := r.Outputs.Mappable()
		switch r.Name {
		case prefix + "-key":
			out["keyArn"] = o["arn"]
		case prefix + "-db":
			out["clusterArn"], out["clusterEndpoint"], out["cluster"] = o["arn"], o["endpoint"], true
		case prefix + "-db-secret":
			out["clusterSecretArn"] = o["arn"]
		case prefix + "-table":
			out["tableName"], out["tableArn"], out["table"] = o["name"], o["arn"], true
		case prefix + "-provisioner":
			if r.Type == "aws:lambda/function:Function" {
				out["provisionerName"], out["provisioner"] = o["name"], true
			}
		case net + "-db-subnets":
			out["subnetGroupName"] = o["name"]
		case net + "-db-sg":
			out["securityGroupIds"] = []any{r.URN[strings.LastIndex(r.URN, ":")+1:] + "_id"}
		}
	}
	return map[string]any{deploy.SharedOutputName: map[string]any{tenant.ProviderName(account, region): out}}
}

// parsedFleetIn parses the fleet file of env in dir.
func parsedFleetIn(t testing.TB, dir, env string) *stackconfig.Fleet {
	t.Helper()
	f, err := stackconfig.ReadFile(filepath.Join(dir, shard.StackFileName(env)))
	if err != nil {
		t.Fatal(err)
	}
	fleet, err := stackconfig.Parse(f.Source())
	if err != nil {
		t.Fatal(err)
	}
	return fleet
}

// shardConfig is the config the engine hands a shard's program: its stack
// file read, with sentinel secrets.
func shardConfig(t testing.TB, dir, name string) (map[string]string, []string) {
	t.Helper()
	return stackFileConfig(t, filepath.Join(dir, shard.StackFileName(name)))
}

// shardedCopy copies a fleet file into a temporary directory as
// Pulumi.<env>.yaml, assigns its tenants to shards of at most max, and
// writes the lock and each shard's stack file (stand-in salt and secrets).
func shardedCopy(t testing.TB, fleetFile, env string, max int) (string, *shard.Lock) {
	t.Helper()
	dir := t.TempDir()
	data, err := os.ReadFile(fleetFile)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, shard.StackFileName(env)), data, 0o644); err != nil {
		t.Fatal(err)
	}
	lock, err := shard.Assign(nil, env, parsedFleetIn(t, dir, env), max)
	if err != nil {
		t.Fatal(err)
	}
	if err := lock.Write(dir); err != nil {
		t.Fatal(err)
	}
	for _, s := range lock.Shards {
		writeShardFile(t, dir, env, s.Name, "")
	}
	return dir, lock
}

// writeShardFile writes a shard's stack file with stand-in salt and
// secrets, and extra lines in its config.
func writeShardFile(t testing.TB, dir, env, name, extra string) {
	t.Helper()
	text := "encryptionsalt: v1:c3RhbmQtaW4=\nconfig:\n  tenancy:fleet: " + env + "\n  tenancy:shard: " + name +
		"\n  tenancy:accessToken:\n    secure: v1:c3RhbmQtaW4=\n  tenancy:basicAuthPassword:\n    secure: v1:c3RhbmQtaW4=\n" + extra
	if err := os.WriteFile(filepath.Join(dir, shard.StackFileName(name)), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// anyStack is a URN with its stack replaced, so URNs of different stacks
// compare.
func anyStack(urn string) string {
	u := resource.URN(urn)
	return "urn:pulumi:*::" + string(u.Project()) + "::" + string(u.QualifiedType()) + "::" + u.Name()
}

// TestShardsDeployTheFleet runs the program in every shard of a sharded
// fleet (testdata/shards, and the committed stacks cut into shards of two)
// and checks that each deploys exactly the tenants the lock gives it, and
// that together they deploy what the fleet file deploys as a single stack:
// the same URNs but for the stack, every tenant's resources in exactly
// one shard, the same "tenants" output.
func TestShardsDeployTheFleet(t *testing.T) {
	type fleetCase struct {
		name, dir, env string
		lock           *shard.Lock
	}
	committed, err := shard.Read("testdata/shards", "prod")
	if err != nil || committed == nil {
		t.Fatalf("testdata/shards: %v %v", committed, err)
	}
	cases := []fleetCase{{"testdata/shards", "testdata/shards", "prod", committed}}
	for _, env := range stackFiles {
		dir, lock := shardedCopy(t, stackPath(env), env, 2)
		cases = append(cases, fleetCase{"committed " + env + " in shards of 2", dir, env, lock})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			config, secrets := stackFileConfig(t, filepath.Join(c.dir, shard.StackFileName(c.env)))
			single, singleOut, err := run(t, c.env, config, secrets, nil)
			if err != nil {
				t.Fatalf("single stack: %v", err)
			}
			want := map[string]bool{}
			for _, r := range single.Resources() {
				if r.Type != "pulumi:pulumi:StackReference" {
					want[anyStack(r.URN)] = true
				}
			}
			got := map[string]bool{}
			tenantIn := map[string][]string{} // tenant -> shards registering it or its resources
			outputs := map[string]any{}
			// Each place's home shard (its first) runs first and hands its
			// shared resources to the others, as fleet up does.
			refs := map[string]map[string]any{}
			for _, s := range c.lock.Shards {
				config, secrets := shardConfig(t, c.dir, s.Name)
				cloud, out, err := runIn(t, c.dir, s.Name, config, secrets, nil, refs)
				if err != nil {
					t.Fatalf("shard %s: %v", s.Name, err)
				}
				if home, _ := c.lock.Home(s.Region, s.Account); home.Name == s.Name {
					var account *tenant.AccountArgs
					for _, tn := range parsedFleetIn(t, c.dir, c.env).Tenants {
						if tn.Args.Account != nil && tn.Args.Region == s.Region && tn.Args.Account.AccountID() == s.Account {
							account = tn.Args.Account
						}
					}
					refs["tenancy/"+s.Name] = sharedHandedOver(cloud, account, s.Region)
				}
				var components []string
				for _, r := range cloud.Resources() {
					if !strings.HasPrefix(r.URN, "urn:pulumi:"+s.Name+"::tenancy::") {
						t.Errorf("shard %s registered %s", s.Name, r.URN)
					}
					if r.Type == "pulumi:pulumi:StackReference" {
						continue
					}
					got[anyStack(r.URN)] = true
					if id := tenantOf(r); id != "" && r.Type == tenant.TypeToken {
						components = append(components, id)
						tenantIn[id] = append(tenantIn[id], s.Name)
					}
					if p := resource.URN(r.Provider); p.IsValid() && p.Name() != tenant.ProviderName(nil, s.Region) &&
						(s.Account == "" || !strings.HasSuffix(p.Name(), s.Account)) {
						t.Errorf("shard %s of %s %s: %s uses provider %s", s.Name, s.Region, s.Account, r.URN, p.Name())
					}
				}
				slices.Sort(components)
				if !slices.Equal(components, s.Tenants) {
					t.Errorf("shard %s deployed tenants %v, the lock gives it %v", s.Name, components, s.Tenants)
				}
				if keys := slices.Sorted(maps.Keys(out)); !slices.Equal(keys, s.Tenants) {
					t.Errorf("shard %s: tenants output %v, want %v", s.Name, keys, s.Tenants)
				}
				for id, v := range out {
					outputs[id] = v
				}
			}
			for urn := range want {
				if !got[urn] {
					t.Errorf("the single stack registers %s, no shard does", urn)
				}
			}
			for urn := range got {
				if !want[urn] {
					t.Errorf("a shard registers %s, the single stack does not", urn)
				}
			}
			for id, shards := range tenantIn {
				if len(shards) != 1 {
					t.Errorf("tenant %s deployed by %v", id, shards)
				}
			}
			if len(tenantIn) != len(singleOut) || len(tenantIn) == 0 {
				t.Errorf("shards deploy %d tenants, the single stack %d", len(tenantIn), len(singleOut))
			}
			a, _ := json.Marshal(outputs)
			b, _ := json.Marshal(singleOut)
			if !reflect.DeepEqual(outputs, singleOut) {
				t.Errorf("the shards' tenants outputs differ from the single stack's:\n%s\n%s", a, b)
			}
		})
	}
}

// TestShardRefuses: a shard refuses to deploy anything unless its stack
// file, the fleet file and the lock agree, and a fleet with a lock refuses
// to run as a single stack.
func TestShardRefuses(t *testing.T) {
	const name = "prod-eu-central-1-1"
	cases := []struct {
		name  string
		edit  func(t *testing.T, dir string)
		stack string
		want  string
	}{
		{"a tenant added without fleet assign", func(t *testing.T, dir string) {
			appendFile(t, filepath.Join(dir, "Pulumi.prod.yaml"), "    - {id: newco, name: Newco, region: eu-central-1}\n")
		}, name, `tenant "newco": shard: is in no shard of Pulumi.prod.shards.json; run: go run . fleet assign --env prod`},
		{"a setting in the shard's stack file", func(t *testing.T, dir string) {
			writeShardFile(t, dir, "prod", name, "  tenancy:branch: hotfix\n")
		}, name, "branch: a shard's stack file sets only tenancy:fleet, tenancy:shard and the secrets"},
		{"a stack file copied from another shard", func(t *testing.T, dir string) {
			writeShardFile(t, dir, "prod", "prod-eu-central-1-2", "")
			data, _ := os.ReadFile(filepath.Join(dir, "Pulumi.prod-eu-central-1-2.yaml"))
			os.WriteFile(filepath.Join(dir, "Pulumi."+name+".yaml"), data, 0o644)
		}, name, `must be the shard's own stack name, "prod-eu-central-1-1"`},
		{"a shard the lock lacks", func(t *testing.T, dir string) {
			writeShardFile(t, dir, "prod", "prod-eu-central-1-3", "")
		}, "prod-eu-central-1-3", "Pulumi.prod.shards.json has no shard prod-eu-central-1-3"},
		{"no lock", func(t *testing.T, dir string) {
			os.Remove(filepath.Join(dir, "Pulumi.prod.shards.json"))
		}, name, "fleet prod has no Pulumi.prod.shards.json"},
		{"no stack file", func(t *testing.T, dir string) {
			os.Remove(filepath.Join(dir, "Pulumi."+name+".yaml"))
		}, name, "its stack file"},
		{"a fleet file that sets tenancy:fleet", func(t *testing.T, dir string) {
			appendFile(t, filepath.Join(dir, "Pulumi.prod.yaml"), "  tenancy:fleet: prod\n")
		}, name, "fleet: is set only in a shard's stack file"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := copyDir(t, "testdata/shards")
			config, secrets := shardConfig(t, dir, name)
			config["tenancy:shard"] = c.stack
			c.edit(t, dir)
			cloud, _, err := runIn(t, dir, c.stack, config, secrets, nil)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want %q", err, c.want)
			}
			for _, r := range cloud.Resources() {
				if r.Type != "pulumi:pulumi:StackReference" {
					t.Errorf("registered %s before refusing", r.URN)
				}
			}
		})
	}
	t.Run("the fleet run as a single stack", func(t *testing.T) {
		config, secrets := stackFileConfig(t, "testdata/shards/Pulumi.prod.yaml")
		_, _, err := runIn(t, "testdata/shards", "prod", config, secrets, nil)
		if err == nil || !strings.Contains(err.Error(), "Pulumi.prod.shards.json exists, so the fleet of prod is deployed by its shards") {
			t.Fatalf("got %v", err)
		}
	})
}

// TestShardGuard: a tenant a shard's last deployment holds and the lock
// now gives another shard leaves only as a confirmed move of region or
// account; moved within its region (a hand edit of the lock) it is
// refused, since deploying would delete it here.
func TestShardGuard(t *testing.T) {
	const name = "prod-eu-central-1-1"
	deployed := func(t *testing.T, dir string) map[string]any {
		config, secrets := shardConfig(t, dir, name)
		_, out, err := runIn(t, dir, name, config, secrets, nil)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	cases := []struct {
		name string
		edit func(t *testing.T, dir string) // the edit, then fleet assign
		want string                         // "" deploys
	}{
		{"a region move without confirmMove", func(t *testing.T, dir string) {
			replaceInFile(t, filepath.Join(dir, "Pulumi.prod.yaml"), "      name: Globex\n      region: eu-central-1\n", "      name: Globex\n      region: eu-west-1\n")
			assignIn(t, dir)
		}, `tenant "globex": region: changing "eu-central-1" to "eu-west-1" would create a new, empty database`},
		{"a confirmed region move", func(t *testing.T, dir string) {
			replaceInFile(t, filepath.Join(dir, "Pulumi.prod.yaml"), "      name: Globex\n      region: eu-central-1\n", "      name: Globex\n      region: eu-west-1\n      confirmMove: eu-central-1\n")
			assignIn(t, dir)
		}, ""},
		{"moved to another shard of its region by hand", func(t *testing.T, dir string) {
			l, err := shard.Read(dir, "prod")
			if err != nil {
				t.Fatal(err)
			}
			l.MaxTenants = 3
			for i := range l.Shards {
				switch l.Shards[i].Name {
				case name:
					l.Shards[i].Tenants = []string{"umbrella"}
				case "prod-eu-central-1-2":
					l.Shards[i].Tenants = []string{"globex", "stark", "wayne"}
				}
			}
			if err := l.Write(dir); err != nil {
				t.Fatal(err)
			}
		}, `tenant "globex": shard: Pulumi.prod.shards.json gives the tenant to shard prod-eu-central-1-2, but this shard, prod-eu-central-1-1, holds its resources`},
		{"removed from the fleet while active", func(t *testing.T, dir string) {
			replaceInFile(t, filepath.Join(dir, "Pulumi.prod.yaml"), "    - id: globex\n      name: Globex\n      region: eu-central-1\n      domain: shop.globex.example.com\n", "")
			assignIn(t, dir)
		}, `tenant "globex": id: the tenant is no longer deployed by this stack while it was active`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := copyDir(t, "testdata/shards")
			previous := deployed(t, dir)
			c.edit(t, dir)
			config, secrets := shardConfig(t, dir, name)
			cloud, out, err := runIn(t, dir, name, config, secrets, previous)
			switch {
			case c.want == "" && err != nil:
				t.Fatal(err)
			case c.want == "":
				if _, ok := out["globex"]; ok {
					t.Errorf("the shard still deploys globex after its confirmed move: %v", slices.Sorted(maps.Keys(out)))
				}
			case err == nil || !strings.Contains(err.Error(), c.want):
				t.Fatalf("got %v, want %q", err, c.want)
			default:
				for _, r := range cloud.Resources() {
					if r.Type != "pulumi:pulumi:StackReference" {
						t.Fatalf("registered %s before refusing", r.URN)
					}
				}
			}
		})
	}
}

// assignIn runs fleet assign in dir: Assign over the lock there, written
// back, with a stack file for each new shard.
func assignIn(t *testing.T, dir string) {
	t.Helper()
	f, err := stackconfig.ReadFile(filepath.Join(dir, "Pulumi.prod.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	fleet, err := stackconfig.Parse(f.Source())
	if err != nil {
		t.Fatal(err)
	}
	prev, err := shard.Read(dir, "prod")
	if err != nil {
		t.Fatal(err)
	}
	l, err := shard.Assign(prev, "prod", fleet, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Write(dir); err != nil {
		t.Fatal(err)
	}
	for _, s := range l.Shards {
		if _, ok := prev.Shard(s.Name); !ok {
			writeShardFile(t, dir, "prod", s.Name, "")
		}
	}
}

func copyDir(t *testing.T, src string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	return dir
}

func appendFile(t *testing.T, path, text string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, append(data, text...), 0o644); err != nil {
		t.Fatal(err)
	}
}

func replaceInFile(t *testing.T, path, old, new string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), old) {
		t.Fatalf("%s has no %q", path, old)
	}
	if err := os.WriteFile(path, []byte(strings.Replace(string(data), old, new, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
}
