package stackconfig

import (
	"fmt"

	"github.com/amplify-tenancy/tenancy/tenant"
)

// parseMovedOut reads tenancy:movedOut, the tenants a stack hands over to
// another stack with `pulumi state move` (docs/performance.md). Naming them
// is the deliberate step that lets the stack drop them from its outputs;
// without it the program refuses, because dropping a tenant that is still in
// state would delete it. At most maxMovedOut IDs, each once.
func parseMovedOut(src Source) ([]string, []error) {
	return stringList(src, KeyMovedOut, "tenant ids", maxMovedOut, func(id string) string {
		if tenant.ValidateID(id) != nil {
			return "is not a tenant id"
		}
		return ""
	})
}

// checkMovedOut refuses a movedOut ID that this stack still deploys: a
// tenant listed in tenants whose region the stack selects, or one of its
// former IDs. Such a tenant has not been handed over, and listing it would
// let the stack drop it while it still holds it. A tenant listed in tenants
// but outside the stack's regions (a split fleet shares one tenants list)
// may be named.
func (f *Fleet) checkMovedOut() []error {
	if len(f.MovedOut) == 0 {
		return nil
	}
	deployed := make(map[string]string, len(f.Tenants)) // ID or former ID -> tenant
	for _, t := range f.Tenants {
		deployed[t.ID] = t.ID
		for _, former := range t.FormerIDs {
			deployed[former] = t.ID
		}
	}
	var errs []error
	for i, id := range f.MovedOut {
		owner, ok := deployed[id]
		if !ok {
			continue
		}
		field := fmt.Sprintf("%s[%d]", KeyMovedOut, i)
		if owner == id {
			errs = append(errs, &tenant.FieldError{Field: field, Err: fmt.Errorf("%q is still deployed by this stack (it is in tenants and its region is selected); movedOut may name only tenants another stack now holds", id)})
		} else {
			errs = append(errs, &tenant.FieldError{Field: field, Err: fmt.Errorf("%q is a former id of tenant %q, which this stack still deploys; movedOut may name only tenants another stack now holds", id, owner)})
		}
	}
	return errs
}
