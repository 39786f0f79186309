// Package tenanttest runs a Pulumi program that uses package tenant under
// the Pulumi Go SDK's mocks and records every resource it registers, so a
// team that imports tenant can test its own program without an engine, a
// cloud account or a network: which resources each tenant gets, in which
// region (through which provider), under which parent, with which inputs
// and options (protect, retain on delete, aliases).
//
// The mocks answer as AWS would on create: the inputs come back with the
// outputs tenant reads (ARNs, physical names, the Amplify default domain)
// filled in, in the account AccountID, and the provider functions tenant
// calls (the caller identity, availability zones) are answered for the
// region of the provider they go through. In a preview (Options.Preview)
// those computed outputs are Unknown.
//
// tenancy's own tests, benchmarks and offline plan command run on it too,
// so what a user's test sees is what tenancy itself checks.
package tenanttest
