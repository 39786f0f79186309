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
//
// Each stack may be given once: two files of one stack name would be two
// versions of one stack's config, and the checks would mix them up.
func CheckSplit(files []*File) error {
	idx := newSplitIndex()
	var errs []error
	given := make(map[string]int, len(files)) // stack -> times given
	for _, f := range files {
		given[f.Stack]++
	}
	for _, stack := range slices.Sorted(maps.Keys(given)) {
		if n := given[stack]; n > 1 {
			errs = append(errs, fmt.Errorf("stack %s: %w", stack, &tenant.FieldError{Err: fmt.Errorf("is given %d times; a split fleet names each stack once, with one file", n)}))
		}
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	for _, f := range files {
		if err := idx.add(f); err != nil {
			errs = append(errs, fmt.Errorf("stack %s: %w", f.Stack, err))
		}
	}
	if len(errs) > 0 {
		// Without every stack's tenants and regions the checks below would
		// only repeat these problems as missing tenants.
		return errors.Join(errs...)
	}
	if len(files) > 1 {
		errs = append(errs, idx.unselective()...)
	}
	errs = append(errs, idx.environmentProblems()...)
	errs = append(errs, idx.regionProblems()...)
	errs = append(errs, idx.tenantProblems()...)
	return errors.Join(errs...)
}

// splitIndex is what CheckSplit learns from each stack file.
type splitIndex struct {
	deployers    map[string][]string          // tenant ID -> stacks deploying it
	entries      map[string]map[string]string // tenant ID -> stack -> canonical entry
	regionOf     map[string]string            // tenant ID -> region
	selectors    map[string][]string          // region -> stacks selecting it
	environments map[string][]string          // environment -> stacks
	everything   []string                     // stacks without a regions setting
}

func newSplitIndex() *splitIndex {
	return &splitIndex{deployers: map[string][]string{}, entries: map[string]map[string]string{},
		regionOf: map[string]string{}, selectors: map[string][]string{}, environments: map[string][]string{}}
}

// add parses one stack file as its stack's program would and records it.
func (x *splitIndex) add(f *File) error {
	fleet, err := Parse(f.Source())
	if err != nil {
		return err
	}
	listed, err := tenantEntries(f)
	if err != nil {
		return err
	}
	x.environments[fleet.Environment] = append(x.environments[fleet.Environment], f.Stack)
	if len(fleet.Selected) == 0 {
		x.everything = append(x.everything, f.Stack)
	}
	for _, r := range fleet.Selected {
		x.selectors[r] = append(x.selectors[r], f.Stack)
	}
	for _, t := range fleet.Tenants {
		x.deployers[t.ID] = append(x.deployers[t.ID], f.Stack)
	}
	for id, e := range listed {
		if x.entries[id] == nil {
			x.entries[id] = map[string]string{}
		}
		x.entries[id][f.Stack] = e.canonical
		x.regionOf[id] = e.region
	}
	return nil
}

// unselective reports stacks that deploy every region, which in a split
// fleet overlaps every other stack.
func (x *splitIndex) unselective() []error {
	var errs []error
	for _, s := range x.everything {
		errs = append(errs, fmt.Errorf("stack %s: %s: is not set, so the stack deploys every region; in a split fleet each stack selects its own", s, KeyRegions))
	}
	return errs
}

func (x *splitIndex) environmentProblems() []error {
	if len(x.environments) < 2 {
		return nil
	}
	var parts []string
	for _, env := range slices.Sorted(maps.Keys(x.environments)) {
		parts = append(parts, fmt.Sprintf("%s in %s", joinSorted(x.environments[env]), env))
	}
	return []error{fmt.Errorf("%s: stacks %s; a split fleet shares one environment (it is part of app names), set it explicitly", KeyEnvironment, strings.Join(parts, "; "))}
}

func (x *splitIndex) regionProblems() []error {
	var errs []error
	for _, r := range slices.Sorted(maps.Keys(x.selectors)) {
		if s := x.selectors[r]; len(s) > 1 {
			errs = append(errs, fmt.Errorf("region %s: selected by stacks %s; give each region to one stack", r, joinSorted(s)))
		}
	}
	return errs
}

func (x *splitIndex) tenantProblems() []error {
	var errs []error
	for _, id := range slices.Sorted(maps.Keys(x.entries)) {
		versions := slices.Compact(slices.Sorted(maps.Values(x.entries[id])))
		if len(versions) > 1 {
			stacks := slices.Sorted(maps.Keys(x.entries[id]))
			errs = append(errs, &tenant.FieldError{Tenant: id, Err: fmt.Errorf("listed differently in stacks %s; keep the shared tenants list identical", strings.Join(stacks, ", "))})
		}
		switch d := x.deployers[id]; {
		case len(d) == 0:
			errs = append(errs, &tenant.FieldError{Tenant: id, Field: "region", Err: fmt.Errorf("%s is selected by no stack, so no stack deploys this tenant", x.regionOf[id])})
		case len(d) > 1:
			errs = append(errs, &tenant.FieldError{Tenant: id, Err: fmt.Errorf("deployed by stacks %s; a tenant belongs to exactly one", joinSorted(d))})
		}
	}
	return errs
}

// joinSorted lists stack names in a stable order, whatever the order of
// the files.
func joinSorted(stacks []string) string {
	return strings.Join(slices.Sorted(slices.Values(stacks)), ", ")
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
