package stackconfig

import (
	"strings"
	"testing"

	"github.com/amplify-tenancy/tenancy/tenant"
)

// TestTierDefaultsFillWhatTenantsLeaveOut: tenancy:tiers gives a tier's
// tenants their isolation and account unless they say otherwise.
func TestTierDefaultsFillWhatTenantsLeaveOut(t *testing.T) {
	fleet, err := Parse(mapSource(map[string]string{
		KeyRepository: "https://github.com/example/app",
		KeyTiers:      `{"starter": {"isolation": "schema"}, "enterprise": {"account": {"roleArn": "arn:aws:iam::210987654321:role/tenancy", "externalId": "ext-1"}}}`,
		KeyTenants: `[{"id":"free","name":"Free","region":"eu-west-1","tier":"starter"},
		              {"id":"own-level","name":"Own","region":"eu-west-1","tier":"starter","database":{"isolation":"cluster"}},
		              {"id":"big","name":"Big","region":"eu-west-1","tier":"enterprise"},
		              {"id":"mid","name":"Mid","region":"eu-west-1"}]`,
	}))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]struct {
		isolation tenant.Isolation
		account   string
	}{
		"free": {tenant.IsolationSchema, ""}, "own-level": {tenant.IsolationCluster, ""},
		"big": {tenant.IsolationCluster, "210987654321"}, "mid": {tenant.IsolationCluster, ""},
	}
	for _, tn := range fleet.Tenants {
		var account string
		if tn.Args.Account != nil {
			account = tn.Args.Account.AccountID()
		}
		if w := want[tn.ID]; tn.Args.Database.Isolation != w.isolation || account != w.account {
			t.Errorf("%s: isolation %s, account %q; want %s, %q", tn.ID, tn.Args.Database.Isolation, account, w.isolation, w.account)
		}
	}
}

// TestIsolationConfigRefusals: every bad isolation, tier, account or
// shared-cluster setting is one problem naming its key or tenant and field.
func TestIsolationConfigRefusals(t *testing.T) {
	one := `[{"id":"acme","name":"Acme","region":"eu-west-1","tier":"starter"}]`
	cases := []struct {
		name   string
		values map[string]string
		want   string
	}{
		{"unknown tier", map[string]string{KeyTiers: `{"gold": {"isolation": "schema"}}`}, `tiers.gold: is not a tier`},
		{"unknown level in a tier", map[string]string{KeyTiers: `{"starter": {"isolation": "row"}}`}, `tiers.starter.isolation: "row" is not one of schema, database, cluster`},
		{"bad account in a tier", map[string]string{KeyTiers: `{"starter": {"account": {"roleArn": "arn:aws:iam::1:user/x"}}}`}, `tiers.starter.account.roleArn: "arn:aws:iam::1:user/x" is not an IAM role ARN`},
		{"unknown key in a tier", map[string]string{KeyTiers: `{"starter": {"isolaton": "schema"}}`}, `tiers.starter.isolaton: unknown key; did you mean "isolation"?`},
		{"tiers not an object", map[string]string{KeyTiers: `["starter"]`}, `tiers: must map tiers to {isolation, account}`},
		{"database level on dynamodb", map[string]string{KeyTenants: `[{"id":"acme","name":"Acme","region":"eu-west-1","database":{"isolation":"database"}}]`},
			`tenant "acme": database.isolation: database is for aurora-postgresql`},
		{"a tenant's bad account", map[string]string{KeyTenants: `[{"id":"acme","name":"Acme","region":"eu-west-1","account":{"roleArn":"x"}}]`},
			`tenant "acme": account.roleArn: "x" is not an IAM role ARN`},
		{"one account, two roles", map[string]string{KeyTenants: `[{"id":"acme","name":"Acme","region":"eu-west-1","account":{"roleArn":"arn:aws:iam::210987654321:role/a"}},
			{"id":"globex","name":"Globex","region":"eu-west-1","account":{"roleArn":"arn:aws:iam::210987654321:role/b"}}]`},
			`tenant "globex": account.roleArn: account 210987654321 is already reached through another role or external ID by tenant "acme"`},
		{"one role, two external ids", map[string]string{KeyTenants: `[{"id":"acme","name":"Acme","region":"eu-west-1","account":{"roleArn":"arn:aws:iam::210987654321:role/a","externalId":"x1"}},
			{"id":"globex","name":"Globex","region":"eu-west-1","account":{"roleArn":"arn:aws:iam::210987654321:role/a"}}]`},
			`tenant "globex": account.externalId: account 210987654321 is already reached`},
		{"shared cluster too small", map[string]string{KeySharedCluster: `{"maxCapacity": 0.5}`}, `sharedCluster.maxCapacity: 0.5 is below Aurora's smallest maximum of 1 ACU`},
		{"shared cluster minor version", map[string]string{KeySharedCluster: `{"engineVersion": "16.4"}`}, `sharedCluster.engineVersion: "16.4" must be a major version`},
		{"shared cluster wrong type", map[string]string{KeySharedCluster: `{"instances": "two"}`}, `sharedCluster.instances: want a whole number, got string "two"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			values := map[string]string{KeyRepository: "https://github.com/example/app", KeyTenants: one}
			for k, v := range c.values {
				values[k] = v
			}
			_, err := Parse(mapSource(values))
			if err == nil || strings.Count(err.Error(), c.want) != 1 {
				t.Errorf("want exactly one %q, got %v", c.want, err)
			}
		})
	}
}
