package stackconfig

import (
	"reflect"
	"slices"

	"github.com/amplify-tenancy/tenancy/internal/quota"
)

// The parser's own tables, exported for internal/editorschema, which
// generates the editor schema of stack files (docs/stack.schema.json) from
// them, so the schema follows every key and field the parser learns.

// StackKeys returns every key a stack file may set under "tenancy:", in
// the order the parser declares them.
func StackKeys() []string { return slices.Clone(stackKeys) }

// ValueType returns the Go type the parser decodes a structured key's value
// into (decodeStrict reads its json tags, and nothing else, as keys), or nil
// for a key whose value is a single string or boolean.
func ValueType(key string) reflect.Type {
	switch key {
	case KeyTenants:
		return reflect.TypeFor[[]tenantEntry]()
	case KeyRegions, KeyMovedOut:
		return reflect.TypeFor[[]string]()
	case KeyQuotas:
		return reflect.TypeFor[quota.Limits]()
	case KeyNetwork:
		return reflect.TypeFor[map[string]Network]()
	case KeyTiers:
		return reflect.TypeFor[map[string]TierDefaults]()
	case KeySharedCluster:
		return reflect.TypeFor[sharedClusterEntry]()
	}
	return nil
}

// ListCaps returns the most entries each capped list or map may have
// (limits.go), by its dotted path from the stack key, with * for any key of
// a map: tenants, tenants.formerIds, movedOut, regions, network,
// network.*.securityGroupIds.
func ListCaps() map[string]int {
	return map[string]int{
		KeyTenants:                         maxTenants,
		KeyTenants + ".formerIds":          maxFormerIDs,
		KeyMovedOut:                        maxMovedOut,
		KeyRegions:                         maxRegions,
		KeyNetwork:                         maxRegions,
		KeyNetwork + ".*.securityGroupIds": maxSecurityGroups,
	}
}
