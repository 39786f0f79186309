package stackconfig

import (
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/amplify-tenancy/tenancy/tenant"
)

// Deployed is what the last update deployed for one tenant, read back from
// the stack's "tenants" output (the fields the checks need).
type Deployed struct {
	Region   string `json:"region"`
	Status   string `json:"status"`
	Database struct {
		Engine string `json:"engine"`
	} `json:"database"`
}

// CheckDeployed refuses the config edits that would make the engine
// destroy a deployed tenant's data, before anything is registered:
//   - a tenant's region or database engine changed: the engine would
//     replace its key and database with new, empty ones (refused in every
//     stack; the design never moves a tenant in place);
//   - with protect on, a tenant removed from config that was not offboarded
//     first: the engine would delete its site, roles and backup plan and
//     only then stop at the protected data.
//
// A tenant renamed through formerIds counts as the same tenant. deployed is
// keyed by tenant id; nil (a first deployment) passes.
func (f *Fleet) CheckDeployed(deployed map[string]Deployed) error {
	current := map[string]*Tenant{}
	for i := range f.Tenants {
		t := &f.Tenants[i]
		for _, id := range append([]string{t.ID}, t.FormerIDs...) {
			current[id] = t
		}
	}
	var errs []error
	fail := func(id, field, format string, v ...any) {
		errs = append(errs, &tenant.FieldError{Tenant: id, Field: field, Err: fmt.Errorf(format, v...)})
	}
	for _, id := range slices.Sorted(maps.Keys(deployed)) {
		d := deployed[id]
		t, ok := current[id]
		var engine tenant.DatabaseEngine
		if ok {
			// Unset means the tenant package's default, which the output records.
			if engine = t.Args.Database.Engine; engine == "" {
				engine = tenant.EngineDynamoDB
			}
		}
		switch {
		case !ok && f.Protect && d.Status != string(tenant.StatusOffboarded):
			fail(id, "", "is deployed but no longer in config; with protect on, set its status to offboarded "+
				"first (its data stays, protected), then remove it")
		case !ok:
		case t.Args.Region != d.Region:
			fail(t.ID, "region", "is %q but the tenant is deployed in %q; a tenant's region never changes in place "+
				"(its key and database would be recreated empty)", t.Args.Region, d.Region)
		case string(engine) != d.Database.Engine:
			fail(t.ID, "database.engine", "is %q but the tenant is deployed with %q; the engine never changes in place "+
				"(the database would be recreated empty)", engine, d.Database.Engine)
		}
	}
	return errors.Join(errs...)
}
