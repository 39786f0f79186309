// Package plan turns what a Pulumi program registered under the mock monitor
// (package mockcloud) into a plan a reviewer can read: per region and
// tenant, every resource with its type, name, protection and the inputs that
// matter, as a table, JSON or a mermaid drawing.
package plan

import (
	"cmp"
	"slices"
	"strings"

	"github.com/amplify-tenancy/tenancy/internal/mockcloud"
	"github.com/amplify-tenancy/tenancy/internal/stackdiff"
	"github.com/amplify-tenancy/tenancy/tenant"
)

// Plan is everything one run of the program would create.
type Plan struct {
	// Stack is the stack name.
	Stack string `json:"stack"`
	// Warnings are problems that did not stop the plan: missing secrets and
	// quotas the fleet exceeds.
	Warnings []string `json:"warnings"`
	// Regions hold the tenants and their resources, sorted by name.
	Regions []Region `json:"regions"`
	// Other are resources in no region and no tenant: the StackReference
	// through which the program reads its last deployment (to refuse moves);
	// anything else appearing here is worth a look.
	Other []Resource `json:"other,omitempty"`
}

// Region is one AWS region: its shared provider and its tenants.
type Region struct {
	// Name is the region, e.g. eu-central-1.
	Name string `json:"name"`
	// Providers are the region's aws providers (one, shared by its tenants).
	Providers []Resource `json:"providers"`
	// Shared are the other resources the region's tenants share (the
	// Aurora network), sorted by name.
	Shared []Resource `json:"shared,omitempty"`
	// Tenants are the tenants deployed into this region, sorted by ID.
	Tenants []Tenant `json:"tenants"`
}

// Tenant is one tenant and every resource it gets.
type Tenant struct {
	// ID is the tenant ID, the name of its component.
	ID string `json:"id"`
	// Resources are the component first, then its children by name.
	Resources []Resource `json:"resources"`
}

// Resource is one resource the program registers.
type Resource struct {
	// Type is the Pulumi type token.
	Type string `json:"type"`
	// Name is the logical name; with Type and the parent it makes the URN.
	Name string `json:"name"`
	// URN is the resource's URN.
	URN string `json:"urn"`
	// Protected says Pulumi refuses to delete the resource.
	Protected bool `json:"protected"`
	// RetainOnDelete says the resource stays in AWS when it leaves the program.
	RetainOnDelete bool `json:"retainOnDelete"`
	// Inputs are the inputs that matter for review, rendered (see Render).
	Inputs map[string]string `json:"inputs,omitempty"`
}

// Count returns the number of resources in the plan.
func (p *Plan) Count() int {
	n := len(p.Other)
	for _, r := range p.Regions {
		n += len(r.Providers) + len(r.Shared)
		for _, t := range r.Tenants {
			n += len(t.Resources)
		}
	}
	return n
}

// TenantCount returns the number of tenants in the plan.
func (p *Plan) TenantCount() int {
	n := 0
	for _, r := range p.Regions {
		n += len(r.Tenants)
	}
	return n
}

// Build groups what cloud recorded by region and tenant. A resource belongs
// to the tenant whose component is its nearest TenantStack ancestor, and a
// tenant to the region of its children's provider.
func Build(stack string, warnings []string, cloud *mockcloud.Cloud) *Plan {
	recorded := cloud.Resources()
	byURN := map[string]mockcloud.Resource{}
	for _, r := range recorded {
		byURN[r.URN] = r
	}
	regions := map[string]*Region{}
	region := func(name string) *Region {
		if regions[name] == nil {
			regions[name] = &Region{Name: name}
		}
		return regions[name]
	}
	tenants := map[string][]Resource{}
	tenantRegion := map[string]string{}
	p := &Plan{Stack: stack}
	for _, w := range warnings {
		p.Warnings = append(p.Warnings, stackdiff.RedactURLs(w))
	}
	for _, r := range recorded {
		id := owner(r, byURN)
		switch {
		case id != "":
			tenants[id] = append(tenants[id], newResource(r))
			if reg := cloud.Region(r.Provider); reg != "" {
				tenantRegion[id] = reg
			}
		case r.Type == "pulumi:providers:aws" && cloud.Region(r.URN) != "":
			reg := region(cloud.Region(r.URN))
			reg.Providers = append(reg.Providers, newResource(r))
		case cloud.Region(r.Provider) != "":
			reg := region(cloud.Region(r.Provider))
			reg.Shared = append(reg.Shared, newResource(r))
		case isShared(r, byURN):
			// The component of a region's shared resources, and its
			// children without an aws provider: its name says its region.
			c, _ := component(r, byURN)
			reg := region(sharedRegion(c.Name))
			reg.Shared = append(reg.Shared, newResource(r))
		default:
			p.Other = append(p.Other, newResource(r))
		}
	}
	for id, rs := range tenants {
		slices.SortFunc(rs, func(a, b Resource) int {
			// The component (named after the tenant) leads its children.
			return cmp.Or(cmp.Compare(boolRank(a.Name != id), boolRank(b.Name != id)), cmp.Compare(a.Name, b.Name))
		})
		reg := region(tenantRegion[id])
		reg.Tenants = append(reg.Tenants, Tenant{ID: id, Resources: rs})
	}
	for _, reg := range regions {
		slices.SortFunc(reg.Tenants, func(a, b Tenant) int { return cmp.Compare(a.ID, b.ID) })
		slices.SortFunc(reg.Providers, byName)
		slices.SortFunc(reg.Shared, byName)
		p.Regions = append(p.Regions, *reg)
	}
	slices.SortFunc(p.Regions, func(a, b Region) int { return cmp.Compare(a.Name, b.Name) })
	slices.SortFunc(p.Other, byName)
	return p
}

// URNs returns the URN of every resource in the plan, sorted.
func (p *Plan) URNs() []string {
	var out []string
	add := func(rs []Resource) {
		for _, r := range rs {
			out = append(out, r.URN)
		}
	}
	add(p.Other)
	for _, reg := range p.Regions {
		add(reg.Providers)
		add(reg.Shared)
		for _, t := range reg.Tenants {
			add(t.Resources)
		}
	}
	slices.Sort(out)
	return out
}

// owner returns the ID of the tenant r belongs to, or "" for none.
func owner(r mockcloud.Resource, byURN map[string]mockcloud.Resource) string {
	if c, ok := component(r, byURN); ok && c.Type == tenant.TypeToken {
		return c.Name
	}
	return ""
}

// component is the tenancy component r is, or is inside of.
func component(r mockcloud.Resource, byURN map[string]mockcloud.Resource) (mockcloud.Resource, bool) {
	for seen := 0; seen <= len(byURN); seen++ {
		if r.Type == tenant.TypeToken || r.Type == tenant.SharedTypeToken {
			return r, true
		}
		parent, ok := byURN[r.Parent]
		if !ok {
			return mockcloud.Resource{}, false
		}
		r = parent
	}
	return mockcloud.Resource{}, false // a parent cycle cannot happen; do not loop on one
}

func newResource(r mockcloud.Resource) Resource {
	return Resource{
		Type:           r.Type,
		Name:           r.Name,
		URN:            r.URN,
		Protected:      r.Protect,
		RetainOnDelete: r.RetainOnDelete,
		Inputs:         keyInputs(r.Type, r.Inputs),
	}
}

func byName(a, b Resource) int { return cmp.Compare(a.Name, b.Name) }

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

func isShared(r mockcloud.Resource, byURN map[string]mockcloud.Resource) bool {
	c, ok := component(r, byURN)
	return ok && c.Type == tenant.SharedTypeToken
}

// sharedRegion is the region of the shared resources named name:
// "<region>-shared" or "<region>-<account>-shared".
func sharedRegion(name string) string {
	name = strings.TrimSuffix(name, "-shared")
	if i := strings.LastIndex(name, "-"); i > 0 && len(name)-i-1 == 12 && strings.Trim(name[i+1:], "0123456789") == "" {
		return name[:i]
	}
	return name
}
