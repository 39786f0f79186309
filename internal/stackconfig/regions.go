package stackconfig

import (
	"slices"

	"github.com/amplify-tenancy/tenancy/tenant"
)

// parseRegions reads the regions this stack deploys; nil means every region.
// A fleet split into one stack per region sets it in each stack file.
func parseRegions(src Source) ([]string, []error) {
	return stringList(src, KeyRegions, "region names", func(i int, r string, all []string) string {
		switch {
		case !tenant.IsAmplifyRegion(r):
			return "does not offer Amplify Hosting"
		case slices.Index(all, r) < i:
			return "is listed twice"
		}
		return ""
	})
}

// selectRegions keeps the tenants of the regions this stack deploys and
// records the others as skipped. Every tenant was validated first, so a
// stack file shared by several stacks is checked whole by each of them.
func (f *Fleet) selectRegions() {
	if len(f.Selected) == 0 {
		return
	}
	var kept []Tenant
	for _, t := range f.Tenants {
		if slices.Contains(f.Selected, t.Args.Region) {
			kept = append(kept, t)
		} else {
			f.Skipped = append(f.Skipped, t.ID)
		}
	}
	f.Tenants = kept
}
