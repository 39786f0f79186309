// Package stackconfig turns a stack's configuration (keys under "tenancy:")
// into validated tenant.TenantStackArgs, for the Pulumi program and for the
// offline commands alike, so both check a stack exactly the same way.
//
// Parsing is strict: an unknown or misspelt key, a wrong type, a duplicate
// ID or any problem tenant.TenantStackArgs.Validate finds is reported, all at
// once, each naming the tenant and the field. Tenants, tenancy:quotas and
// tenancy:network are read by one decoder (decodeStrict), field by field, so
// one wrong value hides no other problem.
//
// A stack file is refused when it could be read two ways or leaks a secret:
// a key set twice under two spellings (tenancy:tenants and tenants), a
// secret key in plain text (its value is never repeated), tenants: null,
// two tenants serving one host name (every custom domain is served with
// www. too), movedOut naming a tenant the stack still deploys. Sizes are
// capped (limits.go), and every check is linear in the size of the input.
package stackconfig
