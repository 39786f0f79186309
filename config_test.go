package main

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/amplify-tenancy/tenancy/tenant"
)

// tenantNamed returns the tenant entry with the given id.
func tenantNamed(tenants []map[string]any, id string) map[string]any {
	for _, t := range tenants {
		if t["id"] == id {
			return t
		}
	}
	panic("no tenant " + id)
}

func TestBadConfigFailsNamingTenantAndFieldAndRegistersNothing(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(tenants []map[string]any, config map[string]string) []map[string]any
		wants []string
	}{
		{"duplicate id", func(ts []map[string]any, _ map[string]string) []map[string]any {
			tenantNamed(ts, "hooli")["id"] = "acme"
			return ts
		}, []string{`tenant "acme": id: "acme" is already used by tenant "acme"`}},
		{"misspelt key", func(ts []map[string]any, _ map[string]string) []map[string]any {
			g := tenantNamed(ts, "globex")
			g["regoin"] = g["region"]
			return ts
		}, []string{`tenant "globex": regoin: unknown key; did you mean "region"?`}},
		{"misspelt nested key", func(ts []map[string]any, _ map[string]string) []map[string]any {
			tenantNamed(ts, "acme")["database"].(map[string]any)["maxCapacty"] = 8
			return ts
		}, []string{`tenant "acme": database.maxCapacty: unknown key; did you mean "maxCapacity"?`}},
		{"unknown key", func(ts []map[string]any, _ map[string]string) []map[string]any {
			tenantNamed(ts, "initech")["owner"] = "bob"
			return ts
		}, []string{`tenant "initech": owner: unknown key; known keys are`}},
		{"unsupported region", func(ts []map[string]any, _ map[string]string) []map[string]any {
			tenantNamed(ts, "initech")["region"] = "ap-southeast-5"
			return ts
		}, []string{`tenant "initech": region: "ap-southeast-5" does not offer Amplify Hosting`}},
		{"missing region", func(ts []map[string]any, _ map[string]string) []map[string]any {
			delete(tenantNamed(ts, "initech"), "region")
			return ts
		}, []string{`tenant "initech": region: is required`}},
		{"wrong type", func(ts []map[string]any, _ map[string]string) []map[string]any {
			tenantNamed(ts, "acme")["database"].(map[string]any)["minCapacity"] = "lots"
			return ts
		}, []string{`tenant "acme": database.minCapacity: want a number, got string`}},
		{"capacity above limit", func(ts []map[string]any, _ map[string]string) []map[string]any {
			tenantNamed(ts, "acme")["database"].(map[string]any)["maxCapacity"] = 300
			return ts
		}, []string{`tenant "acme": database.maxCapacity: 300 is above Aurora's limit of 256 ACUs`}},
		{"min above max", func(ts []map[string]any, _ map[string]string) []map[string]any {
			db := tenantNamed(ts, "umbrella")["database"].(map[string]any)
			db["minCapacity"], db["maxCapacity"] = 16, 8
			return ts
		}, []string{`tenant "umbrella": database.minCapacity: 16 is above maxCapacity 8`}},
		{"capacity on dynamodb", func(ts []map[string]any, _ map[string]string) []map[string]any {
			tenantNamed(ts, "globex")["database"] = map[string]any{"maxCapacity": 8}
			return ts
		}, []string{`tenant "globex": database.engine: dynamodb is on-demand`}},
		{"unknown engine", func(ts []map[string]any, _ map[string]string) []map[string]any {
			tenantNamed(ts, "globex")["database"] = map[string]any{"engine": "mysql"}
			return ts
		}, []string{`tenant "globex": database.engine: "mysql" is not one of dynamodb, aurora-postgresql`}},
		{"secret-looking variable", func(ts []map[string]any, _ map[string]string) []map[string]any {
			tenantNamed(ts, "acme")["environment"] = map[string]any{"STRIPE_API_KEY": "sk_live"}
			return ts
		}, []string{`tenant "acme": environment.STRIPE_API_KEY: looks like a secret`}},
		{"password variable", func(ts []map[string]any, _ map[string]string) []map[string]any {
			tenantNamed(ts, "globex")["environment"] = map[string]any{"DB_PASSWORD": "x"}
			return ts
		}, []string{`tenant "globex": environment.DB_PASSWORD: looks like a secret`}},
		{"invalid domain", func(ts []map[string]any, _ map[string]string) []map[string]any {
			tenantNamed(ts, "hooli")["domain"] = "Shop_Hooli"
			return ts
		}, []string{`tenant "hooli": domain: "Shop_Hooli" is not a valid lower-case domain name`}},
		{"invalid id", func(ts []map[string]any, _ map[string]string) []map[string]any {
			tenantNamed(ts, "hooli")["id"] = "Hooli Inc"
			return ts
		}, []string{`tenant "Hooli Inc": id: "Hooli Inc" must match`}},
		{"tenant without id", func(ts []map[string]any, _ map[string]string) []map[string]any {
			delete(tenantNamed(ts, "hooli"), "id")
			return ts
		}, []string{`tenant "tenants[4]": id: "" must match`}},
		{"tenant not an object", func(ts []map[string]any, _ map[string]string) []map[string]any {
			return append([]map[string]any{nil}, ts...)
		}, []string{`tenants[0]: must be an object`}},
		{"missing access token", func(ts []map[string]any, c map[string]string) []map[string]any {
			delete(c, "tenancy:accessToken")
			return ts
		}, []string{`accessToken: is required (set it with: pulumi config set --secret accessToken`}},
		{"protect not a bool", func(ts []map[string]any, c map[string]string) []map[string]any {
			c["tenancy:protect"] = "sometimes"
			return ts
		}, []string{`protect: "sometimes" is not true or false`}},
		{"id with --", func(ts []map[string]any, _ map[string]string) []map[string]any {
			tenantNamed(ts, "hooli")["id"] = "hooli--eu"
			return ts
		}, []string{`tenant "hooli--eu": id: "hooli--eu" must match`}},
		{"minor engine version", func(ts []map[string]any, _ map[string]string) []map[string]any {
			tenantNamed(ts, "acme")["database"].(map[string]any)["engineVersion"] = "16.6"
			return ts
		}, []string{`tenant "acme": database.engineVersion: "16.6" must be a major version`}},
		{"network in an unknown region", func(ts []map[string]any, c map[string]string) []map[string]any {
			c["tenancy:network"] = `{"moon-1": {"subnetGroup": "db", "securityGroupIds": ["sg-0123456789abcdef0"]}}`
			return ts
		}, []string{`network.moon-1: "moon-1" does not offer Amplify Hosting`}},
		{"network without security group", func(ts []map[string]any, c map[string]string) []map[string]any {
			c["tenancy:network"] = `{"us-east-1": {"subnetGroup": "default"}}`
			return ts
		}, []string{`network.us-east-1.subnetGroup: aws:rds/subnetGroup:SubnetGroup name: "default" is reserved`,
			`network.us-east-1.securityGroupIds: is required`}},
		{"network with a misspelt key", func(ts []map[string]any, c map[string]string) []map[string]any {
			c["tenancy:network"] = `{"us-east-1": {"subnetGroup": "db", "securityGroups": ["sg-01234567"]}}`
			return ts
		}, []string{`network.us-east-1.securityGroups: unknown key; did you mean "securityGroupIds"?`}},
		{"network with a bad security group", func(ts []map[string]any, c map[string]string) []map[string]any {
			c["tenancy:network"] = `{"us-east-1": {"subnetGroup": "db", "securityGroupIds": ["default"]}}`
			return ts
		}, []string{`network.us-east-1.securityGroupIds[0]: "default" is not a security group ID`}},
		{"every problem at once", func(ts []map[string]any, _ map[string]string) []map[string]any {
			tenantNamed(ts, "acme")["region"] = "moon-1"
			tenantNamed(ts, "hooli")["tier"] = "platinum"
			return ts
		}, []string{`tenant "acme": region: "moon-1"`, `tenant "hooli": tier: "platinum" is not one of`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			config, secrets := stackConfig(t, "dev")
			editTenants(t, config, func(ts []map[string]any) []map[string]any { return c.edit(ts, config) })
			cloud, _, err := run(t, "dev", config, secrets, nil)
			if err == nil {
				t.Fatal("want an error, got none")
			}
			for _, want := range c.wants {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error does not contain %q:\n%v", want, err)
				}
			}
			if n := len(cloud.Resources()); n != 0 {
				t.Errorf("registered %d resources before failing, want 0", n)
			}
		})
	}
}

// TestReadmeTenantDefaultsAreTheAppliedOnes keeps README's tenant table
// true: each default it documents is the one TenantStackArgs.WithDefaults
// applies.
func TestReadmeTenantDefaultsAreTheAppliedOnes(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	a := tenant.TenantStackArgs{}.WithDefaults()
	db := tenant.TenantStackArgs{Database: tenant.DatabaseArgs{Engine: tenant.EngineAuroraPostgreSQL}}.WithDefaults().Database
	applied := map[string]string{
		"tier": string(a.Tier), "status": string(a.Status), "platform": string(a.Platform),
		"database.engine":        string(a.Database.Engine),
		"database.minCapacity":   fmt.Sprint(*db.MinCapacity),
		"database.maxCapacity":   fmt.Sprint(*db.MaxCapacity),
		"database.instanceClass": db.InstanceClass,
		"database.instances":     fmt.Sprint(*db.Instances),
		"database.engineVersion": db.EngineVersion,
	}
	for key, want := range applied {
		i := strings.Index(string(readme), fmt.Sprintf("| `%s` | ", key))
		if i < 0 {
			t.Errorf("README's tenant table has no row for %s", key)
			continue
		}
		cells := strings.Split(strings.SplitN(string(readme[i:]), "\n", 2)[0], " | ")
		if len(cells) < 3 || cells[2] != "`"+want+"`" {
			t.Errorf("README: %s default %q, applied `%s`", key, cells[2:3], want)
		}
	}
}
