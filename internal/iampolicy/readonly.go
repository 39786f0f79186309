package iampolicy

import "strings"

// readPrefixes begin the names of actions that only read (Service
// Authorization Reference: the "List" and "Read" access levels are named
// Get*, List*, Describe* and BatchGet* throughout the services tenancy
// uses).
var readPrefixes = []string{"get", "list", "describe", "batchget"}

// readOnlyExtras are read-only actions outside those prefixes that a
// preview needs: assuming a tenant account's role changes nothing
// (STS API reference, AssumeRole) and is how the account-scoped providers
// read that account at all.
var readOnlyExtras = map[string]bool{"sts:assumerole": true}

// IsReadOnly reports whether an action, or every action a pattern names,
// only reads. A pattern is read-only when its fixed part begins with a
// read prefix: "amplify:Get*" is, "amplify:*" and "*" are not.
func IsReadOnly(action string) bool {
	a := strings.ToLower(action)
	if readOnlyExtras[a] {
		return true
	}
	_, name, ok := strings.Cut(a, ":")
	if !ok {
		return false
	}
	for _, p := range readPrefixes {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}
