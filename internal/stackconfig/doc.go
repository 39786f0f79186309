// Package stackconfig turns a stack's configuration (keys under "tenancy:")
// into validated tenant.TenantStackArgs, for the Pulumi program and for the
// offline commands alike, so both check a stack exactly the same way.
//
// Parsing is strict: an unknown or misspelt key, a wrong type, a duplicate
// ID or any problem tenant.TenantStackArgs.Validate finds is reported, all at
// once, each naming the tenant and the field.
package stackconfig
