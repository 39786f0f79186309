package stackconfig

import (
	"encoding/json"
	"fmt"

	"github.com/amplify-tenancy/tenancy/tenant"
)

// parseMovedOut reads tenancy:movedOut, the tenants a stack hands over to
// another stack with `pulumi state move` (docs/performance.md). Naming them
// is the deliberate step that lets the stack drop them from its outputs;
// without it the program refuses, because dropping a tenant that is still in
// state would delete it.
func parseMovedOut(src Source) ([]string, []error) {
	raw, ok := src.Get(KeyMovedOut)
	if !ok {
		return nil, nil
	}
	var ids []string
	if err := json.Unmarshal([]byte(raw), &ids); err != nil {
		return nil, []error{&tenant.FieldError{Field: KeyMovedOut, Err: fmt.Errorf("must be a list of tenant ids: %v", err)}}
	}
	var errs []error
	for i, id := range ids {
		if err := tenant.ValidateID(id); err != nil {
			errs = append(errs, &tenant.FieldError{Field: fmt.Sprintf("%s[%d]", KeyMovedOut, i), Err: fmt.Errorf("%q is not a tenant id", id)})
		}
	}
	return ids, errs
}
