package stackconfig

import (
	"github.com/amplify-tenancy/tenancy/tenant"
)

// parseRegions reads the regions this stack deploys; nil means every region.
// A fleet split into one stack per region sets it in each stack file. Each
// Amplify region may be listed once, so the list has at most maxRegions
// entries.
func parseRegions(src Source) ([]string, []error) {
	return stringList(src, KeyRegions, "region names", maxRegions, func(r string) string {
		if !tenant.IsAmplifyRegion(r) {
			return "does not offer Amplify Hosting"
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
	selected := make(map[string]bool, len(f.Selected))
	for _, r := range f.Selected {
		selected[r] = true
	}
	var kept []Tenant
	for _, t := range f.Tenants {
		if selected[t.Args.Region] {
			kept = append(kept, t)
		} else {
			f.Skipped = append(f.Skipped, t.ID)
		}
	}
	f.Tenants = kept
}
