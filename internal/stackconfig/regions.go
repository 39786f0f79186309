package stackconfig

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/amplify-tenancy/tenancy/tenant"
)

// parseRegions reads the regions this stack deploys; nil means every region.
// A fleet split into one stack per region sets it in each stack file.
func parseRegions(src Source) ([]string, []error) {
	raw, ok := src.Get(KeyRegions)
	if !ok {
		return nil, nil
	}
	fail := func(field, format string, v ...any) error {
		return &tenant.FieldError{Field: field, Err: fmt.Errorf(format, v...)}
	}
	var regions []string
	if err := json.Unmarshal([]byte(raw), &regions); err != nil {
		return nil, []error{fail(KeyRegions, "must be a list of region names: %v", err)}
	}
	var errs []error
	for i, r := range regions {
		field := fmt.Sprintf("%s[%d]", KeyRegions, i)
		switch {
		case !tenant.IsAmplifyRegion(r):
			errs = append(errs, fail(field, "%q does not offer Amplify Hosting", r))
		case slices.Index(regions, r) < i:
			errs = append(errs, fail(field, "%q is listed twice", r))
		}
	}
	return regions, errs
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
