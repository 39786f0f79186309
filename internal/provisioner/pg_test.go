package provisioner

// These tests run the handler against a real PostgreSQL (internal/pgtest),
// as a master role with CREATEROLE and CREATEDB but not SUPERUSER, like
// Aurora's. They share one server; each test uses its own tenant ids.

import (
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/amplify-tenancy/tenancy/internal/pgtest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	if err := pgtest.StopShared(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		code = 1
	}
	os.Exit(code)
}

// tenant is one provisioned tenant of a test.
type tenant struct {
	Request
	data string // the database the application connects to
}

func newTenant(id string, level Isolation, database string) tenant {
	if level == IsolationDatabase {
		database = DatabaseName(id)
	}
	return tenant{
		Request: Request{TenantID: id, Isolation: level, Database: database, Role: RoleName(id),
			Password: Secret("pw-" + id + "-0123456789"), ClusterArn: testClusterArn, SecretArn: testSecretArn},
		data: database,
	}
}

// handle runs action for tn as the master and returns the response.
func handle(t *testing.T, s *pgtest.Server, tn tenant, action Action) *Response {
	t.Helper()
	var prev *Request
	if action != ActionCreate {
		prev = &tn.Request
	}
	req, err := ParseRequest(payload(t, tn.Request, action, prev))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := Apply(context.Background(), s.AsMaster(), req)
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", action, tn.TenantID, err, s.Log())
	}
	return resp
}

func (tn tenant) psql(s *pgtest.Server) *pgtest.Psql { return s.As(tn.Role, string(tn.Password)) }

// clusterDatabase creates what RDS creates for a cluster: a database owned
// by the master.
func clusterDatabase(t *testing.T, s *pgtest.Server, name string) {
	t.Helper()
	if err := s.AsMaster().Exec(context.Background(), "postgres", "CREATE DATABASE "+quoteIdent(name)); err != nil {
		t.Fatal(err)
	}
}

func mustExec(t *testing.T, p *pgtest.Psql, db string, stmts ...string) {
	t.Helper()
	for _, sql := range stmts {
		if err := p.Exec(context.Background(), db, sql); err != nil {
			t.Fatal(err)
		}
	}
}

func queryOne(t *testing.T, p *pgtest.Psql, db, sql string) string {
	t.Helper()
	rows, err := p.Query(context.Background(), db, sql)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || len(rows[0]) != 1 {
		t.Fatalf("%s: got %q, want one value", sql, rows)
	}
	return rows[0][0]
}

func TestIsolation(t *testing.T) {
	s := pgtest.Shared(t)
	ctx := context.Background()
	const shared = "iso-tenants"
	clusterDatabase(t, s, "iso-app")
	a, b := newTenant("iso-a", IsolationDatabase, ""), newTenant("iso-b", IsolationDatabase, "")
	c, d := newTenant("iso-c", IsolationSchema, shared), newTenant("iso-d", IsolationSchema, shared)
	e := newTenant("iso-e", IsolationCluster, "iso-app")
	for _, tn := range []tenant{a, b, c, d, e} {
		handle(t, s, tn, ActionCreate)
	}
	// Data, created by each tenant as itself (unqualified: search_path and
	// the owned public schema decide where it lands).
	for _, tn := range []tenant{a, b, c, d, e} {
		mustExec(t, tn.psql(s), tn.data,
			"CREATE TABLE secrets (id int PRIMARY KEY, v text)",
			"INSERT INTO secrets VALUES (1, 'of "+tn.TenantID+"')")
	}
	// Something in the shared database's public schema, put there by the
	// master, that no tenant may read.
	mustExec(t, s.AsMaster(), shared, "CREATE TABLE public.pooled (v text)", "INSERT INTO public.pooled VALUES ('x')")

	denied := "permission denied"
	for _, tc := range []struct {
		name string
		as   tenant
		db   string
		sql  string
		want string // "" means it must succeed; else a substring of the error
		rows string // when set, the single value the query must return
	}{
		// database level
		{"A reads its own database", a, a.data, "SELECT v FROM secrets", "", "of iso-a"},
		{"A's table is in its database's public schema", a, a.data, "SELECT schemaname FROM pg_tables WHERE tablename = 'secrets'", "", "public"},
		{"A creates a schema in its own database", a, a.data, "CREATE SCHEMA extra", "", ""},
		{"A cannot connect to B's database", a, b.data, "SELECT 1", `permission denied for database "tenant-iso-b"`, ""},
		{"A cannot connect to the shared database", a, shared, "SELECT 1", `permission denied for database "iso-tenants"`, ""},
		{"A cannot connect to a cluster tenant's database", a, e.data, "SELECT 1", `permission denied for database "iso-app"`, ""},
		{"B cannot connect to A's database", b, a.data, "SELECT 1", `permission denied for database "tenant-iso-a"`, ""},
		{"A cannot create a database", a, a.data, "CREATE DATABASE mine", "permission denied to create database", ""},
		{"A cannot create a role", a, a.data, "CREATE ROLE mine", "permission denied to create role", ""},
		{"A cannot alter B's role", a, a.data, `ALTER ROLE "tenant-iso-b-app" NOLOGIN`, denied, ""},
		{"A cannot become B", a, a.data, `SET ROLE "tenant-iso-b-app"`, "permission denied to set role", ""},
		{"A cannot create a table in postgres", a, "postgres", "CREATE TABLE public.x (i int)", "permission denied for schema public", ""},
		{"A cannot create a schema in postgres", a, "postgres", "CREATE SCHEMA x", `permission denied for database postgres`, ""},
		// Known and accepted (see the package doc): PUBLIC keeps TEMPORARY
		// on the postgres database, which the provisioner leaves alone; a
		// temporary table is private to its session and vanishes with it.
		{"A may create a session-private temporary table in postgres", a, "postgres", "CREATE TEMP TABLE x (i int)", "", ""},

		// schema level
		{"C reads its own schema", c, shared, "SELECT v FROM secrets", "", "of iso-c"},
		{"C's search_path is its schema", c, shared, "SELECT current_schema()", "", "tenant-iso-c"},
		{"C cannot use D's schema", c, shared, `SELECT has_schema_privilege('tenant-iso-d', 'USAGE')`, "", "f"},
		{"C cannot SELECT D's table", c, shared, `SELECT v FROM "tenant-iso-d".secrets`, "permission denied for schema tenant-iso-d", ""},
		{"C cannot INSERT into D's table", c, shared, `INSERT INTO "tenant-iso-d".secrets VALUES (2, 'x')`, "permission denied for schema tenant-iso-d", ""},
		{"C cannot UPDATE D's table", c, shared, `UPDATE "tenant-iso-d".secrets SET v = 'x'`, "permission denied for schema tenant-iso-d", ""},
		{"C cannot DELETE from D's table", c, shared, `DELETE FROM "tenant-iso-d".secrets`, "permission denied for schema tenant-iso-d", ""},
		{"C cannot create in D's schema", c, shared, `CREATE TABLE "tenant-iso-d".x (i int)`, "permission denied for schema tenant-iso-d", ""},
		{"D cannot SELECT C's table", d, shared, `SELECT v FROM "tenant-iso-c".secrets`, "permission denied for schema tenant-iso-c", ""},
		{"C cannot create in the shared public schema", c, shared, "CREATE TABLE public.x (i int)", "permission denied for schema public", ""},
		{"C cannot read the shared public schema", c, shared, "SELECT v FROM public.pooled", "permission denied for schema public", ""},
		{"C has no USAGE on the shared public schema", c, shared, "SELECT has_schema_privilege('public', 'USAGE')", "", "f"},
		{"C cannot create a schema", c, shared, "CREATE SCHEMA x", "permission denied for database iso-tenants", ""},
		{"C cannot create a temporary table in the shared database", c, shared, "CREATE TEMP TABLE x (i int)", `permission denied to create temporary tables in database "iso-tenants"`, ""},
		{"C cannot connect to A's database", c, a.data, "SELECT 1", `permission denied for database "tenant-iso-a"`, ""},
		{"C cannot become D", c, shared, `SET ROLE "tenant-iso-d-app"`, "permission denied to set role", ""},
		// Catalogs stay readable, by PostgreSQL's design: names, never rows.
		{"C can read the catalog", c, shared, "SELECT count(*) > 0 FROM pg_catalog.pg_class", "", "t"},
		{"C can see that D's table exists", c, shared, "SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = 'tenant-iso-d'", "", "1"},
		{"A can list the other databases", a, a.data, "SELECT count(*) FROM pg_catalog.pg_database WHERE datname = 'tenant-iso-b'", "", "1"},

		// cluster level: the application role, not the master
		{"E reads its table", e, e.data, "SELECT v FROM secrets", "", "of iso-e"},
		{"E is not the master", e, e.data, "SELECT rolcreaterole OR rolcreatedb OR rolsuper FROM pg_roles WHERE rolname = current_user", "", "f"},
		{"E cannot connect to the shared database", e, shared, "SELECT 1", `permission denied for database "iso-tenants"`, ""},
		{"E cannot connect to A's database", e, a.data, "SELECT 1", `permission denied for database "tenant-iso-a"`, ""},
		{"E cannot create a schema", e, e.data, "CREATE SCHEMA x", "permission denied for database iso-app", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel() // independent: each case its own session
			rows, err := tc.as.psql(s).Query(ctx, tc.db, tc.sql)
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tc.want != "" && err == nil:
				t.Fatalf("allowed (returned %q), want an error containing %q", rows, tc.want)
			case tc.want != "" && !strings.Contains(err.Error(), tc.want):
				t.Fatalf("error %q does not contain %q", err, tc.want)
			case tc.rows != "" && (len(rows) != 1 || len(rows[0]) != 1 || rows[0][0] != tc.rows):
				t.Fatalf("got %q, want %q", rows, tc.rows)
			}
		})
	}
	// The same facts from the catalog, as the superuser.
	super := s.Super()
	for _, q := range []string{
		`has_database_privilege('tenant-iso-a-app', 'tenant-iso-b', 'CONNECT')`,
		`has_database_privilege('tenant-iso-c-app', 'tenant-iso-a', 'CONNECT')`,
		`has_database_privilege('tenant-iso-a-app', 'iso-tenants', 'CONNECT')`,
		`has_database_privilege('tenant-iso-c-app', 'iso-tenants', 'TEMPORARY')`,
		`has_database_privilege('tenant-iso-c-app', 'iso-tenants', 'CREATE')`,
	} {
		if got := queryOne(t, super, "postgres", "SELECT "+q); got != "f" {
			t.Errorf("%s = %s, want f", q, got)
		}
	}
	for _, tn := range []tenant{c, d} {
		other := "tenant-iso-d"
		if tn.TenantID == "iso-d" {
			other = "tenant-iso-c"
		}
		for _, priv := range []string{"SELECT", "INSERT", "UPDATE", "DELETE"} {
			q := fmt.Sprintf(`SELECT has_table_privilege(%s, '%s.secrets', '%s')`,
				quoteLiteral(tn.Role), quoteIdent(other), priv)
			if got := queryOne(t, super, shared, q); got != "f" {
				t.Errorf("%s has %s on %s.secrets", tn.Role, priv, other)
			}
		}
	}
}

// snapshot is what provisioning decides, read as the superuser: roles and
// their attributes and settings, memberships, databases with owners and
// ACLs, and in every database its schemas with owners and ACLs. Password
// hashes are left out: they get a new salt each time by design.
func snapshot(t *testing.T, s *pgtest.Server) map[string][][]string {
	t.Helper()
	super := s.Super()
	ctx := context.Background()
	q := func(db, sql string) [][]string {
		rows, err := super.Query(ctx, db, sql)
		if err != nil {
			t.Fatal(err)
		}
		return rows
	}
	snap := map[string][][]string{
		"roles": q("postgres", `SELECT rolname, rolsuper, rolinherit, rolcreaterole, rolcreatedb, rolcanlogin,
			rolreplication, rolbypassrls, rolconnlimit, coalesce(array_to_string(rolconfig, ','), '')
			FROM pg_roles ORDER BY 1`),
		"members": q("postgres", `SELECT r.rolname, m.rolname, g.rolname, admin_option
			FROM pg_auth_members a JOIN pg_roles r ON r.oid = a.roleid JOIN pg_roles m ON m.oid = a.member
			JOIN pg_roles g ON g.oid = a.grantor ORDER BY 1, 2, 3`),
		"databases": q("postgres", `SELECT datname, pg_get_userbyid(datdba), coalesce(datacl::text, '')
			FROM pg_database ORDER BY 1`),
		"settings": q("postgres", `SELECT coalesce(d.datname, ''), coalesce(r.rolname, ''), array_to_string(setconfig, ',')
			FROM pg_db_role_setting s LEFT JOIN pg_database d ON d.oid = s.setdatabase
			LEFT JOIN pg_roles r ON r.oid = s.setrole ORDER BY 1, 2`),
	}
	for _, db := range q("postgres", "SELECT datname FROM pg_database WHERE datallowconn ORDER BY 1") {
		snap["schemas in "+db[0]] = q(db[0], `SELECT nspname, pg_get_userbyid(nspowner), coalesce(nspacl::text, '')
			FROM pg_namespace ORDER BY 1`)
	}
	return snap
}

func TestProvisioningTwiceChangesNothing(t *testing.T) {
	s := pgtest.Shared(t)
	clusterDatabase(t, s, "idem-app")
	tenants := []tenant{
		newTenant("idem-a", IsolationDatabase, ""),
		newTenant("idem-c", IsolationSchema, "idem-tenants"),
		newTenant("idem-e", IsolationCluster, "idem-app"),
	}
	for _, tn := range tenants {
		handle(t, s, tn, ActionCreate)
	}
	before := snapshot(t, s)
	for _, action := range []Action{ActionCreate, ActionUpdate} {
		for _, tn := range tenants {
			resp := handle(t, s, tn, action)
			for _, st := range resp.Steps {
				if strings.HasPrefix(st.SQL, "CREATE ") || strings.Contains(st.SQL, " OWNER TO ") {
					t.Errorf("%s again for %s ran %q", action, tn.TenantID, st.SQL)
				}
			}
		}
		if after := snapshot(t, s); !reflect.DeepEqual(before, after) {
			for k := range before {
				if !reflect.DeepEqual(before[k], after[k]) {
					t.Errorf("%s again changed %s:\nbefore %q\nafter  %q", action, k, before[k], after[k])
				}
			}
		}
	}
	for _, tn := range tenants {
		if err := tn.psql(s).Connect(context.Background(), tn.data); err != nil {
			t.Errorf("%s cannot log in after re-provisioning: %v", tn.TenantID, err)
		}
	}
}

func TestOffboardingKeepsData(t *testing.T) {
	s := pgtest.Shared(t)
	ctx := context.Background()
	clusterDatabase(t, s, "off-app")
	const shared = "off-tenants"
	tenants := []tenant{
		newTenant("off-a", IsolationDatabase, ""),
		newTenant("off-c", IsolationSchema, shared),
		newTenant("off-e", IsolationCluster, "off-app"),
	}
	table := func(tn tenant) string {
		if tn.Isolation == IsolationSchema {
			return quoteIdent(SchemaName(tn.TenantID)) + ".rows"
		}
		return "public.rows"
	}
	for _, tn := range tenants {
		handle(t, s, tn, ActionCreate)
		mustExec(t, tn.psql(s), tn.data, "CREATE TABLE rows AS SELECT generate_series(1, 100) AS i")
	}
	for _, tn := range tenants {
		resp := handle(t, s, tn, ActionDelete)
		if resp.Login || len(resp.Steps) != 1 || resp.Steps[0].SQL != "ALTER ROLE "+quoteIdent(tn.Role)+" NOLOGIN" {
			t.Errorf("%s: delete did %+v", tn.TenantID, resp)
		}
		handle(t, s, tn, ActionDelete) // twice is fine
		err := tn.psql(s).Connect(ctx, tn.data)
		if err == nil || !strings.Contains(err.Error(), "not permitted to log in") {
			t.Errorf("%s can still log in after offboarding: %v", tn.TenantID, err)
		}
		if got := queryOne(t, s.Super(), tn.data, "SELECT count(*) FROM "+table(tn)); got != "100" {
			t.Errorf("%s: %s rows after offboarding, want 100", tn.TenantID, got)
		}
	}
	// Onboarding again gives LOGIN back, data intact.
	handle(t, s, tenants[0], ActionCreate)
	if got := queryOne(t, tenants[0].psql(s), tenants[0].data, "SELECT count(*) FROM rows"); got != "100" {
		t.Errorf("after onboarding again: %s rows", got)
	}
	handle(t, s, tenants[0], ActionDelete)

	// The manual step destroys what delete kept, as the master.
	for _, tn := range tenants {
		steps, err := DropStatements(tn.TenantID, tn.Isolation, tn.Database)
		if err != nil {
			t.Fatal(err)
		}
		for _, st := range steps {
			mustExec(t, s.AsMaster(), st.Database, st.SQL)
		}
		if got := queryOne(t, s.Super(), "postgres", "SELECT count(*) FROM pg_roles WHERE rolname = "+quoteLiteral(tn.Role)); got != "0" {
			t.Errorf("%s: role still there after the drop statements", tn.TenantID)
		}
	}
	for db, sql := range map[string]string{
		"postgres": "SELECT count(*) FROM pg_database WHERE datname = 'tenant-off-a'",
		shared:     "SELECT count(*) FROM pg_namespace WHERE nspname = 'tenant-off-c'",
		"off-app":  "SELECT count(*) FROM pg_tables WHERE tablename = 'rows'",
	} {
		if got := queryOne(t, s.Super(), db, sql); got != "0" {
			t.Errorf("in %s, %s = %s after the drop statements, want 0", db, sql, got)
		}
	}
}

func TestHostilePasswords(t *testing.T) {
	s := pgtest.Shared(t)
	ctx := context.Background()
	tn := newTenant("hostile", IsolationSchema, "hostile-tenants")
	handle(t, s, tn, ActionCreate)
	previous := string(tn.Password)
	for _, pw := range []string{
		`it's a 'quoted' one`,
		`back\slash\\ and \'`,
		`$$dollar$$ $tag$ $1`,
		`'; DROP ROLE "tenant-hostile-app"; --`,
		`E'\x41' \\' '' """"`,
		`%s %d %v {{.}} :name :'x' :"y"`,
		`  spaces at both ends  `,
		`\set ON_ERROR_STOP 0 \! id`,
		"~!@#$%^&*()_+-=[]{}|;:,.<>/?`",
	} {
		t.Run(pw, func(t *testing.T) {
			tn.Password = Secret(pw)
			handle(t, s, tn, ActionUpdate)
			if err := tn.psql(s).Connect(ctx, tn.Database); err != nil {
				t.Fatalf("cannot log in with the new password: %v", err)
			}
			if err := s.As(tn.Role, previous).Connect(ctx, tn.Database); err == nil {
				t.Fatal("the previous password still works")
			}
			previous = pw
		})
	}
	if got := queryOne(t, s.Super(), "postgres", "SELECT count(*) FROM pg_roles WHERE rolname = 'tenant-hostile-app'"); got != "1" {
		t.Fatal("the role is gone")
	}
}

// TestQuoteLiteralRoundTrips sends hostile strings through quoteLiteral to
// the server, with standard_conforming_strings on and off, and reads them
// back unchanged.
func TestQuoteLiteralRoundTrips(t *testing.T) {
	s := pgtest.Shared(t)
	mustExec(t, s.Super(), "postgres",
		"CREATE ROLE quoter LOGIN PASSWORD 'quoter-password'",
		"ALTER ROLE quoter SET standard_conforming_strings = off")
	for _, p := range []*pgtest.Psql{s.AsMaster(), s.As("quoter", "quoter-password")} {
		for _, v := range []string{
			`it's`, `back\slash`, `\'`, `\\''\\`, `$$ $x$ $$`, `"; SELECT 1; --`, "tab\tand\nnewline", `ünïcødé ✓`,
		} {
			if got := queryOne(t, p, "postgres", "SELECT "+quoteLiteral(v)); got != v {
				t.Errorf("as %s: %s came back as %q", p.User(), quoteLiteral(v), got)
			}
		}
	}
}

// TestScramVerifierMatchesPostgres hashes a password with the salt and
// iteration count PostgreSQL chose for the same password, and expects the
// same verifier.
func TestScramVerifierMatchesPostgres(t *testing.T) {
	s := pgtest.Shared(t)
	const pw = `Pa$$w0rd with 'quotes' and \ backslash`
	mustExec(t, s.Super(), "postgres", "CREATE ROLE scram_check PASSWORD "+quoteLiteral(pw))
	stored := queryOne(t, s.Super(), "postgres", "SELECT rolpassword FROM pg_authid WHERE rolname = 'scram_check'")
	var iterations int
	var salt64 string
	head, _, _ := strings.Cut(strings.TrimPrefix(stored, "SCRAM-SHA-256$"), "$")
	if _, err := fmt.Sscanf(strings.Replace(head, ":", " ", 1), "%d %s", &iterations, &salt64); err != nil {
		t.Fatalf("unexpected verifier %q: %v", stored, err)
	}
	salt, err := base64.StdEncoding.DecodeString(salt64)
	if err != nil {
		t.Fatal(err)
	}
	got, err := scramVerifierWith(pw, salt, iterations)
	if err != nil {
		t.Fatal(err)
	}
	if got != stored {
		t.Fatalf("verifier\n got %s\nwant %s", got, stored)
	}
}

// TestConcurrentTenantsShareOneDatabase: the engine provisions a region's
// tenants in parallel, so two schema-level tenants may both find the
// shared database missing, or grant on it at once; both succeed.
func TestConcurrentTenantsShareOneDatabase(t *testing.T) {
	s := pgtest.Shared(t)
	for round := range 3 {
		shared := fmt.Sprintf("tenants-race-%d", round)
		var tenants []tenant
		for i := range 4 {
			tenants = append(tenants, newTenant(fmt.Sprintf("race%d-t%d", round, i), IsolationSchema, shared))
		}
		errs := make(chan error, len(tenants))
		for _, tn := range tenants {
			go func() {
				req, err := ParseRequest(payload(t, tn.Request, ActionCreate, nil))
				if err == nil {
					_, err = Apply(context.Background(), s.AsMaster(), req)
				}
				errs <- err
			}()
		}
		for range tenants {
			if err := <-errs; err != nil {
				t.Errorf("round %d: %v", round, err)
			}
		}
		for _, tn := range tenants {
			if got := queryOne(t, tn.psql(s), shared, "SELECT current_schema()"); got != SchemaName(tn.TenantID) {
				t.Errorf("%s: current_schema %q", tn.TenantID, got)
			}
		}
	}
}
