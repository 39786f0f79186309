package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/amplify-tenancy/tenancy/internal/stackconfig"
	"github.com/amplify-tenancy/tenancy/tenant"
)

// Types of a tenant's children, by name suffix.
var childTypes = map[string]string{
	"key":                  "aws:kms/key:Key",
	"db":                   "", // table or cluster, by engine
	"db-password":          "random:index/randomPassword:RandomPassword",
	"suspended-password":   "random:index/randomPassword:RandomPassword",
	"db-secret":            "aws:secretsmanager/secret:Secret",
	"db-secret-value":      "aws:secretsmanager/secretVersion:SecretVersion",
	"compute":              "aws:iam/role:Role",
	"compute-data":         "aws:iam/rolePolicy:RolePolicy",
	"app":                  "aws:amplify/app:App",
	"main":                 "aws:amplify/branch:Branch",
	"domain":               "aws:amplify/domainAssociation:DomainAssociation",
	"backup-vault":         "aws:backup/vault:Vault",
	"backup-plan":          "aws:backup/plan:Plan",
	"backup-role":          "aws:iam/role:Role",
	"backup-access":        "aws:iam/rolePolicy:RolePolicy",
	"backup-selection":     "aws:backup/selection:Selection",
	"backup-events":        "aws:sns/topic:Topic",
	"backup-events-policy": "aws:sns/topicPolicy:TopicPolicy",
	"backup-notifications": "aws:backup/vaultNotifications:VaultNotifications",
	"backup-email":         "aws:sns/topicSubscription:TopicSubscription",
	"restore-role":         "aws:iam/role:Role",
	"restore-access":       "aws:iam/rolePolicy:RolePolicy",
	"service":              "aws:iam/role:Role",
	"service-boundary":     "aws:iam/policy:Policy",
	"service-backend":      "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
	"db-final-snapshot":    "random:index/randomId:RandomId",
	"db-app-password":      "random:index/randomPassword:RandomPassword",
	"db-app-secret":        "aws:secretsmanager/secret:Secret",
	"db-app-secret-value":  "aws:secretsmanager/secretVersion:SecretVersion",
	"db-app-role":          "aws:lambda/invocation:Invocation",
}

// expectation is what one tenant of a stack must get, computed from the
// tenant's parsed args rather than written down per stack, so a tenant added
// to a stack file is checked without editing the tests.
type expectation struct {
	region, engine, branch string
	children               []string
}

// expectations parses a stack file as the program does and returns, per
// tenant, its region, engine and exactly the children it must get.
func expectations(t testing.TB, stack string) map[string]expectation {
	t.Helper()
	out := map[string]expectation{}
	for _, tn := range parsedFleet(t, stack).Tenants {
		out[tn.ID] = expectation{region: tn.Args.Region, engine: string(tn.Args.Database.Engine), branch: tn.Args.Branch, children: childrenOf(tn.Args)}
	}
	return out
}

// parsedFleet parses a stack file as the offline commands do.
func parsedFleet(t testing.TB, stack string) *stackconfig.Fleet {
	t.Helper()
	f, err := stackconfig.ReadFile(stackPath(stack))
	if err != nil {
		t.Fatal(err)
	}
	src := f.Source()
	src.MissingSecretsAreWarnings = true
	fleet, err := stackconfig.Parse(src)
	if err != nil {
		t.Fatalf("stack %s: %v", stack, err)
	}
	return fleet
}

// childrenOf lists the children a tenant with args a gets, by name suffix.
func childrenOf(a tenant.TenantStackArgs) []string {
	d := a.Database
	children := []string{"key"}
	if !d.Isolation.Pooled() {
		children = append(children, "db")
	}
	if d.Engine == tenant.EngineAuroraPostgreSQL && !d.Isolation.Pooled() {
		children = append(children, "db-password", "db-secret", "db-secret-value", "db-final-snapshot")
		for i := 1; i <= *d.Instances; i++ {
			children = append(children, fmt.Sprintf("db-%d", i))
		}
	}
	if d.Engine == tenant.EngineAuroraPostgreSQL {
		children = append(children, "db-app-password", "db-app-secret", "db-app-secret-value")
		if a.Status != tenant.StatusOffboarded {
			children = append(children, "db-app-role")
		}
	}
	if a.Status != tenant.StatusOffboarded {
		children = append(children, "app", "main", "service", "service-boundary", "service-backend")
		if a.Platform == tenant.PlatformWebCompute {
			children = append(children, "compute", "compute-data")
		}
		if a.Domain != "" {
			children = append(children, "domain")
		}
		if a.Status == tenant.StatusSuspended && a.BasicAuth == nil {
			children = append(children, "suspended-password")
		}
	}
	if a.Backup != nil {
		children = append(children, "backup-vault", "backup-plan", "backup-role", "backup-access", "backup-selection", "restore-role", "restore-access")
		if a.Backup.NotifyEmail != "" {
			children = append(children, "backup-events", "backup-events-policy", "backup-notifications", "backup-email")
		}
	}
	return children
}

func TestEachTenantGetsExactlyItsResources(t *testing.T) {
	for _, stack := range stackFiles {
		t.Run(stack, func(t *testing.T) {
			cloud, _ := runStack(t, stack)
			expected := map[string]map[string]expectation{stack: expectations(t, stack)}
			got := map[string][]string{}
			for _, r := range cloud.Resources() {
				id := tenantOf(r)
				if id == "" {
					continue
				}
				if r.Type == tenant.TypeToken {
					if r.Parent != "" && !strings.Contains(r.Parent, "pulumi:pulumi:Stack") {
						t.Errorf("component %s has parent %s, want the stack", r.Name, r.Parent)
					}
					continue
				}
				suffix, ok := strings.CutPrefix(r.Name, id+"-")
				if !ok {
					t.Errorf("%s (%s): name is not prefixed with its tenant %q", r.Name, r.Type, id)
				}
				got[id] = append(got[id], suffix)
				want := childTypes[suffix]
				if regexp.MustCompile(`^db-[0-9]+$`).MatchString(suffix) {
					want = "aws:rds/clusterInstance:ClusterInstance"
				}
				if suffix == "db" {
					want = map[string]string{"dynamodb": "aws:dynamodb/table:Table", "aurora-postgresql": "aws:rds/cluster:Cluster"}[expected[stack][id].engine]
				}
				if r.Type != want {
					t.Errorf("%s: type %s, want %q", r.Name, r.Type, want)
				}
			}
			if !slices.Equal(slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(expected[stack]))) {
				t.Errorf("tenants %v, want %v", slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(expected[stack])))
			}
			for id, want := range expected[stack] {
				if g, w := slices.Sorted(slices.Values(got[id])), slices.Sorted(slices.Values(want.children)); !slices.Equal(g, w) {
					t.Errorf("tenant %s children:\n got %v\nwant %v", id, g, w)
				}
			}
		})
	}
}

func TestEveryTenantResourceUsesItsRegionsProvider(t *testing.T) {
	for _, stack := range stackFiles {
		t.Run(stack, func(t *testing.T) {
			cloud, _ := runStack(t, stack)
			expected := map[string]map[string]expectation{stack: expectations(t, stack)}
			for _, r := range cloud.Resources() {
				id := tenantOf(r)
				if id == "" || !r.Custom || strings.HasPrefix(r.Type, "random:") {
					continue
				}
				if r.Provider == "" {
					t.Errorf("%s (%s) uses the default provider", r.Name, r.Type)
					continue
				}
				if got, want := cloud.Region(r.Provider), expected[stack][id].region; got != want {
					t.Errorf("%s (%s): provider region %q, want %q", r.Name, r.Type, got, want)
				}
			}
		})
	}
}

func TestOneProviderPerRegionAndUniqueURNs(t *testing.T) {
	for _, stack := range stackFiles {
		t.Run(stack, func(t *testing.T) {
			cloud, _ := runStack(t, stack)
			regions := map[string]bool{}
			for _, e := range expectations(t, stack) {
				regions[e.region] = true
			}
			seen := map[string]bool{}
			var providers []string
			for _, r := range cloud.Resources() {
				if seen[r.URN] {
					t.Errorf("duplicate URN %s", r.URN)
				}
				seen[r.URN] = true
				if r.Type == "pulumi:providers:aws" {
					providers = append(providers, r.Name)
					if want := "aws-" + cloud.Region(r.URN); r.Name != want {
						t.Errorf("provider %s, want name %s", r.Name, want)
					}
				}
			}
			if len(providers) != len(regions) {
				t.Errorf("%d aws providers %v for %d regions", len(providers), providers, len(regions))
			}
		})
	}
}

func TestSecretsStaySecret(t *testing.T) {
	encodedAuth := base64.StdEncoding.EncodeToString([]byte("preview:" + sentinelBasicAuth))
	secretInputs := map[string]string{
		"aws:amplify/app:App":                            "accessToken",
		"aws:rds/cluster:Cluster":                        "masterPassword",
		"aws:secretsmanager/secretVersion:SecretVersion": "secretString",
	}
	for _, stack := range stackFiles {
		t.Run(stack, func(t *testing.T) {
			cloud, _ := runStack(t, stack)
			checked := 0
			for _, r := range cloud.Resources() {
				if key, ok := secretInputs[r.Type]; ok {
					checked++
					if v := r.Inputs[mustKey(key)]; !v.ContainsSecrets() {
						t.Errorf("%s: %s is not secret", r.Name, key)
					}
				}
				if r.Type == "aws:amplify/branch:Branch" && stack == "dev" {
					checked++
					if v := r.Inputs["basicAuthCredentials"]; !v.ContainsSecrets() {
						t.Errorf("%s: basicAuthCredentials is not secret", r.Name)
					}
				}
				for k, v := range r.Inputs {
					if containsAny(plainStrings(v), sentinelToken, sentinelPassword, sentinelBasicAuth, encodedAuth) {
						t.Errorf("%s: input %s holds a secret in plain text", r.Name, k)
					}
				}
				for k, v := range r.Outputs {
					if r.Type != "random:index/randomPassword:RandomPassword" && containsAny(plainStrings(v), sentinelToken, sentinelPassword, sentinelBasicAuth, encodedAuth) {
						t.Errorf("%s: output %s holds a secret in plain text", r.Name, k)
					}
				}
			}
			if checked < 5 {
				t.Errorf("checked only %d secret inputs", checked)
			}
		})
	}
}

func TestTenantConfigIsJSONWithNameAndRegion(t *testing.T) {
	for _, stack := range stackFiles {
		t.Run(stack, func(t *testing.T) {
			cloud, _ := runStack(t, stack)
			expected := map[string]map[string]expectation{stack: expectations(t, stack)}
			apps := 0
			for _, r := range cloud.Resources() {
				if r.Type != "aws:amplify/app:App" {
					continue
				}
				apps++
				id := tenantOf(r)
				raw := r.Inputs["environmentVariables"].ObjectValue()["tenantConfig"].StringValue()
				var cfg map[string]any
				if err := json.Unmarshal([]byte(raw), &cfg); err != nil {
					t.Fatalf("%s: tenantConfig %q: %v", r.Name, raw, err)
				}
				if !strings.HasPrefix(raw, `{"region":`) {
					t.Errorf("%s: tenantConfig %s does not start with region", r.Name, raw)
				}
				want := map[string]any{"id": id, "region": expected[stack][id].region, "environment": stack}
				for k, v := range want {
					if cfg[k] != v {
						t.Errorf("%s: tenantConfig.%s = %q, want %q", r.Name, k, cfg[k], v)
					}
				}
				if cfg["name"] == "" || cfg["tier"] == "" {
					t.Errorf("%s: tenantConfig lacks name or tier: %s", r.Name, raw)
				}
			}
			if apps != len(expected[stack]) {
				t.Errorf("%d apps, want %d", apps, len(expected[stack]))
			}
		})
	}
}

func TestTenantsOutputShape(t *testing.T) {
	_, tenants := runStack(t, "dev")
	expected := map[string]map[string]expectation{"dev": expectations(t, "dev")}
	if len(tenants) != len(expected["dev"]) {
		t.Fatalf("tenants output has %d entries, want %d", len(tenants), len(expected["dev"]))
	}
	for id, e := range expected["dev"] {
		out, _ := tenants[id].(map[string]any)
		db, _ := out["database"].(map[string]any)
		if out["region"] != e.region || db["engine"] != e.engine {
			t.Errorf("tenants[%s] = %v, want region %s and engine %s", id, out, e.region, e.engine)
		}
		for _, k := range []string{"appId", "defaultDomain", "branchUrl"} {
			if s, _ := out[k].(string); s == "" {
				t.Errorf("tenants[%s].%s is empty", id, k)
			}
		}
		if arn, _ := db["arn"].(string); !strings.Contains(arn, ":"+e.region+":") {
			t.Errorf("tenants[%s].database.arn %q is not in %s", id, arn, e.region)
		}
	}
	for id, e := range expected["dev"] {
		// Amplify serves branch feature/x at feature-x.<default domain>; the
		// mocks' default domain is <app name>-id.amplifyapp.com.
		want := "https://" + strings.ReplaceAll(e.branch, "/", "-") + "." + id + "-app-id.amplifyapp.com"
		if got := tenants[id].(map[string]any)["branchUrl"]; got != want {
			t.Errorf("%s branchUrl %v, want %s", id, got, want)
		}
	}
}

func TestTaggableResourcesCarryCostAllocationTags(t *testing.T) {
	untaggable := map[string]bool{
		"aws:iam/rolePolicy:RolePolicy": true, "aws:amplify/domainAssociation:DomainAssociation": true,
		"aws:secretsmanager/secretVersion:SecretVersion": true, "aws:backup/selection:Selection": true,
		"aws:sns/topicPolicy:TopicPolicy": true, "aws:sns/topicSubscription:TopicSubscription": true,
		"aws:backup/vaultNotifications:VaultNotifications": true, "aws:iam/rolePolicyAttachment:RolePolicyAttachment": true,
		"aws:lambda/invocation:Invocation": true,
	}
	for _, stack := range stackFiles {
		t.Run(stack, func(t *testing.T) {
			cloud, _ := runStack(t, stack)
			for _, r := range cloud.Resources() {
				id := tenantOf(r)
				if id == "" || !r.Custom || untaggable[r.Type] || strings.HasPrefix(r.Type, "random:") || strings.HasPrefix(r.Type, "pulumi:providers:") {
					continue
				}
				tags := r.Inputs["tags"]
				if !tags.IsObject() {
					t.Errorf("%s (%s) has no tags", r.Name, r.Type)
					continue
				}
				want := map[string]string{"tenant": id, "environment": stack, "tier": tags.ObjectValue()["tier"].StringValue(), "managed-by": "tenancy"}
				for k, v := range want {
					if got := tags.ObjectValue()[mustKey(k)]; !got.IsString() || got.StringValue() != v || v == "" {
						t.Errorf("%s: tag %s = %v, want %q", r.Name, k, got, v)
					}
				}
			}
		})
	}
}
