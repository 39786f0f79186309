// Package stackconfig turns a stack's configuration (keys under "tenancy:")
// into validated tenant.TenantStackArgs, for the Pulumi program and for the
// offline commands alike, so both check a stack exactly the same way.
//
// Parsing is strict: an unknown or misspelt key, a wrong type, a duplicate
// ID or any problem the tenant package's rules find is reported, all at
// once, each naming the tenant and the field. The rules are the tenant
// package's own, never restated here: the shared settings are checked once
// (TenantStackArgs.ValidateShared, named by their stack keys), then each
// tenant (ValidateOwn, and ValidateBranch for its own branch). Tenants, tenancy:quotas and
// tenancy:network are read by one decoder (decodeStrict), field by field, so
// one wrong value hides no other problem.
//
// A stack file is refused when it could be read two ways or leaks a secret:
// a key set twice under two spellings (tenancy:tenants and tenants), a
// secret key in plain text, or any key of another namespace whose name or
// value looks like a secret (internal/secretrules; the value is never
// repeated), tenants: null,
// two tenants serving one host name (every custom domain is served with
// www. too), movedOut naming a tenant the stack still deploys. Sizes are
// capped (limits.go), and every check is linear in the size of the input.
package stackconfig
