package provisioner

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Executor runs SQL in one database of the cluster as the provisioning role
// (the cluster's master). Each call is one statement in its own autocommit
// transaction, as the RDS Data API's ExecuteStatement without a
// transactionId: never a multi-statement string, never a transaction block
// (CREATE DATABASE refuses to run in one).
type Executor interface {
	// Exec runs a statement that returns no rows.
	Exec(ctx context.Context, database, sql string) error
	// Query runs a statement and returns its rows as text. Queries here
	// never return NULL.
	Query(ctx context.Context, database, sql string) ([][]string, error)
}

// Step is one statement the handler ran, with the password hash redacted.
type Step struct {
	Database string `json:"database"`
	SQL      string `json:"sql"`
}

// Response is the function's result (the Invocation's `result` output). It
// never holds the password or its hash.
type Response struct {
	TenantID  string    `json:"tenantId"`
	Isolation Isolation `json:"isolation"`
	Action    Action    `json:"action"`
	// Database is the database the application connects to.
	Database string `json:"database"`
	// Schema is the tenant's schema at `schema` level.
	Schema string `json:"schema,omitempty"`
	Role   string `json:"role"`
	// Login is whether the role can log in after this action.
	Login bool `json:"login"`
	// Steps are the statements that ran, in order (queries excluded).
	Steps []Step `json:"steps"`
}

// Handle is the provisioner's entry point: payload is the Invocation's
// input, as the function receives it. It validates the request, provisions
// (create, update) or offboards (delete) the tenant through exec, and
// returns the Response as JSON.
func Handle(ctx context.Context, exec Executor, payload []byte) ([]byte, error) {
	req, err := ParseRequest(payload)
	if err != nil {
		return nil, err
	}
	resp, err := Apply(ctx, exec, req)
	if err != nil {
		return nil, err
	}
	return json.Marshal(resp)
}

// Apply carries out a request ParseRequest accepted.
func Apply(ctx context.Context, exec Executor, req *Request) (*Response, error) {
	r := &run{ctx: ctx, exec: exec}
	resp := &Response{TenantID: req.TenantID, Isolation: req.Isolation, Action: req.TF.Action,
		Database: req.Database, Role: req.Role}
	if req.Isolation == IsolationSchema {
		resp.Schema = SchemaName(req.TenantID)
	}
	var err error
	if req.TF.Action == ActionDelete {
		err = r.offboard(req)
	} else {
		resp.Login = true
		err = r.provision(req)
	}
	if err != nil {
		return nil, fmt.Errorf("tenant %q: %s: %w", req.TenantID, req.TF.Action, err)
	}
	resp.Steps = r.steps
	return resp, nil
}

type run struct {
	ctx   context.Context
	exec  Executor
	steps []Step
	// secret is the password hash while it is in flight; it is redacted
	// from steps and errors.
	secret string
}

func (r *run) redact(s string) string {
	if r.secret == "" {
		return s
	}
	return strings.ReplaceAll(s, r.secret, redacted)
}

func (r *run) execute(db, sql string) error {
	shown := r.redact(sql)
	err := r.exec.Exec(r.ctx, db, sql)
	// Tenants of one region are provisioned at the same time (the engine
	// runs their invocations in parallel): two GRANTs or REVOKEs on the
	// shared database can meet, and PostgreSQL then refuses the second
	// with "tuple concurrently updated" (it updates the database's ACL in
	// place). The statement holds as well a moment later.
	for attempt := 1; err != nil && concurrentUpdate(err) && attempt < maxAttempts; attempt++ {
		time.Sleep(time.Duration(attempt) * 50 * time.Millisecond)
		err = r.exec.Exec(r.ctx, db, sql)
	}
	if err != nil {
		// The executor's message may quote the statement.
		return fmt.Errorf("%s (in %s): %s", shown, db, r.redact(err.Error()))
	}
	r.steps = append(r.steps, Step{Database: db, SQL: shown})
	return nil
}

// maxAttempts bounds the retries of a statement another provisioning ran
// at the same moment.
const maxAttempts = 5

func concurrentUpdate(err error) bool {
	return strings.Contains(err.Error(), "tuple concurrently updated")
}

// createDatabase creates database name unless it exists, also when another
// tenant's provisioning creates it at the same moment: the shared database
// of the schema level is created by whichever tenant comes first.
func (r *run) createDatabase(name, sql string) error {
	exists := func() (bool, error) {
		_, ok, err := r.lookup(MaintenanceDatabase,
			"SELECT datname FROM pg_catalog.pg_database WHERE datname = "+quoteLiteral(name))
		return ok, err
	}
	if ok, err := exists(); err != nil || ok {
		return err
	}
	err := r.execute(MaintenanceDatabase, sql)
	if err == nil {
		return nil
	}
	if ok, lookupErr := exists(); lookupErr == nil && ok {
		return nil // created by a concurrent provisioning
	}
	return err
}

// lookup returns the first column of the first row, and whether there was
// one.
func (r *run) lookup(db, sql string) (string, bool, error) {
	rows, err := r.exec.Query(r.ctx, db, sql)
	if err != nil {
		return "", false, fmt.Errorf("%s (in %s): %s", sql, db, r.redact(err.Error()))
	}
	if len(rows) == 0 || len(rows[0]) == 0 {
		return "", false, nil
	}
	return rows[0][0], true, nil
}

func (r *run) provision(req *Request) error {
	if err := r.ensureRole(req); err != nil {
		return err
	}
	switch req.Isolation {
	case IsolationDatabase:
		return r.ownDatabase(req)
	case IsolationSchema:
		return r.ownSchema(req)
	case IsolationCluster:
		return r.clusterRole(req)
	}
	return fmt.Errorf("isolation %q not handled", req.Isolation)
}

// ensureRole creates the role without LOGIN when it is missing, then
// (always, so update re-sets the password) gives it LOGIN and the password.
// CREATEDB and CREATEROLE are removed explicitly; SUPERUSER, REPLICATION
// and BYPASSRLS only a superuser could have given it.
func (r *run) ensureRole(req *Request) error {
	role := quoteIdent(req.Role)
	_, exists, err := r.lookup(MaintenanceDatabase,
		"SELECT rolname FROM pg_catalog.pg_roles WHERE rolname = "+quoteLiteral(req.Role))
	if err != nil {
		return err
	}
	if !exists {
		if err := r.execute(MaintenanceDatabase, "CREATE ROLE "+role+" NOLOGIN"); err != nil {
			return err
		}
	}
	verifier, err := scramVerifier(string(req.Password))
	if err != nil {
		return err
	}
	r.secret = verifier
	defer func() { r.secret = "" }()
	return r.execute(MaintenanceDatabase,
		"ALTER ROLE "+role+" WITH LOGIN NOCREATEDB NOCREATEROLE PASSWORD "+quoteLiteral(verifier))
}

// ownDatabase: a database owned by the tenant's role, closed to PUBLIC.
// Creating a database OWNER a role needs membership in it (PostgreSQL 15;
// on 16, the SET option of that membership), hence the GRANT to the
// provisioning role first. The role owns the database's public schema
// through pg_database_owner (PostgreSQL 15 and later).
func (r *run) ownDatabase(req *Request) error {
	role, db := quoteIdent(req.Role), quoteIdent(req.Database)
	if err := r.execute(MaintenanceDatabase, "GRANT "+role+" TO CURRENT_USER"); err != nil {
		return err
	}
	owner, exists, err := r.lookup(MaintenanceDatabase,
		"SELECT pg_catalog.pg_get_userbyid(datdba) FROM pg_catalog.pg_database WHERE datname = "+quoteLiteral(req.Database))
	if err != nil {
		return err
	}
	switch {
	case !exists:
		// Not in a DO block or a transaction: CREATE DATABASE refuses both.
		err = r.execute(MaintenanceDatabase, "CREATE DATABASE "+db+" OWNER "+role)
	case owner != req.Role:
		err = r.execute(MaintenanceDatabase, "ALTER DATABASE "+db+" OWNER TO "+role)
	}
	if err != nil {
		return err
	}
	return r.all(
		[2]string{MaintenanceDatabase, "REVOKE ALL ON DATABASE " + db + " FROM PUBLIC"},
		[2]string{MaintenanceDatabase, "GRANT CONNECT, TEMPORARY ON DATABASE " + db + " TO " + role},
	)
}

// ownSchema: a schema owned by the tenant's role in the shared database.
// The shared database (owned by the provisioning role) is closed to PUBLIC,
// and so is its public schema; each tenant gets CONNECT (not TEMPORARY) and
// its schema as search_path.
func (r *run) ownSchema(req *Request) error {
	role, shared := quoteIdent(req.Role), quoteIdent(req.Database)
	schemaName := SchemaName(req.TenantID)
	schema := quoteIdent(schemaName)
	if err := r.execute(MaintenanceDatabase, "GRANT "+role+" TO CURRENT_USER"); err != nil {
		return err
	}
	if err := r.createDatabase(req.Database, "CREATE DATABASE "+shared); err != nil {
		return err
	}
	if err := r.all(
		[2]string{MaintenanceDatabase, "REVOKE ALL ON DATABASE " + shared + " FROM PUBLIC"},
		[2]string{req.Database, "REVOKE ALL ON SCHEMA public FROM PUBLIC"},
	); err != nil {
		return err
	}
	owner, exists, err := r.lookup(req.Database,
		"SELECT pg_catalog.pg_get_userbyid(nspowner) FROM pg_catalog.pg_namespace WHERE nspname = "+quoteLiteral(schemaName))
	if err != nil {
		return err
	}
	switch {
	case !exists:
		err = r.execute(req.Database, "CREATE SCHEMA "+schema+" AUTHORIZATION "+role)
	case owner != req.Role:
		err = r.execute(req.Database, "ALTER SCHEMA "+schema+" OWNER TO "+role)
	}
	if err != nil {
		return err
	}
	return r.all(
		[2]string{MaintenanceDatabase, "GRANT CONNECT ON DATABASE " + shared + " TO " + role},
		[2]string{MaintenanceDatabase, "ALTER ROLE " + role + " SET search_path TO " + schema},
	)
}

// clusterRole: the application's role in the tenant's own cluster, so the
// application never uses the master credential. The database stays the
// master's (RDS created it); the role may connect and use and create in its
// public schema.
func (r *run) clusterRole(req *Request) error {
	role, db := quoteIdent(req.Role), quoteIdent(req.Database)
	if _, exists, err := r.lookup(MaintenanceDatabase,
		"SELECT datname FROM pg_catalog.pg_database WHERE datname = "+quoteLiteral(req.Database)); err != nil {
		return err
	} else if !exists {
		return fmt.Errorf("database %q does not exist; the cluster creates it", req.Database)
	}
	return r.all(
		[2]string{MaintenanceDatabase, "REVOKE ALL ON DATABASE " + db + " FROM PUBLIC"},
		[2]string{MaintenanceDatabase, "GRANT CONNECT, TEMPORARY ON DATABASE " + db + " TO " + role},
		[2]string{req.Database, "GRANT USAGE, CREATE ON SCHEMA public TO " + role},
	)
}

// offboard takes LOGIN away and nothing else: no data, role, schema or
// database is dropped, and open sessions are not terminated. A missing role
// is not an error (a create that failed early, a second delete).
func (r *run) offboard(req *Request) error {
	_, exists, err := r.lookup(MaintenanceDatabase,
		"SELECT rolname FROM pg_catalog.pg_roles WHERE rolname = "+quoteLiteral(req.Role))
	if err != nil || !exists {
		return err
	}
	return r.execute(MaintenanceDatabase, "ALTER ROLE "+quoteIdent(req.Role)+" NOLOGIN")
}

func (r *run) all(stmts ...[2]string) error {
	for _, s := range stmts {
		if err := r.execute(s[0], s[1]); err != nil {
			return err
		}
	}
	return nil
}
