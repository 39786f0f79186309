package main

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/amplify-tenancy/tenancy/internal/mockcloud"
	"github.com/amplify-tenancy/tenancy/tenant"
)

// fleetRegions are the regions a generated fleet spreads over: the 17 the
// performance issue names, taken from the start of tenant.AmplifyRegions() so
// a generated tenant is always valid.
var fleetRegions = tenant.AmplifyRegions()[:17]

// fleetConfig returns the stack config of a prod fleet of n tenants dealt
// round-robin over fleetRegions. Every fifth tenant runs Aurora with backups
// and every seventh is a static site, so the mix of resource shapes is the
// one a real fleet has rather than n copies of the smallest tenant.
func fleetConfig(t testing.TB, n int) (map[string]string, []string) {
	t.Helper()
	tenants := make([]map[string]any, n)
	for i := range n {
		e := map[string]any{
			"id":     fmt.Sprintf("tenant-%04d", i),
			"name":   fmt.Sprintf("Tenant %d", i),
			"region": fleetRegions[i%len(fleetRegions)],
		}
		if i%5 == 0 {
			e["database"] = map[string]any{"engine": "aurora-postgresql", "maxCapacity": 8}
			e["backup"] = map[string]any{"schedule": "cron(0 3 * * ? *)", "retentionDays": 14}
		}
		if i%7 == 0 {
			e["platform"] = "WEB"
		}
		tenants[i] = e
	}
	raw, err := json.Marshal(tenants)
	if err != nil {
		t.Fatal(err)
	}
	return map[string]string{
		"tenancy:repository":  "https://github.com/amplify-tenancy/storefront",
		"tenancy:branch":      "main",
		"tenancy:protect":     "true",
		"tenancy:accessToken": sentinelToken,
		"tenancy:tenants":     string(raw),
	}, []string{"tenancy:accessToken"}
}

// runFleet runs the real program over a generated fleet of n tenants.
func runFleet(t testing.TB, n int) *mockcloud.Cloud {
	t.Helper()
	config, secrets := fleetConfig(t, n)
	cloud, _, err := run(t, "prod", config, secrets, nil)
	if err != nil {
		t.Fatalf("%d tenants: %v", n, err)
	}
	return cloud
}

// countType counts the registered resources of one type.
func countType(rs []mockcloud.Resource, typ string) int {
	n := 0
	for _, r := range rs {
		if r.Type == typ {
			n++
		}
	}
	return n
}

// TestProvidersScaleWithRegionsNotTenants guards the memory budget: the
// engine starts one aws provider process per provider resource, so a fleet
// of 1,000 tenants must still start one per region.
func TestProvidersScaleWithRegionsNotTenants(t *testing.T) {
	for _, n := range []int{1, 17, 1000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			rs := runFleet(t, n).Resources()
			want := min(n, len(fleetRegions))
			if got := countType(rs, "pulumi:providers:aws"); got != want {
				t.Errorf("%d tenants: %d aws providers, want %d (one per region)", n, got, want)
			}
			if got := countType(rs, tenant.TypeToken); got != n {
				t.Errorf("%d tenants: %d components, want %d", n, got, n)
			}
		})
	}
}

// TestRegionsSettingDeploysOnlyThoseRegions runs one stack of a fleet split
// by region: only its regions get a provider, only their tenants deploy.
func TestRegionsSettingDeploysOnlyThoseRegions(t *testing.T) {
	cases := []struct {
		regions   string
		providers int
		tenants   int
	}{
		{"", 17, 100},
		{`["eu-central-1","eu-west-1"]`, 2, 12}, // 100 tenants over 17 regions: 6 each in the first 15
		{`["us-east-1"]`, 1, 5},
	}
	for _, c := range cases {
		t.Run(c.regions, func(t *testing.T) {
			config, secrets := fleetConfig(t, 100)
			config["tenancy:regions"] = c.regions
			cloud, out, err := run(t, "prod", config, secrets, nil)
			if err != nil {
				t.Fatal(err)
			}
			rs := cloud.Resources()
			if got := countType(rs, "pulumi:providers:aws"); got != c.providers {
				t.Errorf("%d aws providers, want %d", got, c.providers)
			}
			if got := countType(rs, tenant.TypeToken); got != c.tenants || len(out) != c.tenants {
				t.Errorf("%d components and %d outputs, want %d tenants", got, len(out), c.tenants)
			}
		})
	}
}
