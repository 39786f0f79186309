package migrate

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/amplify-tenancy/tenancy/internal/shard"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
)

const (
	stackURN   = "urn:pulumi:prod::tenancy::pulumi:pulumi:Stack::tenancy-prod"
	awsEU      = "urn:pulumi:prod::tenancy::pulumi:providers:aws::aws-eu-central-1"
	awsUS      = "urn:pulumi:prod::tenancy::pulumi:providers:aws::aws-us-east-1"
	randomDef  = "urn:pulumi:prod::tenancy::pulumi:providers:random::default_4_19_1"
	pulumiDef  = "urn:pulumi:prod::tenancy::pulumi:providers:pulumi::default"
	stackRef   = "urn:pulumi:prod::tenancy::pulumi:pulumi:StackReference::organization/tenancy/prod"
	vpcEU      = "urn:pulumi:prod::tenancy::aws:ec2/vpc:Vpc::eu-central-1-db-vpc"
	subnetEU   = "urn:pulumi:prod::tenancy::aws:ec2/subnet:Subnet::eu-central-1-db-subnet-1"
	groupEU    = "urn:pulumi:prod::tenancy::aws:rds/subnetGroup:SubnetGroup::eu-central-1-db-subnets"
	sharedEU   = "urn:pulumi:prod::tenancy::tenancy:tenant:RegionShared::eu-central-1-shared"
	sharedKey  = "urn:pulumi:prod::tenancy::tenancy:tenant:RegionShared$aws:kms/key:Key::eu-central-1-shared-key"
	sharedDB   = "urn:pulumi:prod::tenancy::tenancy:tenant:RegionShared$aws:rds/cluster:Cluster::eu-central-1-shared-db"
	sharedPass = "urn:pulumi:prod::tenancy::tenancy:tenant:RegionShared$random:index/randomPassword:RandomPassword::eu-central-1-shared-db-password"
)

func tenantURN(id, typ, name string) string {
	if typ == "" {
		return "urn:pulumi:prod::tenancy::tenancy:tenant:TenantStack::" + id
	}
	return "urn:pulumi:prod::tenancy::tenancy:tenant:TenantStack$" + typ + "::" + name
}

// res is a resource of the fixture.
func res(urn, typ, id, parent, provider string, extra map[string]any) map[string]any {
	r := map[string]any{"urn": urn, "type": typ, "custom": id != ""}
	if id != "" {
		r["id"] = id
	}
	if parent != "" {
		r["parent"] = parent
	}
	if provider != "" {
		r["provider"] = provider
	}
	maps.Copy(r, extra)
	return r
}

func ref(urn, id string) string { return urn + "::" + id }

// fixture is prod as `pulumi stack export --show-secrets` gives it: two
// eu-central-1 tenants (acme in the home shard, wayne in the second, on
// the shared cluster) and one in us-east-1.
func fixture() []map[string]any {
	secret := map[string]any{"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "plaintext": `"hunter2"`}
	return []map[string]any{
		res(stackURN, "pulumi:pulumi:Stack", "", "", "", map[string]any{"outputs": map[string]any{
			"tenants": map[string]any{
				"acme":  map[string]any{"region": "eu-central-1"},
				"wayne": map[string]any{"region": "eu-central-1"},
				"hooli": map[string]any{"region": "us-east-1"},
			},
			"shared": map[string]any{"aws-eu-central-1": map[string]any{"clusterArn": "arn:shared"}},
		}}),
		res(pulumiDef, "pulumi:providers:pulumi", "p-1", "", "", nil),
		res(stackRef, "pulumi:pulumi:StackReference", "organization/tenancy/prod", stackURN, ref(pulumiDef, "p-1"), nil),
		res(awsEU, "pulumi:providers:aws", "eu-1", "", "", map[string]any{"inputs": map[string]any{"region": "eu-central-1"}}),
		res(awsUS, "pulumi:providers:aws", "us-1", "", "", map[string]any{"inputs": map[string]any{"region": "us-east-1"}}),
		res(randomDef, "pulumi:providers:random", "r-1", "", "", nil),
		res(vpcEU, "aws:ec2/vpc:Vpc", "vpc-1", stackURN, ref(awsEU, "eu-1"), nil),
		res(subnetEU, "aws:ec2/subnet:Subnet", "subnet-1", stackURN, ref(awsEU, "eu-1"), map[string]any{"dependencies": []any{vpcEU}}),
		res(groupEU, "aws:rds/subnetGroup:SubnetGroup", "group-1", stackURN, ref(awsEU, "eu-1"), map[string]any{"dependencies": []any{subnetEU}}),
		res(sharedEU, "tenancy:tenant:RegionShared", "", stackURN, "", nil),
		res(sharedKey, "aws:kms/key:Key", "key-shared", sharedEU, ref(awsEU, "eu-1"), nil),
		res(sharedPass, "random:index/randomPassword:RandomPassword", "none", sharedEU, ref(randomDef, "r-1"), map[string]any{"outputs": map[string]any{"result": secret}}),
		res(sharedDB, "aws:rds/cluster:Cluster", "cluster-shared", sharedEU, ref(awsEU, "eu-1"), map[string]any{
			"dependencies":         []any{groupEU, sharedKey, sharedPass},
			"propertyDependencies": map[string]any{"kmsKeyId": []any{sharedKey}, "masterPassword": []any{sharedPass}},
			"inputs":               map[string]any{"masterPassword": secret, "port": json.Number("5432")},
		}),
		res(tenantURN("acme", "", ""), "tenancy:tenant:TenantStack", "", stackURN, "", nil),
		res(tenantURN("acme", "aws:kms/key:Key", "acme-key"), "aws:kms/key:Key", "key-acme", tenantURN("acme", "", ""), ref(awsEU, "eu-1"), nil),
		res(tenantURN("acme", "aws:rds/cluster:Cluster", "acme-db"), "aws:rds/cluster:Cluster", "cluster-acme", tenantURN("acme", "", ""), ref(awsEU, "eu-1"),
			map[string]any{"dependencies": []any{groupEU, tenantURN("acme", "aws:kms/key:Key", "acme-key")}, "protect": true}),
		res(tenantURN("wayne", "", ""), "tenancy:tenant:TenantStack", "", stackURN, "", map[string]any{
			"aliases": []any{"urn:pulumi:prod::tenancy::tenancy:tenant:TenantStack::wayne-old"},
		}),
		res(tenantURN("wayne", "aws:kms/key:Key", "wayne-key"), "aws:kms/key:Key", "key-wayne", tenantURN("wayne", "", ""), ref(awsEU, "eu-1"), nil),
		res(tenantURN("wayne", "aws:iam/rolePolicy:RolePolicy", "wayne-compute-data"), "aws:iam/rolePolicy:RolePolicy", "policy-wayne", tenantURN("wayne", "", ""), ref(awsEU, "eu-1"), map[string]any{
			"dependencies":         []any{sharedDB, tenantURN("wayne", "aws:kms/key:Key", "wayne-key")},
			"propertyDependencies": map[string]any{"policy": []any{sharedDB, tenantURN("wayne", "aws:kms/key:Key", "wayne-key")}},
			"deletedWith":          sharedDB,
		}),
		res(tenantURN("hooli", "", ""), "tenancy:tenant:TenantStack", "", stackURN, "", nil),
		res(tenantURN("hooli", "aws:dynamodb/table:Table", "hooli-db"), "aws:dynamodb/table:Table", "table-hooli", tenantURN("hooli", "", ""), ref(awsUS, "us-1"), nil),
	}
}

func fixtureLock() *shard.Lock {
	return &shard.Lock{Env: "prod", MaxTenants: 1, Shards: []shard.Shard{
		{Name: "prod-eu-central-1-1", Region: "eu-central-1", Tenants: []string{"acme"}},
		{Name: "prod-eu-central-1-2", Region: "eu-central-1", Tenants: []string{"wayne"}},
		{Name: "prod-us-east-1-1", Region: "us-east-1", Tenants: []string{"hooli"}},
	}}
}

func deploymentOf(t *testing.T, resources []map[string]any, extra map[string]any) apitype.UntypedDeployment {
	t.Helper()
	d := map[string]any{
		"manifest":          map[string]any{"version": "v3.274.1"},
		"secrets_providers": map[string]any{"type": "passphrase", "state": map[string]any{"salt": "v1:env"}},
		"resources":         resources,
	}
	maps.Copy(d, extra)
	data, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	return apitype.UntypedDeployment{Version: 3, Deployment: data}
}

// imported is a shard's deployment as Split builds it, decoded.
func imported(t *testing.T, p *Plan, name string) (map[string]map[string]any, []string, map[string]any) {
	t.Helper()
	for _, sp := range p.Shards {
		if sp.Name != name {
			continue
		}
		d, err := p.ShardDeployment(sp, json.RawMessage(`{"type":"passphrase","state":{"salt":"v1:`+name+`"}}`))
		if err != nil {
			t.Fatal(err)
		}
		var raw map[string]any
		if err := json.Unmarshal(d.Deployment, &raw); err != nil {
			t.Fatal(err)
		}
		byURN := map[string]map[string]any{}
		var order []string
		for _, r := range raw["resources"].([]any) {
			m := r.(map[string]any)
			byURN[m["urn"].(string)] = m
			order = append(order, m["urn"].(string))
		}
		return byURN, order, raw
	}
	t.Fatalf("no shard %s", name)
	return nil, nil, nil
}

func in(stack, urn string) string {
	return strings.Replace(urn, "urn:pulumi:prod::", "urn:pulumi:"+stack+"::", 1)
}

func TestSplit(t *testing.T) {
	p, err := Split("prod", deploymentOf(t, fixture(), nil), fixtureLock())
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(p.Tenants, []string{"acme", "hooli", "wayne"}) {
		t.Errorf("tenants %v", p.Tenants)
	}
	const home, second, us = "prod-eu-central-1-1", "prod-eu-central-1-2", "prod-us-east-1-1"
	want := map[string][]string{
		home: {stackURN, pulumiDef, awsEU, randomDef, vpcEU, subnetEU, groupEU, sharedEU, sharedKey, sharedPass, sharedDB,
			tenantURN("acme", "", ""), tenantURN("acme", "aws:kms/key:Key", "acme-key"), tenantURN("acme", "aws:rds/cluster:Cluster", "acme-db")},
		second: {stackURN, pulumiDef, awsEU, tenantURN("wayne", "", ""), tenantURN("wayne", "aws:kms/key:Key", "wayne-key"),
			tenantURN("wayne", "aws:iam/rolePolicy:RolePolicy", "wayne-compute-data")},
		us: {stackURN, pulumiDef, awsUS, tenantURN("hooli", "", ""), tenantURN("hooli", "aws:dynamodb/table:Table", "hooli-db")},
	}
	for _, sp := range p.Shards {
		if sp.Home != (sp.Name != second) {
			t.Errorf("%s: home %v", sp.Name, sp.Home)
		}
		byURN, order, raw := imported(t, p, sp.Name)
		var wantURNs []string
		for _, u := range want[sp.Name] {
			wantURNs = append(wantURNs, in(sp.Name, u))
		}
		wantURNs[0] = "urn:pulumi:" + sp.Name + "::tenancy::pulumi:pulumi:Stack::tenancy-" + sp.Name
		if !slices.Equal(order, wantURNs) {
			t.Errorf("%s holds, in order:\n%s\nwant\n%s", sp.Name, strings.Join(order, "\n"), strings.Join(wantURNs, "\n"))
			continue
		}
		if salt := raw["secrets_providers"].(map[string]any)["state"].(map[string]any)["salt"]; salt != "v1:"+sp.Name {
			t.Errorf("%s: secrets provider %v, want the shard's", sp.Name, raw["secrets_providers"])
		}
		root := byURN[wantURNs[0]]
		outputs := root["outputs"].(map[string]any)
		if keys := slices.Sorted(maps.Keys(outputs)); !slices.Equal(keys, []string{"tenants"}) {
			t.Errorf("%s: root outputs %v, want tenants alone", sp.Name, keys)
		}
		if got := slices.Sorted(maps.Keys(outputs["tenants"].(map[string]any))); !slices.Equal(got, sp.Tenants) {
			t.Errorf("%s: tenants output %v, want %v", sp.Name, got, sp.Tenants)
		}
		for urn, r := range byURN {
			if !strings.HasPrefix(urn, "urn:pulumi:"+sp.Name+"::") {
				t.Errorf("%s: URN %s", sp.Name, urn)
			}
			if parent, _ := r["parent"].(string); parent != "" && byURN[parent] == nil {
				t.Errorf("%s: %s has parent %s, not in the shard", sp.Name, urn, parent)
			}
			if prov, _ := r["provider"].(string); prov != "" && byURN[providerURN(prov)] == nil {
				t.Errorf("%s: %s has provider %s, not in the shard", sp.Name, urn, prov)
			}
		}
	}

	homeState, _, _ := imported(t, p, home)
	cluster := homeState[in(home, sharedDB)]
	if cluster["id"] != "cluster-shared" || cluster["provider"] != in(home, awsEU)+"::eu-1" {
		t.Errorf("shared cluster: id %v, provider %v", cluster["id"], cluster["provider"])
	}
	if deps := cluster["dependencies"].([]any); len(deps) != 3 || deps[0] != in(home, groupEU) {
		t.Errorf("shared cluster's dependencies %v", deps)
	}
	if pw := cluster["inputs"].(map[string]any)["masterPassword"].(map[string]any); pw["plaintext"] != `"hunter2"` {
		t.Errorf("the secret changed: %v", pw)
	}
	if port := cluster["inputs"].(map[string]any)["port"]; port != float64(5432) {
		t.Errorf("port %v (%T)", port, port)
	}
	acme := homeState[in(home, tenantURN("acme", "aws:rds/cluster:Cluster", "acme-db"))]
	if acme["protect"] != true || acme["parent"] != in(home, tenantURN("acme", "", "")) {
		t.Errorf("acme's cluster: %v", acme)
	}

	secondState, _, _ := imported(t, p, second)
	policy := secondState[in(second, tenantURN("wayne", "aws:iam/rolePolicy:RolePolicy", "wayne-compute-data"))]
	if deps := policy["dependencies"].([]any); len(deps) != 1 || deps[0] != in(second, tenantURN("wayne", "aws:kms/key:Key", "wayne-key")) {
		t.Errorf("wayne's policy depends on %v, want its key alone (the shared cluster is the home shard's)", deps)
	}
	if deps := policy["propertyDependencies"].(map[string]any)["policy"].([]any); len(deps) != 1 {
		t.Errorf("wayne's policy's property dependencies %v", deps)
	}
	if _, ok := policy["deletedWith"]; ok {
		t.Errorf("deletedWith %v kept, though the shared cluster is in another stack", policy["deletedWith"])
	}
	wayne := secondState[in(second, tenantURN("wayne", "", ""))]
	if aliases := wayne["aliases"].([]any); aliases[0] != "urn:pulumi:"+second+"::tenancy::tenancy:tenant:TenantStack::wayne-old" {
		t.Errorf("aliases %v", aliases)
	}
	var dropped []string
	for _, sp := range p.Shards {
		if sp.Name == second {
			dropped = sp.Dropped
			if sp.Moved != 3 || sp.Shared != 0 {
				t.Errorf("%s: moved %d, shared %d", sp.Name, sp.Moved, sp.Shared)
			}
		}
		if sp.Name == home && (sp.Moved != 10 || sp.Shared != 7) {
			t.Errorf("%s: moved %d, shared %d", sp.Name, sp.Moved, sp.Shared)
		}
	}
	if want := []string{tenantURN("wayne", "aws:iam/rolePolicy:RolePolicy", "wayne-compute-data") + " on " + sharedDB}; !slices.Equal(dropped, want) {
		t.Errorf("dropped %v, want %v", dropped, want)
	}

	left, err := p.EnvDeployment()
	if err != nil {
		t.Fatal(err)
	}
	var envLeft struct {
		SecretsProviders map[string]any   `json:"secrets_providers"`
		Resources        []map[string]any `json:"resources"`
	}
	if err := json.Unmarshal(left.Deployment, &envLeft); err != nil {
		t.Fatal(err)
	}
	if len(envLeft.Resources) != 1 || envLeft.Resources[0]["urn"] != stackURN || envLeft.Resources[0]["outputs"] != nil {
		t.Errorf("what is left of prod: %v", envLeft.Resources)
	}
	if envLeft.SecretsProviders["state"].(map[string]any)["salt"] != "v1:env" {
		t.Errorf("prod's secrets provider %v", envLeft.SecretsProviders)
	}
}

func TestSplitRefuses(t *testing.T) {
	edit := func(f func([]map[string]any) []map[string]any) []map[string]any { return f(fixture()) }
	find := func(rs []map[string]any, urn string) map[string]any {
		for _, r := range rs {
			if r["urn"] == urn {
				return r
			}
		}
		t.Fatalf("no %s", urn)
		return nil
	}
	tenants := func(rs []map[string]any) map[string]any {
		return find(rs, stackURN)["outputs"].(map[string]any)["tenants"].(map[string]any)
	}
	for _, tc := range []struct {
		name      string
		resources []map[string]any
		extra     map[string]any
		lock      func(*shard.Lock)
		want      string
	}{{
		name: "a tenant the lock lacks",
		lock: func(l *shard.Lock) { l.Shards[2].Tenants = nil },
		want: `tenant "hooli": stack prod holds it, but Pulumi.prod.shards.json gives it no shard`,
	}, {
		name: "a tenant of the output alone the lock lacks",
		resources: edit(func(rs []map[string]any) []map[string]any {
			tenants(rs)["gone"] = map[string]any{"region": "us-east-1"}
			return rs
		}),
		want: `tenant "gone": stack prod's output has it, but Pulumi.prod.shards.json gives it no shard`,
	}, {
		name: "a tenant deployed in another region than its shard's",
		resources: edit(func(rs []map[string]any) []map[string]any {
			tenants(rs)["hooli"] = map[string]any{"region": "us-west-2"}
			return rs
		}),
		want: `tenant "hooli": stack prod has it in region us-west-2, but Pulumi.prod.shards.json gives it shard prod-us-east-1-1 of region us-east-1`,
	}, {
		name: "a tenant deployed in another account",
		resources: edit(func(rs []map[string]any) []map[string]any {
			tenants(rs)["hooli"] = map[string]any{"region": "us-east-1", "account": "210987654321"}
			return rs
		}),
		want: `stack prod has it in account 210987654321 region us-east-1`,
	}, {
		name: "a tenant's resources without its output",
		resources: edit(func(rs []map[string]any) []map[string]any {
			delete(tenants(rs), "acme")
			return rs
		}),
		want: `tenant "acme": stack prod holds its resources but its "tenants" output does not list it`,
	}, {
		name: "a resource of another place's provider",
		resources: edit(func(rs []map[string]any) []map[string]any {
			find(rs, tenantURN("acme", "aws:kms/key:Key", "acme-key"))["provider"] = ref(awsUS, "us-1")
			return rs
		}),
		want: "uses the aws provider aws-us-east-1, not its place's aws-eu-central-1",
	}, {
		name: "a resource that is no tenant's nor shared",
		resources: edit(func(rs []map[string]any) []map[string]any {
			return append(rs, res("urn:pulumi:prod::tenancy::aws:s3/bucket:Bucket::logs", "aws:s3/bucket:Bucket", "logs", stackURN, ref(awsEU, "eu-1"), nil))
		}),
		want: "resource urn:pulumi:prod::tenancy::aws:s3/bucket:Bucket::logs is neither a tenant's",
	}, {
		name: "the shared resources of a place without a shard",
		resources: edit(func(rs []map[string]any) []map[string]any {
			return append(rs, res("urn:pulumi:prod::tenancy::tenancy:tenant:RegionShared::us-west-2-shared", "tenancy:tenant:RegionShared", "", stackURN, "", nil))
		}),
		want: "RegionShared::us-west-2-shared is neither a tenant's",
	}, {
		name:  "pending operations",
		extra: map[string]any{"pending_operations": []any{map[string]any{"type": "creating"}}},
		want:  "stack prod has 1 pending operations",
	}, {
		name: "a resource marked for deletion",
		resources: edit(func(rs []map[string]any) []map[string]any {
			find(rs, vpcEU)["delete"] = true
			return rs
		}),
		want: "is marked for deletion",
	}, {
		name: "no root",
		resources: edit(func(rs []map[string]any) []map[string]any {
			return slices.DeleteFunc(rs, func(r map[string]any) bool { return r["urn"] == stackURN })
		}),
		want: "holds no root stack resource",
	}, {
		name: "another stack's resource",
		resources: edit(func(rs []map[string]any) []map[string]any {
			find(rs, vpcEU)["urn"] = strings.Replace(vpcEU, "prod::", "dev::", 1)
			return rs
		}),
		want: "is another stack's",
	}} {
		t.Run(tc.name, func(t *testing.T) {
			rs := tc.resources
			if rs == nil {
				rs = fixture()
			}
			lock := fixtureLock()
			if tc.lock != nil {
				tc.lock(lock)
			}
			_, err := Split("prod", deploymentOf(t, rs, tc.extra), lock)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error with %q", err, tc.want)
			}
		})
	}
}

func TestPlainSecret(t *testing.T) {
	enc := []map[string]any{{"urn": "u", "outputs": map[string]any{"a": []any{map[string]any{"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "ciphertext": "v1:x"}}}}}
	if p := plainSecret(enc); p != "" {
		t.Errorf("ciphertext reported at %s", p)
	}
	plain := []map[string]any{{"urn": "u", "inputs": map[string]any{"a": []any{map[string]any{"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "plaintext": `"x"`}}}}}
	if p := plainSecret(plain); p != "u inputs.a[0]" {
		t.Errorf("plain text at %q", p)
	}
}
