package stackconfig

import "github.com/amplify-tenancy/tenancy/tenant"

// Caps on the size of a stack's configuration. Each is far above any real
// fleet; they keep a mistake (a list pasted a thousand times, a generator
// gone wrong) from being read as intended, and keep a parse quick. Every
// check of the parser is linear in the size of its input besides; the caps
// bound the length of the problem lists a wrong input produces.
const (
	// maxFileBytes is the largest stack file, and the largest value of one
	// key a running program accepts: 10 MiB. A tenant takes about 100 to
	// 500 bytes, so maxTenants of them fit with room to spare.
	maxFileBytes = 10 << 20
	// maxTenants is the most tenants one stack may list: 10,000. One
	// stack's deployment is bounded by the engine's memory and time long
	// before this (docs/performance.md: split a fleet into stacks).
	maxTenants = 10_000
	// maxMovedOut is the most IDs tenancy:movedOut may list: 10,000, as
	// many as a stack may list tenants.
	maxMovedOut = maxTenants
	// maxFormerIDs is the most former IDs one tenant may list: 100 renames.
	maxFormerIDs = 100
	// maxSecurityGroups is the most security groups one network may name:
	// 16, the most an elastic network interface (and so an Aurora
	// instance) can have (Amazon VPC quotas).
	maxSecurityGroups = 16
)

// maxRegions is the most entries tenancy:regions and tenancy:network may
// have: each Amplify region at most once.
var maxRegions = len(tenant.AmplifyRegions())
