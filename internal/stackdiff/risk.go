package stackdiff

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/amplify-tenancy/tenancy/internal/stackconfig"
	"github.com/amplify-tenancy/tenancy/tenant"
)

// The defaults of the settings that decide data risk: an unset field and
// its default are the same deployment, and must not look like an edit.
// They are read from where they are declared, the stack parser's settings
// and TenantStackArgs.WithDefaults, never written down again here.
var (
	defaultProtect       = stackconfig.DefaultProtect
	tenantDefaults       = tenant.TenantStackArgs{}.WithDefaults()
	auroraDefaults       = tenant.TenantStackArgs{Database: tenant.DatabaseArgs{Engine: tenant.EngineAuroraPostgreSQL}}.WithDefaults().Database
	defaultEngine        = string(tenantDefaults.Database.Engine)
	defaultStatus        = string(tenantDefaults.Status)
	defaultInstances     = *auroraDefaults.Instances
	defaultEngineVersion = auroraDefaults.EngineVersion
)

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func protect(f *stackconfig.File) bool {
	if b, err := strconv.ParseBool(f.Values[stackconfig.KeyProtect]); err == nil {
		return b
	}
	return defaultProtect
}

// settingRisks flags stack-wide edits that put every tenant's data at risk.
func settingRisks(base, current *stackconfig.File, hadTenants bool) []Risk {
	if hadTenants && protect(base) && !protect(current) {
		return []Risk{newRisk("", stackconfig.KeyProtect, "true -> false: every tenant's key, database and secret lose Pulumi protection, retain-on-delete and AWS deletion protection, so any later removal deletes their data")}
	}
	return nil
}

// tenantRisks flags edits of one tenant that replace or delete its data.
func tenantRisks(id string, old, cur entry) []Risk {
	var out []Risk
	add := func(field, format string, v ...any) {
		out = append(out, newRisk(id, field, format, v...))
	}
	if from, to := old.fields["region"], cur.fields["region"]; from != to {
		add("region", "%s -> %s: the key and database would be replaced in the new region and the data left behind; data does not move with a config edit (migrate it first; the program refuses the edit until confirmMove: %s, README: Moving a tenant)", from, to, from)
	}
	if from, to := or(old.fields["database.engine"], defaultEngine), or(cur.fields["database.engine"], defaultEngine); from != to {
		add("database.engine", "%s -> %s: a different engine is a different resource; the database would be replaced, empty (migrate first; the program refuses the edit until confirmMove: %s)", from, to, from)
	}
	if from, to := or(old.fields["status"], defaultStatus), or(cur.fields["status"], defaultStatus); to == string(tenant.StatusOffboarded) && from != to {
		add("status", "%s -> %s: the app and branch are deleted and the tenant's data is kept only to be deleted by hand; confirm the customer has left", from, to)
	}
	if hasBackup(old) && !hasBackup(cur) {
		add("backup", "removed: the tenant's AWS Backup plan and selection are deleted, so its database is no longer backed up; the recovery points already in the vault stay only until their retention ends (the program refuses the edit until confirmBackupRemoval: true, README: Removing a tenant's backups)")
	}
	if from, to := or(old.fields["database.engineVersion"], defaultEngineVersion), or(cur.fields["database.engineVersion"], defaultEngineVersion); from != to &&
		or(cur.fields["database.engine"], defaultEngine) == string(tenant.EngineAuroraPostgreSQL) {
		add("database.engineVersion", "%s -> %s: a major version change restarts the cluster and cannot be undone (no downgrade); take a snapshot first. The program refuses it until allowMajorVersionUpgrade: true, README: Upgrading Aurora", from, to)
	}
	if from, to := instances(old), instances(cur); to < from && or(cur.fields["database.engine"], defaultEngine) == string(tenant.EngineAuroraPostgreSQL) {
		var gone []string
		for i := to + 1; i <= from; i++ {
			gone = append(gone, fmt.Sprintf("%s-db-%d", id, i))
		}
		add("database.instances", "%d -> %d: deletes Aurora cluster instance %s", from, to, strings.Join(gone, ", "))
	}
	return out
}

// handoverRisks flags tenants still listed in the stack file that the stack
// stops deploying because tenancy:regions no longer selects their region.
// Listed in movedOut they were handed to another stack with `pulumi state
// move`, the documented path; otherwise the stack would delete them.
func handoverRisks(base, current *stackconfig.File, baseTenants, curTenants []entry) []Risk {
	baseRegions, curRegions := selectedRegions(base), selectedRegions(current)
	movedOut := current.StringList(stackconfig.KeyMovedOut)
	listed := index(curTenants)
	var out []Risk
	for _, t := range baseTenants {
		cur, still := listed[t.id]
		if !still || !deploys(baseRegions, t.fields["region"]) || deploys(curRegions, cur.fields["region"]) || slices.Contains(movedOut, t.id) {
			continue
		}
		out = append(out, newRisk(t.id, stackconfig.KeyRegions,
			"%s is no longer selected, so this stack stops deploying the tenant and would delete it; move its resources to the stack that takes the region with `pulumi state move`, then list it in movedOut (docs/performance.md)", cur.fields["region"]))
	}
	return out
}

// selectedRegions is a stack's tenancy:regions; nil selects every region.
func selectedRegions(f *stackconfig.File) []string { return f.StringList(stackconfig.KeyRegions) }

func deploys(selected []string, region string) bool {
	return len(selected) == 0 || slices.Contains(selected, region)
}

// hasBackup reports whether a tenant has a backup block. Flattened, a block
// is its "backup.*" leaves; `backup: null` (a "backup" leaf) and an empty
// block (no leaf, and no valid schedule) deploy no backup plan.
func hasBackup(e entry) bool {
	for field := range e.fields {
		if strings.HasPrefix(field, "backup.") {
			return true
		}
	}
	return false
}

func instances(e entry) int {
	if n, err := strconv.Atoi(e.fields["database.instances"]); err == nil && n > 0 {
		return n
	}
	return defaultInstances
}

// removalRisk explains a removed tenant, and when an added tenant looks like
// the same one under a new ID, how to rename it without losing its data.
func removalRisk(gone entry, current []entry, base map[string]entry) Risk {
	for _, t := range current {
		if hasID(base, t.id) {
			continue
		}
		// Display names survive an id change; nothing else is as telling.
		if t.fields["name"] != "" && t.fields["name"] == gone.fields["name"] {
			return newRisk(gone.id, "id", "removed, and %s looks like the same tenant under a new id: an id change without formerIds replaces every resource; add %s to %s to rename in place",
				quoted(t.id), code("formerIds: ["+gone.id+"]"), quoted(t.id))
		}
	}
	return newRisk(gone.id, "id", "removed from the stack: Pulumi deletes its key, database and secret (protected resources make the update fail instead; offboard with status: offboarded first)")
}
