package shard

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/amplify-tenancy/tenancy/internal/stackconfig"
	"github.com/amplify-tenancy/tenancy/tenant"
)

// TestCheckRefuses: every way a lock can fail its fleet is reported as a
// FieldError naming the tenant or the shard, and says what to run.
func TestCheckRefuses(t *testing.T) {
	fleet := fleetOf(t, base...)
	good := func() *Lock { return mustAssign(t, nil, fleet, 2) }
	edit := func(f func(l *Lock)) *Lock {
		l := good()
		f(l)
		return l
	}
	shardNamed := func(l *Lock, name string) *Shard {
		for i := range l.Shards {
			if l.Shards[i].Name == name {
				return &l.Shards[i]
			}
		}
		t.Fatalf("no shard %s", name)
		return nil
	}
	eu1, eu2, us1 := "prod-eu-central-1-1", "prod-eu-central-1-2", "prod-us-east-1-1"
	cases := []struct {
		name   string
		lock   *Lock
		fleet  []tenantSpec // nil: base
		tenant string       // the FieldError's tenant
		field  string       // its field
		want   string
	}{
		{"a tenant in no shard (added without assign)", good(), append(slices.Clone(base), "newco eu-central-1"),
			"newco", "shard", "is in no shard of Pulumi.prod.shards.json; run: go run . fleet assign --env prod"},
		{"a tenant the fleet no longer has", edit(func(l *Lock) { s := shardNamed(l, eu1); s.Tenants = append(s.Tenants, "gone") }), nil,
			"gone", "shard", "shard prod-eu-central-1-1 lists a tenant the fleet file no longer has; run: go run . fleet assign --env prod"},
		{"a renamed tenant under its old id", good(), []tenantSpec{"acme-corp eu-central-1 former=acme", "globex eu-central-1", "initech us-east-1", "umbrella eu-central-1", "hooli eu-central-1", "stark us-east-1", "wayne eu-central-1 account=" + otherAccount},
			"acme", "shard", `which tenant "acme-corp" has in formerIds; run: go run . fleet assign --env prod`},
		{"a tenant in two shards", edit(func(l *Lock) { s := shardNamed(l, eu2); s.Tenants = append(s.Tenants, "acme") }), nil,
			"acme", "shard", "is in shard prod-eu-central-1-1 and in shard prod-eu-central-1-2"},
		{"a tenant in another region's shard", edit(func(l *Lock) {
			s := shardNamed(l, eu1)
			s.Tenants = slices.DeleteFunc(s.Tenants, func(id string) bool { return id == "acme" })
			u := shardNamed(l, us1)
			u.Tenants = append(u.Tenants, "acme")
		}), nil, "acme", "shard", "is in shard prod-us-east-1-1 of region us-east-1, but the tenant is in region eu-central-1; run: go run . fleet assign --env prod"},
		{"a tenant moved region without assign", good(), []tenantSpec{"acme us-west-2", "globex eu-central-1", "initech us-east-1", "umbrella eu-central-1", "hooli eu-central-1", "stark us-east-1", "wayne eu-central-1 account=" + otherAccount},
			"acme", "shard", "but the tenant is in region us-west-2; run: go run . fleet assign --env prod"},
		{"a tenant moved account without assign", good(), []tenantSpec{"acme eu-central-1 account=" + otherAccount, "globex eu-central-1", "initech us-east-1", "umbrella eu-central-1", "hooli eu-central-1", "stark us-east-1", "wayne eu-central-1 account=" + otherAccount},
			"acme", "shard", "but the tenant is in account 210987654321 region eu-central-1"},
		{"a shard over the limit", edit(func(l *Lock) { l.MaxTenants = 1 }), nil,
			"", "Pulumi.prod.shards.json: shard prod-eu-central-1-1", "holds 2 tenants, more than maxTenants 1; run: go run . fleet assign --env prod"},
		{"no limit", edit(func(l *Lock) { l.MaxTenants = 0 }), nil,
			"", "Pulumi.prod.shards.json: maxTenants", "0: a shard must be allowed at least 1 tenant"},
		{"a shard named for another region", edit(func(l *Lock) { shardNamed(l, eu2).Name = "prod-eu-west-1-2" }), nil,
			"", "Pulumi.prod.shards.json: shard prod-eu-west-1-2", "is not named prod-eu-central-1-<n>"},
		{"a shard named without its account", edit(func(l *Lock) { shardNamed(l, "prod-eu-central-1-"+otherAccount+"-1").Name = "prod-eu-central-1-9" }), nil,
			"", "Pulumi.prod.shards.json: shard prod-eu-central-1-9", "is not named prod-eu-central-1-210987654321-<n>"},
		{"a shard named for another environment", edit(func(l *Lock) { shardNamed(l, us1).Name = "dev-us-east-1-1" }), nil,
			"", "Pulumi.prod.shards.json: shard dev-us-east-1-1", "is not named prod-us-east-1-<n>"},
		{"a shard number 0", edit(func(l *Lock) { shardNamed(l, us1).Name = "prod-us-east-1-0" }), nil,
			"", "Pulumi.prod.shards.json: shard prod-us-east-1-0", "is not named"},
		{"a shard listed twice", edit(func(l *Lock) {
			l.Shards = append(l.Shards, Shard{Name: eu1, Region: "eu-central-1", Tenants: []string{}})
		}), nil,
			"", "Pulumi.prod.shards.json: shard prod-eu-central-1-1", "is listed twice"},
		{"a region without Amplify", edit(func(l *Lock) {
			l.Shards = append(l.Shards, Shard{Name: "prod-mars-1-1", Region: "mars-1", Tenants: []string{}})
		}), nil,
			"", "Pulumi.prod.shards.json: shard prod-mars-1-1.region", `"mars-1" is not a region with Amplify Hosting`},
		{"an account that is not an ID", edit(func(l *Lock) {
			l.Shards = append(l.Shards, Shard{Name: "prod-eu-central-1-own-1", Region: "eu-central-1", Account: "own", Tenants: []string{}})
		}), nil, "", "Pulumi.prod.shards.json: shard prod-eu-central-1-own-1.account", "is not a 12-digit AWS account ID"},
		{"another environment's lock", edit(func(l *Lock) { l.Env = "dev" }), nil,
			"", "Pulumi.prod.shards.json: ", `is the lock of environment "dev", not "prod"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := fleet
			if c.fleet != nil {
				f = fleetOf(t, c.fleet...)
			}
			errs := Check(c.lock, "prod", f)
			var found bool
			for _, err := range errs {
				var fe *tenant.FieldError
				if !errors.As(err, &fe) {
					t.Errorf("not a FieldError: %v", err)
					continue
				}
				if fe.Tenant == c.tenant && fe.Field == c.field && strings.Contains(fe.Err.Error(), c.want) {
					found = true
				}
			}
			if !found {
				t.Errorf("want tenant %q field %q: %q; got %v", c.tenant, c.field, c.want, errs)
			}
		})
	}
	if errs := Check(good(), "prod", fleet); len(errs) > 0 {
		t.Errorf("a good lock: %v", errs)
	}
	if errs := Check(nil, "prod", fleet); len(errs) > 0 {
		t.Errorf("no lock (a single stack): %v", errs)
	}
	selected := parseFleet(t, fleetYAML([]string{"  tenancy:regions: [eu-central-1]"}, base...))
	if errs := Check(good(), "prod", selected); len(errs) != 1 || !strings.Contains(errs[0].Error(), "regions: is set") {
		t.Errorf("a fleet selecting regions: %v", errs)
	}
}

// TestLockFile pins the file format: sorted shards and tenants, two-space
// indent, a final newline; read back, it is the same lock.
func TestLockFile(t *testing.T) {
	dir := t.TempDir()
	l := &Lock{Env: "prod", MaxTenants: 2, Shards: []Shard{
		{Name: "prod-us-east-1-1", Region: "us-east-1", Tenants: []string{"stark", "initech"}},
		{Name: "prod-eu-central-1-10", Region: "eu-central-1", Tenants: nil},
		{Name: "prod-eu-central-1-2", Region: "eu-central-1", Tenants: []string{"umbrella", "hooli"}},
		{Name: "prod-eu-central-1-" + otherAccount + "-1", Region: "eu-central-1", Account: otherAccount, Tenants: []string{"wayne"}},
	}}
	if err := l.Write(dir); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "Pulumi.prod.shards.json"))
	if err != nil {
		t.Fatal(err)
	}
	want := `{
  "maxTenants": 2,
  "shards": [
    {
      "name": "prod-eu-central-1-2",
      "region": "eu-central-1",
      "account": "",
      "tenants": [
        "hooli",
        "umbrella"
      ]
    },
    {
      "name": "prod-eu-central-1-10",
      "region": "eu-central-1",
      "account": "",
      "tenants": []
    },
    {
      "name": "prod-eu-central-1-210987654321-1",
      "region": "eu-central-1",
      "account": "210987654321",
      "tenants": [
        "wayne"
      ]
    },
    {
      "name": "prod-us-east-1-1",
      "region": "us-east-1",
      "account": "",
      "tenants": [
        "initech",
        "stark"
      ]
    }
  ]
}
`
	if string(data) != want {
		t.Errorf("lock file:\n%s\nwant:\n%s", data, want)
	}
	back, err := Read(dir, "prod")
	if err != nil {
		t.Fatal(err)
	}
	if back.Env != "prod" || !sameBytes(t, back, l) {
		t.Errorf("read back %+v", back)
	}
	if s, ok := back.ShardOf("wayne"); !ok || s.Name != "prod-eu-central-1-210987654321-1" {
		t.Errorf("ShardOf(wayne) = %v, %v", s, ok)
	}
	if _, ok := back.ShardOf("nobody"); ok {
		t.Error("ShardOf(nobody) found a shard")
	}

	if l, err := Read(dir, "dev"); l != nil || err != nil {
		t.Errorf("no lock: got %v, %v; want nil, nil (a single stack)", l, err)
	}
	for name, text := range map[string]string{
		"misspelt field": `{"maxTenants": 2, "shard": []}`,
		"two values":     `{"maxTenants": 2, "shards": []} {}`,
		"not JSON":       `maxTenants: 2`,
	} {
		if err := os.WriteFile(filepath.Join(dir, "Pulumi.bad.shards.json"), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := Read(dir, "bad"); err == nil || !strings.Contains(err.Error(), "fleet assign --env bad") {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestCheckStackFile(t *testing.T) {
	const salt = "encryptionsalt: v1:abc:v1:def:ghi\n"
	good := salt + "config:\n  tenancy:fleet: prod\n  tenancy:shard: prod-eu-central-1-1\n  tenancy:accessToken:\n    secure: v1:AAAA\n"
	cases := []struct {
		name, stack, text, want string
	}{
		{"good", "prod-eu-central-1-1", good, ""},
		{"with basic auth", "prod-eu-central-1-1", good + "  tenancy:basicAuthPassword:\n    secure: v1:BBBB\n", ""},
		{"a setting", "prod-eu-central-1-1", good + "  tenancy:branch: main\n", "branch: a shard's stack file sets only tenancy:fleet, tenancy:shard and the secrets (accessToken, basicAuthPassword); settings and tenants belong in the fleet file Pulumi.prod.yaml"},
		{"tenants", "prod-eu-central-1-1", good + "  tenancy:tenants: []\n", "tenants: a shard's stack file sets only"},
		{"another namespace", "prod-eu-central-1-1", good + "  aws:region: eu-central-1\n", "aws:region: a shard's stack file sets only"},
		{"copied from another shard", "prod-eu-central-1-2", good, `shard: "prod-eu-central-1-1": must be the shard's own stack name, "prod-eu-central-1-2"`},
		{"no fleet", "prod-eu-central-1-1", salt + "config:\n  tenancy:fleet: \"\"\n  tenancy:shard: prod-eu-central-1-1\n", "fleet: is required"},
		{"a path as fleet", "prod-eu-central-1-1", salt + "config:\n  tenancy:fleet: ../prod\n  tenancy:shard: prod-eu-central-1-1\n", `fleet: "../prod" is not an environment's stack name`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, err := stackconfig.ParseFile(c.stack, []byte(c.text))
			if err != nil {
				t.Fatal(err)
			}
			if !IsStackFile(f) {
				t.Fatal("not seen as a shard's stack file")
			}
			env, err := CheckStackFile(f)
			switch {
			case c.want == "" && (err != nil || env != "prod"):
				t.Errorf("env %q, %v", env, err)
			case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
				t.Errorf("got %v, want %q", err, c.want)
			}
		})
	}
	f, err := stackconfig.ParseFile("prod", []byte(fleetYAML(nil, base...)))
	if err != nil {
		t.Fatal(err)
	}
	if IsStackFile(f) {
		t.Error("a fleet file seen as a shard's")
	}
}
