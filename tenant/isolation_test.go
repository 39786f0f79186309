package tenant

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/amplify-tenancy/tenancy/internal/mockcloud"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// named returns the resource of type typ named name, or fails.
func named(t *testing.T, cloud *mockcloud.Cloud, typ, name string) mockcloud.Resource {
	t.Helper()
	for _, r := range cloud.Resources() {
		if r.Type == typ && r.Name == name {
			return r
		}
	}
	t.Fatalf("no %s named %s", typ, name)
	return mockcloud.Resource{}
}

// has reports whether a resource of type typ is named name.
func has(cloud *mockcloud.Cloud, typ, name string) bool {
	for _, r := range cloud.Resources() {
		if r.Type == typ && r.Name == name {
			return true
		}
	}
	return false
}

// input is a string input of r, secret or not, and whether it was secret.
func input(t *testing.T, r mockcloud.Resource, key string) (string, bool) {
	t.Helper()
	v, ok := r.Inputs[resource.PropertyKey(key)]
	if !ok {
		t.Fatalf("%s has no input %s", r.Name, key)
	}
	secret := v.IsSecret()
	if secret {
		v = v.SecretValue().Element
	}
	if !v.IsString() {
		t.Fatalf("%s.%s is %v, not a string", r.Name, key, v)
	}
	return v.StringValue(), secret
}

// appVariables are the Amplify app's environment variables.
func appVariables(t *testing.T, cloud *mockcloud.Cloud, id string) map[string]string {
	t.Helper()
	vars := named(t, cloud, "aws:amplify/app:App", id+"-app").Inputs["environmentVariables"].ObjectValue()
	out := map[string]string{}
	for k, v := range vars {
		out[string(k)] = v.StringValue()
	}
	return out
}

// computeStatements are the statements of the tenant's compute role policy.
func computeStatements(t *testing.T, cloud *mockcloud.Cloud, id string) []policyStatement {
	t.Helper()
	doc, _ := input(t, named(t, cloud, "aws:iam/rolePolicy:RolePolicy", id+"-compute-data"), "policy")
	var p struct{ Statement []policyStatement }
	if err := json.Unmarshal([]byte(doc), &p); err != nil {
		t.Fatal(err)
	}
	return p.Statement
}

func TestEveryLevelPutsTheDataWhereTheContractSays(t *testing.T) {
	aurora := func(level Isolation) func(a *TenantStackArgs) {
		return func(a *TenantStackArgs) { a.Database = DatabaseArgs{Engine: EngineAuroraPostgreSQL, Isolation: level} }
	}
	cases := []struct {
		name      string
		edit      func(a *TenantStackArgs)
		ownDB     string // type of the tenant's own database, "" for none
		role      bool   // an application role is provisioned
		database  string // TENANCY_DATABASE_NAME
		schema    string // TENANCY_DATABASE_SCHEMA
		keyPrefix string // TENANCY_KEY_PREFIX
	}{
		{"dynamodb cluster", func(a *TenantStackArgs) {}, "aws:dynamodb/table:Table", false, "", "", ""},
		{"dynamodb schema", func(a *TenantStackArgs) { a.Database.Isolation = IsolationSchema }, "", false, "", "", "acme#"},
		{"aurora cluster", aurora(IsolationCluster), "aws:rds/cluster:Cluster", true, "app", "", ""},
		{"aurora database", aurora(IsolationDatabase), "", true, "tenant-acme", "", ""},
		{"aurora schema", aurora(IsolationSchema), "", true, "tenants", "tenant-acme", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := validArgs()
			c.edit(&a)
			cloud, err := runTenant(t, "acme", &a, "")
			if err != nil {
				t.Fatal(err)
			}
			for _, typ := range []string{"aws:dynamodb/table:Table", "aws:rds/cluster:Cluster"} {
				if got := has(cloud, typ, "acme-db"); got != (typ == c.ownDB) {
					t.Errorf("tenant has its own %s: %v, want %v", typ, got, typ == c.ownDB)
				}
			}
			vars := appVariables(t, cloud, "acme")
			level := string(a.WithDefaults().Database.Isolation)
			want := map[string]string{VariableIsolation: level, VariableDatabaseName: c.database, VariableSchema: c.schema, VariableKeyPrefix: c.keyPrefix}
			for k, v := range want {
				if vars[k] != v {
					t.Errorf("%s = %q, want %q", k, vars[k], v)
				}
			}
			var cfg tenantConfig
			if err := json.Unmarshal([]byte(vars[TenantConfigVariable]), &cfg); err != nil {
				t.Fatal(err)
			}
			if string(cfg.Database.Isolation) != level || cfg.Database.Schema != c.schema || cfg.Database.KeyPrefix != c.keyPrefix {
				t.Errorf("tenantConfig.database = %+v, want isolation %s, schema %q, key prefix %q", cfg.Database, level, c.schema, c.keyPrefix)
			}
			if got := has(cloud, "aws:lambda/invocation:Invocation", "acme-db-app-role"); got != c.role {
				t.Fatalf("application role provisioned: %v, want %v", got, c.role)
			}
			if c.role {
				checkAppRole(t, cloud, vars, level, c.database)
			}
		})
	}
}

// checkAppRole checks the application role of an Aurora tenant: the
// provisioner's input (a secret) names the level, database and role; the
// app's secret is the role's, under the tenant's key; the compute role may
// read that secret and no master secret.
func checkAppRole(t *testing.T, cloud *mockcloud.Cloud, vars map[string]string, level, database string) {
	t.Helper()
	inv := named(t, cloud, "aws:lambda/invocation:Invocation", "acme-db-app-role")
	raw, secret := input(t, inv, "input")
	if !secret {
		t.Error("the provisioner's input, which holds the password, is not secret")
	}
	var in map[string]string
	if err := json.Unmarshal([]byte(raw), &in); err != nil {
		t.Fatal(err)
	}
	if in["isolation"] != level || in["database"] != database || in["role"] != "tenant-acme-app" || in["password"] == "" {
		t.Errorf("provisioner input %v, want isolation %s, database %s, role tenant-acme-app and a password", in, level, database)
	}
	if scope, _ := input(t, inv, "lifecycleScope"); scope != "CRUD" {
		t.Errorf("lifecycleScope %q, want CRUD: an offboarding must reach the provisioner", scope)
	}
	appSecret := named(t, cloud, "aws:secretsmanager/secret:Secret", "acme-db-app-secret")
	if key, _ := input(t, appSecret, "kmsKeyId"); !strings.Contains(key, "key/") {
		t.Errorf("application secret's key %q is not a KMS key", key)
	}
	if !strings.Contains(vars[VariableSecretArn], "acme-db-app-secret") {
		t.Errorf("%s = %q, want the application role's secret", VariableSecretArn, vars[VariableSecretArn])
	}
	for _, s := range computeStatements(t, cloud, "acme") {
		if slices.Contains(s.Action, "secretsmanager:GetSecretValue") && !slices.Equal(s.Resource, []string{vars[VariableSecretArn]}) {
			t.Errorf("compute role reads secrets %v, want only %s", s.Resource, vars[VariableSecretArn])
		}
	}
}

// TestSchemaLevelDynamoDBTouchesOnlyItsKeys: the compute role of a
// schema-level DynamoDB tenant may use the shared table only for items
// whose partition key starts with "acme#" (so not acme-eu's), and never
// Scan, which dynamodb:LeadingKeys does not limit.
func TestSchemaLevelDynamoDBTouchesOnlyItsKeys(t *testing.T) {
	a := validArgs()
	a.Database.Isolation = IsolationSchema
	cloud, err := runTenant(t, "acme", &a, "")
	if err != nil {
		t.Fatal(err)
	}
	table := named(t, cloud, "aws:dynamodb/table:Table", "eu-west-1-shared-table")
	var items *policyStatement
	for _, s := range computeStatements(t, cloud, "acme") {
		if slices.Contains(s.Action, "dynamodb:Scan") {
			t.Errorf("the compute role may Scan the shared table: %+v", s)
		}
		if slices.Contains(s.Action, "dynamodb:GetItem") {
			items = &s
		}
	}
	if items == nil {
		t.Fatal("no statement grants item access")
	}
	cond, _ := json.Marshal(items.Condition)
	if string(cond) != `{"ForAllValues:StringLike":{"dynamodb:LeadingKeys":["acme#*"]}}` {
		t.Errorf("condition %s, want dynamodb:LeadingKeys acme#*", cond)
	}
	if len(items.Resource) != 1 || !strings.Contains(items.Resource[0], "eu-west-1-shared-table") {
		t.Errorf("item access on %v, want the shared table %s only", items.Resource, table.Name)
	}
}

// TestOffboardedPooledTenantKeepsItsRoleAndData: offboarding drops the
// invocation, so the provisioner's delete takes the role's login away,
// and keeps the secret; nothing of the shared cluster goes.
func TestOffboardedPooledTenantKeepsItsRoleAndData(t *testing.T) {
	a := validArgs()
	a.Database = DatabaseArgs{Engine: EngineAuroraPostgreSQL, Isolation: IsolationDatabase}
	a.Status = StatusOffboarded
	cloud, err := runTenant(t, "acme", &a, "")
	if err != nil {
		t.Fatal(err)
	}
	if has(cloud, "aws:lambda/invocation:Invocation", "acme-db-app-role") {
		t.Error("an offboarded tenant's role is still provisioned")
	}
	if !has(cloud, "aws:secretsmanager/secret:Secret", "acme-db-app-secret") {
		t.Error("offboarding removed the tenant's credentials secret")
	}
	if !has(cloud, "aws:rds/cluster:Cluster", "eu-west-1-shared-db") {
		t.Error("no shared cluster")
	}
}

func TestIsolationRefusals(t *testing.T) {
	cases := []struct {
		name, field string
		edit        func(a *TenantStackArgs)
	}{
		{"database level on dynamodb", "database.isolation", func(a *TenantStackArgs) { a.Database.Isolation = IsolationDatabase }},
		{"unknown level", "database.isolation", func(a *TenantStackArgs) { a.Database.Isolation = "row" }},
		{"pooled tenant sized", "database.isolation", func(a *TenantStackArgs) {
			a.Database = DatabaseArgs{Engine: EngineAuroraPostgreSQL, Isolation: IsolationSchema, MaxCapacity: new(8.0)}
		}},
		{"pooled tenant with a version", "database.isolation", func(a *TenantStackArgs) {
			a.Database = DatabaseArgs{Engine: EngineAuroraPostgreSQL, Isolation: IsolationDatabase, EngineVersion: "16"}
		}},
		{"pooled tenant backed up alone", "backup", func(a *TenantStackArgs) {
			a.Database = DatabaseArgs{Engine: EngineAuroraPostgreSQL, Isolation: IsolationDatabase}
			a.Backup = &BackupArgs{Schedule: "cron(0 3 * * ? *)", RetentionDays: 7}
		}},
		{"account that is not a role", "account.roleArn", func(a *TenantStackArgs) {
			a.Account = &AccountArgs{RoleArn: "arn:aws:iam::123:user/x"}
		}},
		{"external id too short", "account.externalId", func(a *TenantStackArgs) {
			a.Account = &AccountArgs{RoleArn: "arn:aws:iam::210987654321:role/tenancy", ExternalID: "x"}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := validArgs()
			c.edit(&a)
			p := problems(t, a)
			if _, ok := p[c.field]; !ok {
				t.Errorf("want a problem with %s, got %v", c.field, p)
			}
		})
	}
}

// TestAuroraTenantNeedsItsShared: the shared resources a tenant needs are
// checked before anything of the tenant is registered.
func TestAuroraTenantNeedsItsShared(t *testing.T) {
	cases := []struct {
		name string
		db   DatabaseArgs
		with func(a *SharedArgs)
		want string
	}{
		{"aurora without a provisioner", DatabaseArgs{Engine: EngineAuroraPostgreSQL}, func(s *SharedArgs) { s.Provisioner = nil },
			`tenant "acme": shared: is required: an aurora-postgresql tenant at isolation cluster needs its region's provisioner`},
		{"pooled aurora without a shared cluster", DatabaseArgs{Engine: EngineAuroraPostgreSQL, Isolation: IsolationSchema}, func(s *SharedArgs) { s.Cluster = nil },
			`tenant "acme": shared: is required: an aurora-postgresql tenant at isolation schema needs its region's shared cluster`},
		{"pooled dynamodb without a shared table", DatabaseArgs{Isolation: IsolationSchema}, func(s *SharedArgs) { s.Table = false },
			`tenant "acme": shared: is required: an dynamodb tenant at isolation schema needs its region's shared table`},
		{"shared of another region", DatabaseArgs{Isolation: IsolationSchema}, func(s *SharedArgs) { s.Region = "us-east-1" },
			`tenant "acme": shared: is for region "us-east-1", not "eu-west-1"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := validArgs()
			a.Database = c.db
			cloud, err := mockcloud.Run(func(ctx *pulumi.Context) error {
				sa := &SharedArgs{Region: a.Region, Environment: a.Environment, Table: true,
					Cluster: &SharedClusterArgs{}, Provisioner: &ProvisionerArgs{Code: testCode},
					Network: &Network{SubnetGroupName: pulumi.String("g"), SecurityGroupIDs: pulumi.ToStringArray([]string{"sg-1"})}}
				c.with(sa)
				// The shared resources' provider is for their region, which
				// a case may have made another than the tenant's.
				p, err := newAccountProvider(ctx, "p", nil, sa.Region)
				if err != nil {
					return err
				}
				sa.Provider = p
				if a.Shared, err = NewRegionShared(ctx, sa); err != nil {
					return err
				}
				_, err = NewTenantStack(ctx, "acme", &a)
				return err
			}, mockcloud.Options{Project: "lib", Stack: "test"})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("want %q, got %v", c.want, err)
			}
			for _, r := range cloud.Resources() {
				if strings.HasPrefix(r.Name, "acme") {
					t.Errorf("registered %s %s before refusing", r.Type, r.Name)
				}
			}
		})
	}
}

// TestOwnAccountProvider: a tenant in its own account gets a provider
// that assumes the role, named after the account and region.
func TestOwnAccountProvider(t *testing.T) {
	a := validArgs()
	a.Account = &AccountArgs{RoleArn: "arn:aws:iam::210987654321:role/tenancy-deployer", ExternalID: "acme-ext"}
	cloud, err := runTenant(t, "acme", &a, "")
	if err != nil {
		t.Fatal(err)
	}
	p := named(t, cloud, "pulumi:providers:aws", "acme-aws")
	role := p.Inputs["assumeRole"]
	if role.IsString() { // the engine passes provider inputs as JSON text
		var m map[string]string
		if err := json.Unmarshal([]byte(role.StringValue()), &m); err != nil {
			t.Fatal(err)
		}
		if m["roleArn"] != a.Account.RoleArn || m["externalId"] != "acme-ext" {
			t.Errorf("assumeRole %v", m)
		}
	} else if !role.IsObject() || role.ObjectValue()["roleArn"].StringValue() != a.Account.RoleArn {
		t.Errorf("assumeRole %v, want role %s", role, a.Account.RoleArn)
	}
	if got := ProviderName(a.Account, "eu-west-1"); got != "aws-eu-west-1-210987654321" {
		t.Errorf("ProviderName = %s", got)
	}
	if got := SharedPrefix(a.Account, "eu-west-1"); got != "eu-west-1-210987654321-shared" {
		t.Errorf("SharedPrefix = %s", got)
	}
}

// TestSharedOwnedByAnotherStack: a tenant of a shard that does not own its
// region's shared resources uses them through SharedFrom: nothing shared
// is registered here, and the tenant's role names the other stack's
// cluster and provisioner.
func TestSharedOwnedByAnotherStack(t *testing.T) {
	a := validArgs()
	a.Database = DatabaseArgs{Engine: EngineAuroraPostgreSQL, Isolation: IsolationSchema}
	str := func(v string) pulumi.StringOutput { return pulumi.String(v).ToStringOutput() }
	cloud, err := mockcloud.Run(func(ctx *pulumi.Context) error {
		a.Shared = SharedFrom(a.Region, SharedOutputs{
			KeyArn: str("arn:aws:kms:eu-west-1:123456789012:key/k"), ClusterArn: str("arn:aws:rds:eu-west-1:123456789012:cluster:home"),
			ClusterEndpoint: str("home.example"), ClusterSecretArn: str("arn:aws:secretsmanager:eu-west-1:123456789012:secret:home"),
			TableName: str(""), TableArn: str(""), ProvisionerName: str("home-provisioner"), Cluster: true, Provisioner: true,
		})
		_, err := NewTenantStack(ctx, "acme", &a)
		return err
	}, mockcloud.Options{Project: "lib", Stack: "test"})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range cloud.Resources() {
		if r.Type == SharedTypeToken || strings.Contains(r.Name, "-shared") {
			t.Errorf("registered %s %s, which another stack owns", r.Type, r.Name)
		}
	}
	inv := named(t, cloud, "aws:lambda/invocation:Invocation", "acme-db-app-role")
	if fn, _ := input(t, inv, "functionName"); fn != "home-provisioner" {
		t.Errorf("functionName %q, want the owner's provisioner", fn)
	}
	raw, _ := input(t, inv, "input")
	if !strings.Contains(raw, `"clusterArn":"arn:aws:rds:eu-west-1:123456789012:cluster:home"`) {
		t.Errorf("input %s does not name the owner's cluster", raw)
	}
}
