package tenant

import (
	"errors"
	"fmt"
)

// FieldError is one problem with one field of one tenant's configuration. Its
// message reads `tenant "acme": database.maxCapacity: 300 is above ...` so a
// user can find the line to fix.
type FieldError struct {
	// Tenant is the tenant ID, empty for a stack-wide setting.
	Tenant string
	// Field is the dotted path of the field, as it is spelled in stack config.
	Field string
	// Err says what is wrong.
	Err error
}

// Error reads `tenant "acme": field: reason`, leaving out what is empty.
func (e *FieldError) Error() string {
	msg := e.Err.Error()
	if e.Field != "" {
		msg = e.Field + ": " + msg
	}
	if e.Tenant != "" {
		msg = fmt.Sprintf("tenant %q: %s", e.Tenant, msg)
	}
	return msg
}

// Unwrap returns the reason, for errors.Is and errors.As.
func (e *FieldError) Unwrap() error { return e.Err }

// fieldErrorf builds a FieldError without a tenant; NewTenantStack and the
// config loader fill the tenant in.
func fieldErrorf(field, format string, a ...any) *FieldError {
	return &FieldError{Field: field, Err: fmt.Errorf(format, a...)}
}

// forTenant sets the tenant on every FieldError in err (a single error or an
// errors.Join of them) and wraps any other error with the tenant's name.
func forTenant(id string, err error) error {
	if err == nil {
		return nil
	}
	var out []error
	for _, e := range Unjoin(err) {
		var fe *FieldError
		if errors.As(e, &fe) {
			copied := *fe
			copied.Tenant = id
			out = append(out, &copied)
			continue
		}
		out = append(out, fmt.Errorf("tenant %q: %w", id, e))
	}
	return errors.Join(out...)
}

// Unjoin flattens an errors.Join tree into its leaves, so each problem can be
// reported on its own line.
func Unjoin(err error) []error {
	if err == nil {
		return nil
	}
	joined, ok := err.(interface{ Unwrap() []error })
	if !ok {
		return []error{err}
	}
	var out []error
	for _, e := range joined.Unwrap() {
		out = append(out, Unjoin(e)...)
	}
	return out
}
