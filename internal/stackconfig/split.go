package stackconfig

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/amplify-tenancy/tenancy/tenant"
)

// CheckSplit checks the stack files of one fleet split into several stacks
// (one per region or group of regions, each selecting its regions with
// tenancy:regions): every tenant listed in any of them must be deployed by
// exactly one, no region may be selected by two, all must share one
// environment (it is part of physical names), and a tenant listed in
// several files must be listed identically, so the stack that deploys it
// reads what its reviewers read. It returns every problem, joined.
func CheckSplit(files []*File) error {
	var errs []error
	deployers := map[string][]string{} // tenant ID -> stacks deploying it
	regionOf := map[string]string{}
	entries := map[string]map[string]string{} // tenant ID -> stack -> entry JSON
	selectors := map[string][]string{}        // region -> stacks selecting it
	everything := []string{}                  // stacks without a regions setting
	environments := map[string][]string{}     // environment -> stacks
	for _, f := range files {
		fleet, err := Parse(f.Source())
		if err != nil {
			errs = append(errs, fmt.Errorf("stack %s: %w", f.Stack, err))
			continue
		}
		environments[fleet.Environment] = append(environments[fleet.Environment], f.Stack)
		if len(fleet.Selected) == 0 {
			everything = append(everything, f.Stack)
		}
		for _, r := range fleet.Selected {
			selectors[r] = append(selectors[r], f.Stack)
		}
		for _, t := range fleet.Tenants {
			deployers[t.ID] = append(deployers[t.ID], f.Stack)
		}
		raw, err := tenantEntries(f)
		if err != nil {
			errs = append(errs, fmt.Errorf("stack %s: %w", f.Stack, err))
			continue
		}
		for id, e := range raw {
			if entries[id] == nil {
				entries[id] = map[string]string{}
			}
			entries[id][f.Stack] = e.canonical
			regionOf[id] = e.region
		}
	}
	if len(errs) > 0 {
		// Without every stack's tenants and regions the checks below would
		// only repeat these problems as missing tenants.
		return errors.Join(errs...)
	}
	if len(files) > 1 {
		for _, s := range everything {
			errs = append(errs, fmt.Errorf("stack %s: %s: is not set, so the stack deploys every region; in a split fleet each stack selects its own", s, KeyRegions))
		}
	}
	if len(environments) > 1 {
		var parts []string
		for _, env := range slices.Sorted(maps.Keys(environments)) {
			parts = append(parts, fmt.Sprintf("%s in %s", strings.Join(environments[env], ", "), env))
		}
		errs = append(errs, fmt.Errorf("%s: stacks %s; a split fleet shares one environment (it is part of app names), set it explicitly", KeyEnvironment, strings.Join(parts, "; ")))
	}
	for _, r := range slices.Sorted(maps.Keys(selectors)) {
		if s := selectors[r]; len(s) > 1 {
			errs = append(errs, fmt.Errorf("region %s: selected by stacks %s; give each region to one stack", r, strings.Join(s, ", ")))
		}
	}
	for _, id := range slices.Sorted(maps.Keys(entries)) {
		if stacks := slices.Sorted(maps.Keys(entries[id])); len(slices.Compact(slices.Sorted(maps.Values(entries[id])))) > 1 {
			errs = append(errs, &tenant.FieldError{Tenant: id, Err: fmt.Errorf("listed differently in stacks %s; keep the shared tenants list identical", strings.Join(stacks, ", "))})
		}
		switch d := deployers[id]; {
		case len(d) == 0:
			errs = append(errs, &tenant.FieldError{Tenant: id, Field: "region", Err: fmt.Errorf("%s is selected by no stack, so no stack deploys this tenant", regionOf[id])})
		case len(d) > 1:
			errs = append(errs, &tenant.FieldError{Tenant: id, Err: fmt.Errorf("deployed by stacks %s; a tenant belongs to exactly one", strings.Join(d, ", "))})
		}
	}
	return errors.Join(errs...)
}

// entry is one tenant as a stack file lists it.
type entry struct {
	// canonical is the entry as JSON with its keys sorted, for comparing.
	canonical string
	region    string
}

// tenantEntries returns the tenants a stack file lists, by ID. Parse has
// already checked the list, so only its shape can still be wrong.
func tenantEntries(f *File) (map[string]entry, error) {
	var list []map[string]any
	if err := json.Unmarshal([]byte(f.Values[KeyTenants]), &list); err != nil {
		return nil, fmt.Errorf("%s: %w", KeyTenants, err)
	}
	out := map[string]entry{}
	for _, e := range list {
		canonical, err := json.Marshal(e)
		if err != nil {
			return nil, err
		}
		id, _ := e["id"].(string)
		region, _ := e["region"].(string)
		out[id] = entry{canonical: string(canonical), region: region}
	}
	return out, nil
}
