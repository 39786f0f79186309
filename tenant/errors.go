package tenant

import (
	"errors"
	"fmt"
	"strings"
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

// Unjoin returns the individual problems in err, so each can be reported
// on its own line: the leaves of an errors.Join tree, and of the error
// pulumi.RunErr and pulumi.RunWithContext return, which collect a program's
// error in a hashicorp/go-multierror (its WrappedErrors) and wrap a failure
// found while waiting for outputs ("waiting for RPCs: ..."). A wrapper
// around several problems keeps its text on each of them, and errors.As
// still reaches each problem (a *FieldError) through it.
func Unjoin(err error) []error {
	if err == nil {
		return nil
	}
	if many := children(err); len(many) > 0 {
		var out []error
		for _, e := range many {
			out = append(out, Unjoin(e)...)
		}
		return out
	}
	// A single wrapper (fmt.Errorf with one %w) around several problems.
	inner := errors.Unwrap(err)
	if inner == nil {
		return []error{err}
	}
	leaves := Unjoin(inner)
	if len(leaves) <= 1 {
		return []error{err}
	}
	prefix, ok := strings.CutSuffix(err.Error(), inner.Error())
	out := make([]error, len(leaves))
	for i, leaf := range leaves {
		if ok && prefix != "" {
			leaf = &prefixed{prefix: prefix, err: leaf}
		}
		out[i] = leaf
	}
	return out
}

// children are the errors err holds side by side: errors.Join's and
// fmt.Errorf's with several %w, or go-multierror's (which pulumi.RunErr
// returns, and whose Unwrap gives one error at a time).
func children(err error) []error {
	switch e := err.(type) {
	case interface{ Unwrap() []error }:
		return e.Unwrap()
	case interface{ WrappedErrors() []error }:
		return e.WrappedErrors()
	}
	return nil
}

// prefixed is one problem of several that a wrapper held, with the
// wrapper's text before it.
type prefixed struct {
	prefix string
	err    error
}

func (p *prefixed) Error() string { return p.prefix + p.err.Error() }
func (p *prefixed) Unwrap() error { return p.err }
