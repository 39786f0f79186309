package iampolicy

import (
	"fmt"
	"slices"
)

// Check checks the deployer and preview policies against the rows of the
// given resource types and invokes: every type has a row, the deployer
// allows every permission a row's create, read, update and delete
// handlers need, the preview allows every read permission, and the
// preview allows nothing that is not read-only. It returns every problem.
func Check(types []string, deployer, preview *Document) []error {
	var errs []error
	slices.Sort(types)
	for _, t := range slices.Compact(types) {
		row, ok := Table[t]
		if !ok {
			errs = append(errs, fmt.Errorf("%s: no row in iampolicy.Table: add its CloudFormation handler permissions", t))
			continue
		}
		for _, a := range row.Needed() {
			if !deployer.Allows(a) {
				errs = append(errs, fmt.Errorf("%s: deployer policy lacks %s (%s)", t, a, row.Source))
			}
		}
		for _, a := range row.PreviewNeeded() {
			if !preview.Allows(a) {
				errs = append(errs, fmt.Errorf("%s: preview policy lacks %s (%s)", t, a, row.Source))
			}
		}
	}
	for _, a := range preview.Allowed() {
		if !IsReadOnly(a) {
			errs = append(errs, fmt.Errorf("preview policy grants %s, which is not read-only", a))
		}
	}
	return errs
}
