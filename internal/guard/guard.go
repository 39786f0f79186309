// Package guard refuses config edits that would recreate a tenant's data
// elsewhere, empty, or stop protecting it: a region or database engine
// changed in place, a tenant dropped from config before it was offboarded,
// or a tenant's backup plan removed without confirmation. It compares the
// config with what the stack's own last deployment exported, by the rules
// of internal/risk, and refuses the risks those rules guard until config
// confirms them.
package guard

import (
	"errors"

	"github.com/amplify-tenancy/tenancy/internal/risk"
	"github.com/amplify-tenancy/tenancy/internal/stackconfig"
	"github.com/amplify-tenancy/tenancy/tenant"
)

// Previous is what the last deployment exported of one tenant.
type Previous struct {
	// Region is the region the tenant was deployed to.
	Region string
	// Engine is its database engine.
	Engine string
	// EngineVersion is its Aurora major version; empty for DynamoDB and for
	// deployments made before the output had it.
	EngineVersion string
	// Status is its lifecycle status.
	Status string
	// Backup reports whether the tenant had an AWS Backup plan (backup:).
	Backup bool
	// Isolation is its isolation level.
	Isolation string
	// Account is its account: an account ID or risk.OwnAccount.
	Account string
}

// Check returns every refused edit at once: each risk of deploying fleet
// over previous (risk.Assess) that the program refuses unconfirmed, as a
// *tenant.FieldError that explains the deliberate way to make the change.
func Check(fleet *stackconfig.Fleet, previous map[string]Previous) error {
	before := make(map[string]risk.Tenant, len(previous))
	for id, p := range previous {
		before[id] = risk.Tenant{Region: p.Region, Engine: p.Engine, EngineVersion: p.EngineVersion, Status: p.Status, Backup: p.Backup,
			Isolation: p.Isolation, Account: p.Account}
	}
	var errs []error
	for _, r := range risk.Assess(before, fleet) {
		if r.Refused() {
			errs = append(errs, &tenant.FieldError{Tenant: r.Tenant, Field: r.Field, Err: errors.New(r.Text())})
		}
	}
	return errors.Join(errs...)
}
