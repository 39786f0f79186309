package main

import (
	"encoding/json"
	"maps"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/amplify-tenancy/tenancy/internal/deploy"
	"github.com/amplify-tenancy/tenancy/internal/mockcloud"
	"github.com/amplify-tenancy/tenancy/internal/stackconfig"
	"github.com/amplify-tenancy/tenancy/tenant"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Sentinel secrets: none may ever appear in plain text in what the program
// registers.
const (
	sentinelToken     = "ghp_SENTINEL_TOKEN_4d1f"
	sentinelBasicAuth = "SENTINEL-BASIC-7a1b"
	sentinelPassword  = "SENTINEL-PASSWORD-9c2e"
)

var stackFiles = []string{"dev", "prod"}

// stackConfig reads Pulumi.<stack>.yaml the way the engine hands it to the
// program, with sentinel secrets set.
func stackConfig(t testing.TB, stack string) (map[string]string, []string) {
	t.Helper()
	return stackFileConfig(t, stackPath(stack))
}

// stackPath is the file of a stack: a committed one, or a fixture of
// testdata/stacks (the longest names, for one).
func stackPath(stack string) string {
	if _, err := os.Stat("Pulumi." + stack + ".yaml"); err != nil {
		return "testdata/stacks/Pulumi." + stack + ".yaml"
	}
	return "Pulumi." + stack + ".yaml"
}

// stackFileConfig reads a stack file the way the engine hands it to the
// program, with sentinel secrets set.
func stackFileConfig(t testing.TB, path string) (map[string]string, []string) {
	t.Helper()
	f, err := stackconfig.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return f.Config(map[string]string{
		stackconfig.KeyAccessToken:       sentinelToken,
		stackconfig.KeyBasicAuthPassword: sentinelBasicAuth,
	})
}

// run runs deploy.Fleet, the body of the real program, under mocks, exports
// its result as program does, and returns what it registered and the
// "tenants" output, resolved. previous is the "tenants"
// output of the stack's last deployment, nil for a new stack.
func run(t testing.TB, stack string, config map[string]string, secretKeys []string, previous map[string]any) (*mockcloud.Cloud, map[string]any, error) {
	t.Helper()
	return runIn(t, "", stack, config, secretKeys, previous)
}

// runIn runs the real program's body, reading a shard's files from dir,
// under mocks (dir "" is the program run outside a shard: run). refs are
// the outputs of the stacks it reads by StackReference.
func runIn(t testing.TB, dir, stack string, config map[string]string, secretKeys []string, previous map[string]any, refs ...map[string]map[string]any) (*mockcloud.Cloud, map[string]any, error) {
	t.Helper()
	var (
		mu      sync.Mutex
		tenants map[string]any
	)
	cloud, err := mockcloud.Run(func(ctx *pulumi.Context) error {
		out, err := deploy.FleetIn(ctx, dir)
		if err != nil {
			return err
		}
		out.ToMapOutput().ApplyT(func(v map[string]any) error {
			mu.Lock()
			defer mu.Unlock()
			tenants = v
			return nil
		})
		ctx.Export("tenants", out)
		return nil
	}, mockcloud.Options{
		Project: "tenancy", Stack: stack, Config: config, SecretKeys: secretKeys, Password: sentinelPassword,
		StackOutputs: map[string]any{"tenants": previous}, References: mergeRefs(refs),
	})
	mu.Lock()
	defer mu.Unlock()
	return cloud, tenants, err
}

func mergeRefs(refs []map[string]map[string]any) map[string]map[string]any {
	out := map[string]map[string]any{}
	for _, r := range refs {
		maps.Copy(out, r)
	}
	return out
}

// runStack runs a committed stack file and fails the test on error.
func runStack(t testing.TB, stack string) (*mockcloud.Cloud, map[string]any) {
	t.Helper()
	config, secrets := stackConfig(t, stack)
	cloud, tenants, err := run(t, stack, config, secrets, nil)
	if err != nil {
		t.Fatalf("stack %s: %v", stack, err)
	}
	return cloud, tenants
}

// editTenants rewrites the tenants list of a config map.
func editTenants(t testing.TB, config map[string]string, edit func([]map[string]any) []map[string]any) {
	t.Helper()
	var tenants []map[string]any
	if err := json.Unmarshal([]byte(config["tenancy:tenants"]), &tenants); err != nil {
		t.Fatal(err)
	}
	out, err := json.Marshal(edit(tenants))
	if err != nil {
		t.Fatal(err)
	}
	config["tenancy:tenants"] = string(out)
}

// tenantOf returns the tenant a resource belongs to: the component itself or
// the name of the component that is its parent.
func tenantOf(r mockcloud.Resource) string {
	if r.Type == tenant.TypeToken {
		return r.Name
	}
	if p := resource.URN(r.Parent); p.IsValid() && p.Type() == tenant.TypeToken {
		return p.Name()
	}
	return ""
}

// byName indexes resources by logical name.
func byName(rs []mockcloud.Resource) map[string]mockcloud.Resource {
	out := map[string]mockcloud.Resource{}
	for _, r := range rs {
		out[r.Name] = r
	}
	return out
}

// plainStrings returns every string in v that is not inside a secret.
func plainStrings(v resource.PropertyValue) []string {
	switch {
	case v.IsSecret():
		return nil
	case v.IsString():
		return []string{v.StringValue()}
	case v.IsArray():
		var out []string
		for _, e := range v.ArrayValue() {
			out = append(out, plainStrings(e)...)
		}
		return out
	case v.IsObject():
		var out []string
		for _, e := range v.ObjectValue() {
			out = append(out, plainStrings(e)...)
		}
		return out
	case v.IsOutput():
		if o := v.OutputValue(); !o.Secret {
			return plainStrings(o.Element)
		}
	}
	return nil
}

// containsAny reports whether any of the strings contains any needle.
func containsAny(haystack []string, needles ...string) bool {
	for _, h := range haystack {
		for _, n := range needles {
			if strings.Contains(h, n) {
				return true
			}
		}
	}
	return false
}

func mustKey(k string) resource.PropertyKey { return resource.PropertyKey(k) }

// policyStatement is one statement of an IAM policy as the tests read it.
type policyStatement struct {
	Sid               string
	Effect            string
	Action, NotAction []string
	Resource          []string
	Principal         map[string]any
	Condition         map[string]map[string]any
}

// policyStatements parses an IAM policy document.
func policyStatements(t testing.TB, doc string) []policyStatement {
	t.Helper()
	var policy struct{ Statement []policyStatement }
	if err := json.Unmarshal([]byte(doc), &policy); err != nil {
		t.Fatalf("policy %q: %v", doc, err)
	}
	return policy.Statement
}
