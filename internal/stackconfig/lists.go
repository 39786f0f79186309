package stackconfig

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/amplify-tenancy/tenancy/tenant"
)

// stringList reads a stack key holding a list of distinct strings, at most
// limit of them, checking each item with check (which returns a reason, or
// "" when the item is fine). An item listed twice is reported at its second
// place. The checks are linear in the length of the list.
func stringList(src Source, key, what string, limit int, check func(item string) string) ([]string, []error) {
	raw, ok := src.Get(key)
	if !ok {
		return nil, nil
	}
	// Count first: a list far too long is refused before its items are
	// decoded one by one.
	var count []json.RawMessage
	if json.Unmarshal([]byte(raw), &count) == nil && len(count) > limit {
		return nil, []error{&tenant.FieldError{Field: key, Err: fmt.Errorf("has %d entries; at most %d are allowed", len(count), limit)}}
	}
	var items []string
	if problems := decodeStrict([]byte(raw), &items); len(problems) > 0 {
		if problems[0].field == "" {
			got := strings.TrimPrefix(problems[0].msg, "want a list, ")
			return nil, []error{&tenant.FieldError{Field: key, Err: fmt.Errorf("must be a list of %s, %s", what, got)}}
		}
		var errs []error
		for _, p := range problems {
			errs = append(errs, &tenant.FieldError{Field: key + p.field, Err: fmt.Errorf("%s", p.msg)})
		}
		return nil, errs
	}
	var errs []error
	first := make(map[string]int, len(items))
	for i, item := range items {
		field := fmt.Sprintf("%s[%d]", key, i)
		if at, dup := first[item]; dup {
			errs = append(errs, &tenant.FieldError{Field: field, Err: fmt.Errorf("%q is listed twice (first at %s[%d])", item, key, at)})
			continue
		}
		first[item] = i
		if reason := check(item); reason != "" {
			errs = append(errs, &tenant.FieldError{Field: field, Err: fmt.Errorf("%q %s", item, reason)})
		}
	}
	return items, errs
}
