package provisioner

import (
	"errors"
	"fmt"
)

// DropStatements are the manual, explicit step that destroys an offboarded
// tenant's data and role, for an operator to run in order as the cluster's
// master (for example with psql, or the Data API from the console) once the
// data may go: after the retention the contract promises, and after a
// backup. The handler never runs them; delete only takes LOGIN away.
//
// database is the shared database at `schema` level and the cluster's
// database at `cluster` level (ignored at `database` level). At `cluster`
// level the cluster itself goes with its Pulumi resource (final snapshot);
// these statements only remove the role and what it owns.
//
// DROP DATABASE fails while anyone is connected; the role must have been
// offboarded first so nobody can reconnect.
func DropStatements(tenantID string, level Isolation, database string) ([]Step, error) {
	if level == IsolationDatabase {
		database = DatabaseName(tenantID)
	}
	req := Request{TenantID: tenantID, Isolation: level, Database: database, Role: RoleName(tenantID)}
	if err := errors.Join(req.identityProblems()...); err != nil {
		return nil, fmt.Errorf("drop statements: %w", err)
	}
	role := quoteIdent(req.Role)
	// DROP DATABASE and DROP OWNED need the privileges of the owner; the
	// handler granted the role to the master at `database` and `schema`
	// level already, not at `cluster` level.
	steps := []Step{{MaintenanceDatabase, "GRANT " + role + " TO CURRENT_USER"}}
	switch level {
	case IsolationDatabase:
		// The role owns nothing outside its database.
		steps = append(steps, Step{MaintenanceDatabase, "DROP DATABASE " + quoteIdent(database)})
	case IsolationSchema:
		// DROP OWNED also revokes the role's CONNECT on the shared database.
		steps = append(steps, Step{database, "DROP SCHEMA " + quoteIdent(SchemaName(tenantID)) + " CASCADE"},
			Step{database, "DROP OWNED BY " + role})
	default: // IsolationCluster: the role's tables and its privileges
		steps = append(steps, Step{database, "DROP OWNED BY " + role})
	}
	return append(steps, Step{MaintenanceDatabase, "DROP ROLE " + role}), nil
}
