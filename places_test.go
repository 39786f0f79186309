package main

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/amplify-tenancy/tenancy/internal/awsrules"
	"github.com/amplify-tenancy/tenancy/internal/mockcloud"
	"github.com/amplify-tenancy/tenancy/tenant"
)

// TestOneProviderAndSharedPerAccountAndRegion: the program creates one aws
// provider per (account, region) that has tenants, never per tenant,
// named aws-<region> or aws-<region>-<account>, assuming the account's
// role; every resource of a tenant, and of its region's shared resources,
// uses its (account, region)'s provider, and the shared component exists
// only where a tenant needs it.
func TestOneProviderAndSharedPerAccountAndRegion(t *testing.T) {
	for _, stack := range awsStacks {
		t.Run(stack, func(t *testing.T) {
			fleet := parsedFleet(t, stack)
			cloud, _ := runStack(t, stack)
			rs := cloud.Resources()
			// What the parsed fleet says each place needs.
			wantProviders := map[string]*tenant.AccountArgs{}
			wantShared := map[string]bool{}
			placeOf := map[string]string{} // tenant -> provider name
			for _, tn := range fleet.Tenants {
				a := tn.Args
				name := tenant.ProviderName(a.Account, a.Region)
				wantProviders[name], placeOf[tn.ID] = a.Account, name
				if a.Database.Engine == tenant.EngineAuroraPostgreSQL || a.Database.Isolation.Pooled() {
					wantShared[tenant.SharedPrefix(a.Account, a.Region)] = true
				}
			}
			providers := map[string]mockcloud.Resource{}
			for _, r := range rs {
				if r.Type == "pulumi:providers:aws" {
					providers[r.URN] = r
					if _, ok := wantProviders[r.Name]; !ok {
						t.Errorf("provider %s serves no (account, region) of the fleet", r.Name)
					}
				}
			}
			if len(providers) != len(wantProviders) {
				t.Errorf("%d providers, want one per (account, region): %d", len(providers), len(wantProviders))
			}
			for _, p := range providers {
				account := wantProviders[p.Name]
				role, _ := awsrules.Plain(p.Inputs)["assumeRole"].(map[string]any)
				switch {
				case account == nil && role != nil:
					t.Errorf("%s assumes a role: %v", p.Name, role)
				case account != nil && (role["roleArn"] != account.RoleArn || role["externalId"] != account.ExternalID):
					t.Errorf("%s assumes %v, want role %s, external id %q", p.Name, role, account.RoleArn, account.ExternalID)
				}
			}
			var shared []string
			for _, r := range rs {
				if r.Type == tenant.SharedTypeToken {
					shared = append(shared, r.Name)
				}
				if !r.Custom || strings.HasPrefix(r.Type, "random:") || strings.HasPrefix(r.Type, "pulumi:") {
					continue
				}
				want := ""
				if id := tenantOf(r); id != "" {
					want = placeOf[id]
				} else if place, ok := strings.CutSuffix(sharedOf(r, rs), "-shared"); ok {
					want = "aws-" + place
				}
				if want != "" && providers[r.Provider].Name != want {
					t.Errorf("%s (%s) uses provider %s, want %s", r.Name, r.Type, providers[r.Provider].Name, want)
				}
			}
			if w := slices.Sorted(maps.Keys(wantShared)); !slices.Equal(slices.Sorted(slices.Values(shared)), w) {
				t.Errorf("shared components %v, want %v", shared, w)
			}
		})
	}
}

// sharedOf is the name of the RegionShared component r is a child of, or "".
func sharedOf(r mockcloud.Resource, rs []mockcloud.Resource) string {
	for _, p := range rs {
		if p.URN == r.Parent && p.Type == tenant.SharedTypeToken {
			return p.Name
		}
	}
	return ""
}
