package main

import (
	"maps"
	"slices"
	"testing"

	"github.com/amplify-tenancy/tenancy/internal/mockcloud"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// maxTenantChain is the most resources one tenant's longest dependency chain
// may hold. Today key -> database -> app -> branch -> domain reaches it: the
// app waits for its database, whose name and ARN are in its variables (the
// data contract), so the bound went from four to five. The engine creates a
// chain one link at a time, so this bounds one tenant's deployment at five
// resource creations in a row however large the fleet is; raise it knowingly.
const maxTenantChain = 5

// owners maps every resource URN to the tenant that owns it, following
// parents up to the TenantStack component; shared resources (providers, the
// stack) map to "".
func owners(rs []mockcloud.Resource) map[string]string {
	byURN := map[string]mockcloud.Resource{}
	for _, r := range rs {
		byURN[r.URN] = r
	}
	out := map[string]string{}
	for _, r := range rs {
		for cur, ok := r, true; ok; cur, ok = byURN[cur.Parent] {
			if id := tenantOf(cur); id != "" {
				out[r.URN] = id
				break
			}
		}
	}
	return out
}

// edges are the URNs a resource waits for: its dependencies (explicit and
// through inputs), its parent and its provider.
func edges(r mockcloud.Resource) []string {
	out := slices.Clone(r.Dependencies)
	if r.Parent != "" {
		out = append(out, r.Parent)
	}
	if r.Provider != "" {
		out = append(out, r.Provider)
	}
	return out
}

// longestChains returns, per tenant, the number of resources in its longest
// chain of dependencies on its own resources (parents excluded: a component
// registers at once, it is never waited for).
func longestChains(rs []mockcloud.Resource, owner map[string]string) map[string]int {
	byURN := map[string]mockcloud.Resource{}
	for _, r := range rs {
		byURN[r.URN] = r
	}
	depth := map[string]int{}
	var visit func(urn string) int
	visit = func(urn string) int {
		if d, ok := depth[urn]; ok {
			return d
		}
		depth[urn] = 0 // a cycle cannot be registered; this only stops a loop
		d := 1
		for _, dep := range byURN[urn].Dependencies {
			if owner[dep] != "" && owner[dep] == owner[urn] {
				d = max(d, 1+visit(dep))
			}
		}
		depth[urn] = d
		return d
	}
	out := map[string]int{}
	for _, r := range rs {
		if id := owner[r.URN]; id != "" && r.Custom {
			out[id] = max(out[id], visit(r.URN))
		}
	}
	return out
}

// TestTenantsAreIndependent proves the engine may deploy tenants side by
// side: no resource of one tenant waits for a resource of another, and each
// tenant's longest dependency chain stays within maxTenantChain.
func TestTenantsAreIndependent(t *testing.T) {
	clouds := map[string]*mockcloud.Cloud{"generated-100": runFleet(t, 100)}
	for _, stack := range stackFiles {
		clouds[stack], _ = runStack(t, stack)
	}
	for name, cloud := range clouds {
		t.Run(name, func(t *testing.T) {
			rs := cloud.Resources()
			owner := owners(rs)
			for _, r := range rs {
				id := owner[r.URN]
				if id == "" {
					continue
				}
				for _, dep := range edges(r) {
					if other := owner[dep]; other != "" && other != id {
						t.Errorf("tenant %q: %s waits for %s of tenant %q", id, r.Name, resource.URN(dep).Name(), other)
					}
				}
			}
			chains := longestChains(rs, owner)
			if len(chains) == 0 {
				t.Fatal("no tenant resources registered")
			}
			for id, n := range chains {
				if n > maxTenantChain {
					t.Errorf("tenant %q: longest dependency chain has %d resources, want at most %d", id, n, maxTenantChain)
				}
			}
			t.Logf("longest chain: %d resources", slices.Max(slices.Collect(maps.Values(chains))))
		})
	}
}
