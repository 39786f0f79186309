package main

import (
	"slices"
	"testing"

	"github.com/amplify-tenancy/tenancy/internal/stackconfig"
	"github.com/amplify-tenancy/tenancy/tenant"
)

// TestSplitExampleDeploysEveryTenantOnce runs the real program on each of
// the example pair of split stack files and checks that together they
// deploy every listed tenant exactly once.
func TestSplitExampleDeploysEveryTenantOnce(t *testing.T) {
	deployedBy := map[string][]string{}
	var listed []string
	for _, stack := range []string{"prod-eu", "prod-world"} {
		f, err := stackconfig.ReadFile("docs/split-stacks/Pulumi." + stack + ".yaml")
		if err != nil {
			t.Fatal(err)
		}
		config, secrets := f.Config(map[string]string{stackconfig.KeyAccessToken: sentinelToken})
		cloud, _, err := run(t, stack, config, secrets, nil)
		if err != nil {
			t.Fatalf("stack %s: %v", stack, err)
		}
		for _, r := range cloud.Resources() {
			if r.Type == tenant.TypeToken {
				deployedBy[r.Name] = append(deployedBy[r.Name], stack)
			}
		}
		fleet, err := stackconfig.Parse(f.Source())
		if err != nil {
			t.Fatal(err)
		}
		for _, tn := range fleet.Tenants {
			listed = append(listed, tn.ID)
		}
		listed = append(listed, fleet.Skipped...)
	}
	slices.Sort(listed)
	listed = slices.Compact(listed)
	if len(listed) < 2 {
		t.Fatalf("example lists %v", listed)
	}
	for _, id := range listed {
		if got := deployedBy[id]; len(got) != 1 {
			t.Errorf("tenant %q deployed by stacks %v, want exactly one", id, got)
		}
	}
}
