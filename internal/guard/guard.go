// Package guard refuses config edits that would recreate a tenant's data
// elsewhere, empty, or stop protecting it: a region or database engine
// changed in place, a tenant dropped from config before it was offboarded,
// or a tenant's backup plan removed without confirmation. It compares the
// config with what the stack's own last deployment exported.
package guard

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"

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
}

// Check returns every refused edit at once, each a *tenant.FieldError that
// explains the deliberate way to make the change.
func Check(fleet *stackconfig.Fleet, previous map[string]Previous) error {
	var errs []error
	kept := map[string]bool{}
	for _, t := range fleet.Tenants {
		hadBackup := false
		for _, id := range append([]string{t.ID}, t.FormerIDs...) {
			kept[id] = true
			if before, ok := previous[id]; ok {
				errs = append(errs, checkMove(t, before)...)
				hadBackup = hadBackup || before.Backup
			}
		}
		if hadBackup && t.Args.Backup == nil && !t.ConfirmBackupRemoval {
			errs = append(errs, backupRemoved(t.ID))
		}
	}
	for _, id := range fleet.MovedOut {
		kept[id] = true
	}
	for _, id := range slices.Sorted(maps.Keys(previous)) {
		if !kept[id] && previous[id].Status != string(tenant.StatusOffboarded) {
			errs = append(errs, &tenant.FieldError{Tenant: id, Field: "status", Err: errors.New(
				"the tenant is no longer deployed by this stack while it was " + orActive(previous[id].Status) +
					"; deleting it would delete its data. Offboard it first (status: offboarded), deploy, " +
					"and remove it only after its data may go (README: Offboarding a tenant); if `pulumi state move` " +
					"took it to another stack, list it in movedOut (docs/performance.md)")})
		}
	}
	return errors.Join(errs...)
}

func checkMove(t stackconfig.Tenant, before Previous) []error {
	var errs []error
	changes := []struct{ field, from, to string }{
		{"region", before.Region, t.Args.Region},
		{"database.engine", before.Engine, string(t.Args.Database.Engine)},
	}
	for _, c := range changes {
		if c.from == "" || c.from == c.to || t.ConfirmMove == c.from {
			continue
		}
		errs = append(errs, &tenant.FieldError{Tenant: t.ID, Field: c.field, Err: fmt.Errorf(
			"changing %q to %q would create a new, empty database and leave the data in %q behind. "+
				"Migrate the data first, then confirm with confirmMove: %s on this tenant (README: Moving a tenant)",
			c.from, c.to, c.from, c.from)})
	}
	if err := checkUpgrade(t, before); err != nil {
		errs = append(errs, err)
	}
	return errs
}

// checkUpgrade refuses an Aurora major version change that the cluster
// would silently ignore (the program ignores engineVersion unless
// allowMajorVersionUpgrade is set) or that AWS cannot do (a downgrade).
func checkUpgrade(t stackconfig.Tenant, before Previous) error {
	d := t.Args.Database
	from, to := before.EngineVersion, d.EngineVersion
	if from == "" || from == to || before.Engine != string(d.Engine) {
		return nil
	}
	fail := func(format string, v ...any) error {
		return &tenant.FieldError{Tenant: t.ID, Field: "database.engineVersion", Err: fmt.Errorf(format, v...)}
	}
	f, errFrom := strconv.Atoi(from)
	n, errTo := strconv.Atoi(to)
	switch {
	case errFrom == nil && errTo == nil && n < f:
		return fail("%s -> %s is a downgrade, which Aurora cannot do; restore a snapshot into a new cluster instead (README: Upgrading Aurora)", from, to)
	case !d.AllowMajorVersionUpgrade:
		return fail("%s -> %s is a major version upgrade: it restarts the cluster and cannot be undone. "+
			"Take a snapshot, test the application on %s, then set allowMajorVersionUpgrade: true (README: Upgrading Aurora)", from, to, to)
	}
	return nil
}

// backupRemoved refuses removing the backup plan a tenant was deployed with:
// whatever its status, it stops the tenant's backups for good.
func backupRemoved(id string) error {
	return &tenant.FieldError{Tenant: id, Field: "backup", Err: errors.New(
		"the last deployment backs the tenant up with AWS Backup; removing backup deletes its backup plan " +
			"and selection, so the database gets no new recovery points and the ones in the vault stay only " +
			"until their retention ends (Pulumi also tries to delete the vault, protected in prod). If the " +
			"tenant's backups may stop, confirm with confirmBackupRemoval: true on this tenant " +
			"(README: Removing a tenant's backups)")}
}

func orActive(status string) string {
	if status == "" {
		return string(tenant.StatusActive)
	}
	return status
}
