package stackconfig

import (
	"encoding/json"
	"fmt"

	"github.com/amplify-tenancy/tenancy/tenant"
)

// stringList reads a stack key holding a list of strings, checking each
// item with check (which returns a reason, or "" when the item is fine).
func stringList(src Source, key, what string, check func(i int, item string, all []string) string) ([]string, []error) {
	raw, ok := src.Get(key)
	if !ok {
		return nil, nil
	}
	var items []string
	if err := json.Unmarshal([]byte(raw), &items); err != nil {
		return nil, []error{&tenant.FieldError{Field: key, Err: fmt.Errorf("must be a list of %s: %v", what, err)}}
	}
	var errs []error
	for i, item := range items {
		if reason := check(i, item, items); reason != "" {
			errs = append(errs, &tenant.FieldError{Field: fmt.Sprintf("%s[%d]", key, i), Err: fmt.Errorf("%q %s", item, reason)})
		}
	}
	return items, errs
}
