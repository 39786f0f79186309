package stackconfig

import "github.com/amplify-tenancy/tenancy/tenant"

// parseMovedOut reads tenancy:movedOut, the tenants a stack hands over to
// another stack with `pulumi state move` (docs/performance.md). Naming them
// is the deliberate step that lets the stack drop them from its outputs;
// without it the program refuses, because dropping a tenant that is still in
// state would delete it.
func parseMovedOut(src Source) ([]string, []error) {
	return stringList(src, KeyMovedOut, "tenant ids", func(_ int, id string, _ []string) string {
		if tenant.ValidateID(id) != nil {
			return "is not a tenant id"
		}
		return ""
	})
}
