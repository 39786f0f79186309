// Package risk holds the one set of data-risk rules: the config edits that
// delete or replace a tenant's data-bearing resources (key, database, its
// instances, secret, backups), computed by Assess over parsed, defaulted
// args. The program's guard (internal/guard) refuses the risks that lose
// data irreversibly until config confirms them; `diff` (internal/stackdiff)
// reports every risk, confirmed or not.
//
// The rules, each a Risk with its Field, how config confirms it (Confirm)
// and whether the program refuses it unconfirmed (Guarded):
//
//	Field                   when                                         Confirm                         Guarded
//	protect (stack-wide)    a kept tenant goes from protected to not     -                               no: nothing is deleted yet
//	region                  a kept tenant's region changes               confirmMove: <old region>       yes
//	database.engine         a kept tenant's engine changes               confirmMove: <old engine>       yes
//	database.isolation      a kept tenant's isolation level changes      confirmMove: <old level>        yes
//	account                 a kept tenant's AWS account changes          confirmMove: <old account id,   yes
//	                                                                     or own>
//	confirmMove             names nothing the tenant is leaving (stale,  -                               yes, always
//	                        or a typo that would confirm a later move)
//	status                  a kept tenant becomes offboarded             -                               no: lifecycle step, data kept
//	backup                  a kept tenant's backup block is removed      confirmBackupRemoval: true      yes
//	database.engineVersion  Aurora major version raised                  allowMajorVersionUpgrade: true  yes
//	database.engineVersion  Aurora major version lowered                 - (Aurora cannot downgrade)     yes, always
//	database.instances      fewer Aurora instances                       -                               no: scaling down, the cluster keeps the data
//	database.               Aurora keeps automated backups fewer days,   -                               no: the data stays, its recovery
//	backupRetentionDays     also by tenancy:production turning false                                     window shrinks
//	regions                 a deployed tenant, still listed, is no       movedOut                        yes, whatever its status
//	                        longer deployed: tenancy:regions stopped
//	                        selecting its region
//	id                      a deployed tenant not offboarded is gone     movedOut                        yes
//	                        from the tenants list
//	id                      a deployed, offboarded tenant is gone        movedOut                        no: the last offboarding step
//	id                      a kept tenant is renamed (formerIds) while   - (never in place)              yes, always
//	                        its data is named after its id: Aurora at
//	                        any level, DynamoDB at schema level
//
// A kept tenant is one the after fleet deploys under its ID or lists the
// before ID in its formerIds (a rename). A before field that is unknown
// (the zero value: a deployment's output lacks it) raises nothing, except
// Status, where unknown counts as not offboarded, so a removal stays
// refused.
package risk

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/amplify-tenancy/tenancy/internal/provisioner"
	"github.com/amplify-tenancy/tenancy/internal/stackconfig"
	"github.com/amplify-tenancy/tenancy/tenant"
)

// The config keys that confirm a risk, in the tenant entry (confirmMove,
// confirmBackupRemoval, database.allowMajorVersionUpgrade) or stack-wide
// (movedOut).
const (
	ConfirmMove              = "confirmMove"
	ConfirmBackupRemoval     = "confirmBackupRemoval"
	AllowMajorVersionUpgrade = "allowMajorVersionUpgrade"
	MovedOut                 = stackconfig.KeyMovedOut
)

// Tenant is one deployed tenant as the rules see it. The zero value of a
// field is unknown and raises no risk: Assess reads it from parsed args
// (FromArgs), where every field is known, or from a deployment's output,
// which holds only some.
type Tenant struct {
	// Name is the display name; it hints at a rename without formerIds.
	Name string
	// Region is the region of the tenant's data.
	Region string
	// Engine is the database engine.
	Engine string
	// EngineVersion is the Aurora major version; empty for DynamoDB.
	EngineVersion string
	// Status is the lifecycle status; unknown counts as not offboarded.
	Status string
	// Backup reports a backup plan (backup:); false when unknown.
	Backup bool
	// Instances is the number of Aurora instances; 0 for DynamoDB.
	Instances int
	// BackupRetentionDays is how many days an Aurora tenant's own cluster
	// keeps automated backups; 0 for DynamoDB and pooled tenants.
	BackupRetentionDays int
	// Protect reports protected data resources; false when unknown.
	Protect bool
	// Isolation is the isolation level.
	Isolation string
	// Account is the 12-digit ID of the tenant's own AWS account, or
	// OwnAccount for the deployer's.
	Account string
}

// OwnAccount is Tenant.Account of a tenant in the deployer's own account,
// and what confirmMove says to confirm a move out of it.
const OwnAccount = "own"

// AccountOf is the Account of a tenant whose args name account.
func AccountOf(account *tenant.AccountArgs) string {
	if account == nil {
		return OwnAccount
	}
	return account.AccountID()
}

// FromArgs is the view of a tenant's parsed, defaulted args
// (stackconfig.Tenant.Args).
func FromArgs(a tenant.TenantStackArgs) Tenant {
	t := Tenant{Name: a.DisplayName, Region: a.Region, Engine: string(a.Database.Engine),
		Status: string(a.Status), Backup: a.Backup != nil, Protect: a.Protect,
		Isolation: string(a.Database.Isolation), Account: AccountOf(a.Account)}
	if a.Database.Engine == tenant.EngineAuroraPostgreSQL {
		t.EngineVersion = a.Database.EngineVersion
		if a.Database.Instances != nil {
			t.Instances = *a.Database.Instances
		}
		if a.Database.BackupRetentionDays != nil && !a.Database.Isolation.Pooled() {
			t.BackupRetentionDays = *a.Database.BackupRetentionDays
		}
	}
	return t
}

// Deployed is what a parsed fleet deploys, by tenant ID: its selected
// tenants, not those another stack deploys.
func Deployed(f *stackconfig.Fleet) map[string]Tenant {
	out := make(map[string]Tenant, len(f.Tenants))
	for _, t := range f.Tenants {
		out[t.ID] = FromArgs(t.Args)
	}
	return out
}

// Risk is an edit that would delete or replace data-bearing resources.
type Risk struct {
	// Tenant is the tenant's ID in after, empty for a stack-wide setting.
	Tenant string
	// Field is the setting that causes it.
	Field string
	// Format and Args make the reason: what would happen to the data and
	// the deliberate way to make the change. A string arg is a value shown
	// as it is, a Quoted one in quotes, a Code one as code; each output
	// escapes them its way (Render).
	Format string
	Args   []any
	// Confirm is the config key that confirms the risk, empty when none can.
	Confirm string
	// Confirmed reports that after has the confirmation.
	Confirmed bool
	// Guarded reports that the program refuses the risk while it is not
	// confirmed, since it loses data irreversibly; a deliberate lifecycle
	// step is reported only.
	Guarded bool
}

// Quoted is a reason's value shown in quotes; Code one shown as code.
type (
	Quoted string
	Code   string
)

// Refused reports whether the program refuses the risk.
func (r Risk) Refused() bool { return r.Guarded && !r.Confirmed }

// Render renders the reason, each arg through the function of its kind.
func (r Risk) Render(value, quoted, code func(string) string) string {
	args := make([]any, len(r.Args))
	for i, a := range r.Args {
		switch a := a.(type) {
		case string:
			args[i] = value(a)
		case Quoted:
			args[i] = quoted(string(a))
		case Code:
			args[i] = code(string(a))
		default:
			args[i] = a
		}
	}
	return fmt.Sprintf(r.Format, args...)
}

// Text renders the reason plainly, values as they are, quoted with %q and
// code in backticks: the program's error messages.
func (r Risk) Text() string {
	return r.Render(func(v string) string { return v }, strconv.Quote, func(v string) string { return "`" + v + "`" })
}

// Assess returns every data risk of deploying after where before (tenant
// ID -> what was deployed) is: stack-wide risks first, then each tenant's
// in after's order, then the tenants after no longer deploys, by ID.
func Assess(before map[string]Tenant, after *stackconfig.Fleet) []Risk {
	var risks []Risk
	kept := map[string]bool{}
	unprotected := false
	for _, t := range after.Tenants {
		for _, id := range append([]string{t.ID}, t.FormerIDs...) {
			b, ok := before[id]
			if !ok {
				continue
			}
			kept[id] = true
			if id != t.ID {
				risks = append(risks, renameRisks(id, t)...)
			}
			risks = append(risks, tenantRisks(b, t)...)
			unprotected = unprotected || b.Protect && !t.Args.Protect
		}
	}
	if unprotected {
		risks = slices.Insert(risks, 0, Risk{Field: stackconfig.KeyProtect,
			Format: "true -> false: every tenant's key, database and secret lose Pulumi protection, retain-on-delete and AWS deletion protection, so any later removal deletes their data"})
	}
	for _, id := range slices.Sorted(maps.Keys(before)) {
		if !kept[id] {
			risks = append(risks, gone(id, before, after))
		}
	}
	return risks
}

// tenantRisks are the risks of one kept tenant, deployed as b, now t.
func tenantRisks(b Tenant, t stackconfig.Tenant) []Risk {
	a := t.Args
	var out []Risk
	add := func(r Risk) {
		r.Tenant = t.ID
		out = append(out, r)
	}
	move := func(field, from, to, what string) {
		if from == "" || from == to {
			return
		}
		add(Risk{Field: field, Confirm: ConfirmMove, Confirmed: t.ConfirmMove == from, Guarded: true,
			Format: "changing %s to %s would create a new, empty database and leave the data in %s behind: " + what +
				". Migrate the data first, then confirm with %s on this tenant (README: Moving a tenant)",
			Args: []any{Quoted(from), Quoted(to), Quoted(from), Code(ConfirmMove + ": " + from)}})
	}
	move("region", b.Region, a.Region, "the key and database are created anew in the new region, and data does not move with a config edit")
	move("database.engine", b.Engine, string(a.Database.Engine), "a different engine is a different resource")
	move("database.isolation", b.Isolation, string(a.Database.Isolation), "each level keeps the data in a different place (README: Isolation levels)")
	move("account", b.Account, AccountOf(a.Account), "the key and database are created anew in the other account")
	if c := t.ConfirmMove; c != "" && !slices.Contains(leaving(b, a), c) {
		add(Risk{Field: ConfirmMove, Guarded: true,
			Format: "%s names nothing the tenant is leaving (its region, engine, isolation level or account as last deployed); " +
				"left in place, it would confirm a later move without review. Remove it once a move is deployed (README: Moving a tenant)",
			Args: []any{Quoted(c)}})
	}
	if b.Status != "" && b.Status != string(tenant.StatusOffboarded) && a.Status == tenant.StatusOffboarded {
		add(Risk{Field: "status",
			Format: "%s -> %s: the app and branch are deleted and the tenant's data is kept only to be deleted by hand; confirm the customer has left (README: Offboarding a tenant)",
			Args:   []any{b.Status, string(a.Status)}})
	}
	if b.Backup && a.Backup == nil {
		add(Risk{Field: "backup", Confirm: ConfirmBackupRemoval, Confirmed: t.ConfirmBackupRemoval, Guarded: true,
			Format: "removing backup deletes the tenant's AWS Backup plan and selection, so the database gets no new recovery points " +
				"and the ones in the vault stay only until their retention ends (Pulumi also tries to delete the vault, protected in prod). " +
				"If the tenant's backups may stop, confirm with %s on this tenant (README: Removing a tenant's backups)",
			Args: []any{Code(ConfirmBackupRemoval + ": true")}})
	}
	aurora := string(tenant.EngineAuroraPostgreSQL)
	bothAurora := b.Engine == aurora && a.Database.Engine == tenant.EngineAuroraPostgreSQL
	if from, to := b.EngineVersion, a.Database.EngineVersion; bothAurora && from != "" && from != to {
		f, errFrom := strconv.Atoi(from)
		n, errTo := strconv.Atoi(to)
		if errFrom == nil && errTo == nil && n < f {
			add(Risk{Field: "database.engineVersion", Guarded: true,
				Format: "%s -> %s is a downgrade, which Aurora cannot do; restore a snapshot into a new cluster instead (README: Upgrading Aurora)",
				Args:   []any{from, to}})
		} else {
			add(Risk{Field: "database.engineVersion", Confirm: AllowMajorVersionUpgrade, Confirmed: a.Database.AllowMajorVersionUpgrade, Guarded: true,
				Format: "%s -> %s is a major version upgrade: it restarts the cluster and cannot be undone. " +
					"Take a snapshot, test the application on %s, then set %s (README: Upgrading Aurora)",
				Args: []any{from, to, to, Code(AllowMajorVersionUpgrade + ": true")}})
		}
	}
	if bothAurora && b.Instances > 0 && a.Database.Instances != nil && *a.Database.Instances < b.Instances {
		from, to := b.Instances, *a.Database.Instances
		var names []string
		for i := to + 1; i <= from; i++ {
			names = append(names, fmt.Sprintf("%s-db-%d", t.ID, i))
		}
		add(Risk{Field: "database.instances", Format: "%d -> %d: deletes Aurora cluster instance %s",
			Args: []any{from, to, strings.Join(names, ", ")}})
	}
	// FromArgs knows a retention only for a tenant's own Aurora cluster.
	if to := FromArgs(a).BackupRetentionDays; to > 0 && to < b.BackupRetentionDays {
		// Aurora User Guide, "Retaining automated backups": automated
		// backups expire with the cluster's retention period.
		add(Risk{Field: "database.backupRetentionDays",
			Format: "%d -> %d days: Aurora keeps automated backups only for the retention period, so point-in-time recovery " +
				"no longer reaches back %d days (a production stack keeps 7 by default; tenancy:production: false keeps 1)",
			Args: []any{b.BackupRetentionDays, to, b.BackupRetentionDays}})
	}
	return out
}

// renameRisks are the risks of renaming tenant from to t.ID. Aliases keep
// every resource, but not what lives inside PostgreSQL or the shared
// table under the tenant's id: its database role tenant-<id>-app (every
// Aurora level; internal/provisioner refuses to rename it, a changed
// tenantId is never an in-place update), its database or schema
// tenant-<id>, and a pooled DynamoDB tenant's key prefix <id>#, beyond
// which the app may not read.
func renameRisks(from string, t stackconfig.Tenant) []Risk {
	d := t.Args.Database
	var named string
	switch {
	case d.Engine == tenant.EngineAuroraPostgreSQL:
		named = "its database role " + provisioner.RoleName(from) + " (and, at database or schema level, its database or schema)"
	case d.Isolation.Pooled():
		named = "its items in the shared table, under the key prefix " + tenant.KeyPrefix(from)
	default:
		return nil
	}
	return []Risk{{Tenant: t.ID, Field: "id", Guarded: true,
		Format: "renaming %s to %s: the tenant's data is named after its id, %s, and tenancy never renames data in place; " +
			"the app would lose its data. Keep the id (change the display name), or onboard the new id and copy the data (README: Renaming a tenant)",
		Args: []any{Quoted(from), Quoted(t.ID), named}}}
}

// leaving are the values the tenant leaves: each known value of b that a
// differs in, which confirmMove may name.
func leaving(b Tenant, a tenant.TenantStackArgs) []string {
	var out []string
	for _, c := range [][2]string{
		{b.Region, a.Region}, {b.Engine, string(a.Database.Engine)},
		{b.Isolation, string(a.Database.Isolation)}, {b.Account, AccountOf(a.Account)},
	} {
		if c[0] != "" && c[0] != c[1] {
			out = append(out, c[0])
		}
	}
	return out
}

// gone is the risk of a tenant before deployed that after does not: handed
// over when after still lists it, removed otherwise.
func gone(id string, before map[string]Tenant, after *stackconfig.Fleet) Risk {
	b := before[id]
	r := Risk{Tenant: id, Field: "id", Confirm: MovedOut, Confirmed: slices.Contains(after.MovedOut, id), Guarded: true}
	switch {
	case slices.Contains(after.Skipped, id):
		r.Field = stackconfig.KeyRegions
		r.Format = "no longer selects the tenant's region, so this stack stops deploying the tenant and would delete it; " +
			"move its resources to the stack that takes the region with %s, then list the tenant in %s (docs/performance.md)"
		r.Args = []any{Code("pulumi state move"), Code(MovedOut)}
	case b.Status == string(tenant.StatusOffboarded):
		r.Guarded = false
		r.Format = "removed after offboarding: Pulumi deletes the tenant's key, database and secret, and their data with them; " +
			"protected resources make the update fail, and in prod they are retained, to be deleted by hand (README: Offboarding a tenant)" + handedOver
		r.Args = []any{Code("pulumi state move"), Code(MovedOut)}
	default:
		status := b.Status
		if status == "" {
			status = string(tenant.StatusActive)
		}
		r.Format = "the tenant is no longer deployed by this stack while it was %s; deleting it would delete its key, database and secret. " +
			"Offboard it first (%s), deploy, and remove it only after its data may go (README: Offboarding a tenant)" + handedOver
		r.Args = []any{status, Code("status: " + string(tenant.StatusOffboarded)), Code("pulumi state move"), Code(MovedOut)}
		if same, ok := renamed(b, before, after); ok {
			r.Format = "removed, and %s looks like the same tenant under a new id: an id change without formerIds replaces every resource; " +
				"add %s to %s to rename in place (README: Renaming a tenant)" + handedOver
			r.Args = []any{Quoted(same), Code("formerIds: [" + id + "]"), Quoted(same), Code("pulumi state move"), Code(MovedOut)}
		}
	}
	return r
}

// handedOver ends the reason of a tenant gone from the stack: the way to
// let it go that keeps its data. Its args: the command, the key.
const handedOver = "; if %s took it to another stack, list it in %s (docs/performance.md)"

// renamed finds a tenant after deploys that before did not under any of its
// IDs and that has b's display name: display names survive an id change,
// nothing else is as telling.
func renamed(b Tenant, before map[string]Tenant, after *stackconfig.Fleet) (string, bool) {
	if b.Name == "" {
		return "", false
	}
	for _, t := range after.Tenants {
		isNew := true
		for _, id := range append([]string{t.ID}, t.FormerIDs...) {
			_, had := before[id]
			isNew = isNew && !had
		}
		if isNew && t.Args.DisplayName == b.Name {
			return t.ID, true
		}
	}
	return "", false
}
