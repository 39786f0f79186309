//go:build engine

package main

import (
	"context"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/amplify-tenancy/tenancy/internal/enginetest/standin"
	"github.com/amplify-tenancy/tenancy/internal/pgtest"
	"github.com/amplify-tenancy/tenancy/internal/provisioner"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
)

// levelTenant is one Aurora tenant of testdata/stacks/Pulumi.levels.yaml
// and where its application role lives in PostgreSQL.
type levelTenant struct {
	id        string
	isolation provisioner.Isolation
	database  string // the database the role connects to
}

// levelsAurora are the Aurora tenants of the levels stack; its DynamoDB
// tenants (table, pooledone, pooledtwo) have no role in PostgreSQL.
var levelsAurora = []levelTenant{
	{"solo", provisioner.IsolationCluster, "app"},
	{"dbone", provisioner.IsolationDatabase, provisioner.DatabaseName("dbone")},
	{"dbtwo", provisioner.IsolationDatabase, provisioner.DatabaseName("dbtwo")},
	{"schemaone", provisioner.IsolationSchema, provisioner.DefaultSharedDatabase},
	{"schematwo", provisioner.IsolationSchema, provisioner.DefaultSharedDatabase},
}

// TestEngineIsolationLevels deploys every isolation level through the real
// engine with the stand-in aws plugin running the provisioner's handler
// against a real PostgreSQL (standing in for every Aurora cluster), and
// checks PostgreSQL itself: each Aurora tenant's role logs in with the
// password in Pulumi state, in its own database or schema and no one
// else's; a second up changes neither the stack nor the catalog; and
// offboarding a schema-level tenant takes its login away and keeps its
// schema and rows.
func TestEngineIsolationLevels(t *testing.T) {
	t.Parallel()
	srv := pgtest.New(t)
	ctx := context.Background()
	e := newEngineStack(t, "levels")
	conn, err := standin.PostgresEnvValue(srv)
	if err != nil {
		t.Fatal(err)
	}
	// The stand-ins are the CLI's children; the CLI gets the workspace's
	// environment (e.env is what export passes).
	e.env[standin.PostgresEnv] = conn
	e.stack.Workspace().SetEnvVar(standin.PostgresEnv, conn)
	super := srv.Super()
	// The engine's own parallelism: a region's tenants are provisioned at
	// the same moment, as in a real deployment.
	res, err := e.up()
	if err != nil {
		t.Fatal(err)
	}
	if res.Summary.ResourceChanges == nil || (*res.Summary.ResourceChanges)[string(apitype.OpCreate)] == 0 {
		t.Fatalf("first up created nothing: %v", res.Summary.ResourceChanges)
	}
	e.takeCalls()
	passwords := e.appPasswords()

	t.Run("every Aurora tenant's role is provisioned at its level", func(t *testing.T) {
		for _, lt := range levelsAurora {
			role := provisioner.RoleName(lt.id)
			rows := query(t, super, "postgres", "SELECT rolcanlogin, rolsuper, rolcreatedb, rolcreaterole FROM pg_roles WHERE rolname = "+lit(role))
			if !reflect.DeepEqual(rows, [][]string{{"t", "f", "f", "f"}}) {
				t.Errorf("%s: role %s (login, super, createdb, createrole) = %q, want a plain LOGIN role", lt.id, role, rows)
			}
			switch lt.isolation {
			case provisioner.IsolationDatabase:
				rows := query(t, super, "postgres", "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = "+lit(lt.database))
				if !reflect.DeepEqual(rows, [][]string{{role}}) {
					t.Errorf("%s: database %s owned by %q, want %s", lt.id, lt.database, rows, role)
				}
			case provisioner.IsolationSchema:
				schema := provisioner.SchemaName(lt.id)
				rows := query(t, super, lt.database, "SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = "+lit(schema))
				if !reflect.DeepEqual(rows, [][]string{{role}}) {
					t.Errorf("%s: schema %s in %s owned by %q, want %s", lt.id, schema, lt.database, rows, role)
				}
			}
		}
		// No database or schema for the cluster-level or DynamoDB tenants.
		for _, id := range []string{"solo", "table", "pooledone", "pooledtwo", "schemaone", "schematwo"} {
			if rows := query(t, super, "postgres", "SELECT 1 FROM pg_database WHERE datname = "+lit(provisioner.DatabaseName(id))); len(rows) > 0 {
				t.Errorf("%s has a database of its own", id)
			}
		}
		for _, id := range []string{"table", "pooledone", "pooledtwo"} {
			if rows := query(t, super, "postgres", "SELECT 1 FROM pg_roles WHERE rolname = "+lit(provisioner.RoleName(id))); len(rows) > 0 {
				t.Errorf("DynamoDB tenant %s has a PostgreSQL role", id)
			}
		}
	})

	t.Run("each role logs in with the password in state, to its own data only", func(t *testing.T) {
		for _, lt := range levelsAurora {
			role := provisioner.RoleName(lt.id)
			pw := passwords[lt.id]
			if pw == "" {
				t.Errorf("%s: no %s-db-app-password in state", lt.id, lt.id)
				continue
			}
			as := srv.As(role, pw)
			if err := as.Connect(ctx, lt.database); err != nil {
				t.Errorf("%s: the role cannot log in to %s with the state's password: %v", lt.id, lt.database, err)
				continue
			}
			if err := srv.As(role, pw+"x").Connect(ctx, lt.database); err == nil {
				t.Errorf("%s: the role logs in with a wrong password", lt.id)
			}
			if lt.isolation == provisioner.IsolationSchema {
				if rows := query(t, as, lt.database, "SELECT current_schema()"); !reflect.DeepEqual(rows, [][]string{{provisioner.SchemaName(lt.id)}}) {
					t.Errorf("%s: current_schema %q, want its own schema", lt.id, rows)
				}
			}
			for _, other := range levelsAurora {
				if other.database == lt.database || other.isolation != provisioner.IsolationDatabase {
					continue
				}
				if err := as.Connect(ctx, other.database); err == nil {
					t.Errorf("%s logs in to %s's database %s", lt.id, other.id, other.database)
				}
			}
		}
		// The app of a schema-level tenant creates its tables in its own
		// schema; the other schema-level tenant cannot read them.
		one := srv.As(provisioner.RoleName("schemaone"), passwords["schemaone"])
		if err := one.Exec(ctx, provisioner.DefaultSharedDatabase, "CREATE TABLE orders (id int PRIMARY KEY, item text)"); err != nil {
			t.Fatalf("schemaone cannot create a table in its schema: %v", err)
		}
		two := srv.As(provisioner.RoleName("schematwo"), passwords["schematwo"])
		if _, err := two.Query(ctx, provisioner.DefaultSharedDatabase, `SELECT * FROM "tenant-schemaone".orders`); err == nil {
			t.Error("schematwo reads schemaone's table")
		}
	})

	t.Run("the invocations report what they did", func(t *testing.T) {
		rs := e.resources()
		for _, lt := range levelsAurora {
			r, ok := byLogicalName(rs, "aws:lambda/invocation:Invocation", lt.id+"-db-app-role")
			if !ok {
				t.Errorf("%s: no invocation in state", lt.id)
				continue
			}
			s, _ := r.Outputs["result"].(string)
			var got provisioner.Response
			if err := json.Unmarshal([]byte(s), &got); err != nil {
				t.Errorf("%s: result %q: %v", lt.id, s, err)
				continue
			}
			if got.Role != provisioner.RoleName(lt.id) || got.Isolation != lt.isolation || got.Database != lt.database || !got.Login {
				t.Errorf("%s: result %+v", lt.id, got)
			}
			if pw := passwords[lt.id]; pw != "" && strings.Contains(s, pw) {
				t.Errorf("%s: the invocation's result shows the password", lt.id)
			}
		}
	})

	t.Run("a second up changes nothing", func(t *testing.T) {
		e := e.in(t)
		before := catalog(t, srv)
		if n := len(slices.DeleteFunc(slices.Clone(before), func(l string) bool { return !strings.HasPrefix(l, "role tenant-") })); n != len(levelsAurora) {
			t.Fatalf("the catalog snapshot holds %d tenant roles, want %d: %q", n, len(levelsAurora), before)
		}
		res := e.mustUp()
		var summary map[string]int
		if res.Summary.ResourceChanges != nil {
			summary = *res.Summary.ResourceChanges
		}
		for _, op := range changes {
			if n := summary[string(op)]; n != 0 {
				t.Errorf("second up: %d %s, want none (summary %v)", n, op, summary)
			}
		}
		if calls := e.takeCalls(); len(calls) > 0 {
			t.Errorf("second up called the providers: %q", calls)
		}
		if after := catalog(t, srv); !slices.Equal(after, before) {
			t.Errorf("second up changed the PostgreSQL catalog:\nbefore %q\nafter  %q", before, after)
		}
	})

	t.Run("offboarding a schema-level tenant keeps its schema and rows", func(t *testing.T) {
		e := e.in(t)
		role, schema := provisioner.RoleName("schemaone"), provisioner.SchemaName("schemaone")
		if err := super.Exec(ctx, provisioner.DefaultSharedDatabase, `INSERT INTO "tenant-schemaone".orders VALUES (1, 'kept')`); err != nil {
			t.Fatal(err)
		}
		e.editTenants(func(ts []map[string]any) []map[string]any {
			for _, tn := range ts {
				if tn["id"] == "schemaone" {
					tn["status"] = "offboarded"
				}
			}
			return ts
		})
		e.mustUp()
		calls := e.takeCalls()
		if !slices.ContainsFunc(calls, func(c string) bool {
			return strings.HasPrefix(c, "delete ") && strings.Contains(c, "::schemaone-db-app-role ")
		}) {
			t.Errorf("offboarding did not delete schemaone's invocation; calls %q", calls)
		}
		if rows := query(t, super, "postgres", "SELECT rolcanlogin FROM pg_roles WHERE rolname = "+lit(role)); !reflect.DeepEqual(rows, [][]string{{"f"}}) {
			t.Errorf("after offboarding: rolcanlogin %q, want the role kept, NOLOGIN", rows)
		}
		if err := srv.As(role, passwords["schemaone"]).Connect(ctx, provisioner.DefaultSharedDatabase); err == nil {
			t.Error("the offboarded tenant's role still logs in")
		}
		if rows := query(t, super, provisioner.DefaultSharedDatabase, "SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = "+lit(schema)); !reflect.DeepEqual(rows, [][]string{{role}}) {
			t.Errorf("after offboarding: schema %s owned by %q, want kept, owned by %s", schema, rows, role)
		}
		if rows := query(t, super, provisioner.DefaultSharedDatabase, `SELECT id, item FROM "tenant-schemaone".orders`); !reflect.DeepEqual(rows, [][]string{{"1", "kept"}}) {
			t.Errorf("after offboarding: rows %q, want the row kept", rows)
		}
		if err := srv.As(provisioner.RoleName("schematwo"), passwords["schematwo"]).Connect(ctx, provisioner.DefaultSharedDatabase); err != nil {
			t.Errorf("offboarding schemaone locked out schematwo: %v", err)
		}
	})
}

// appPasswords returns each Aurora tenant's application password, the
// result of its <id>-db-app-password in state, decrypted (auto's Export
// runs `pulumi stack export --show-secrets`).
func (e *engineStack) appPasswords() map[string]string {
	e.t.Helper()
	d, err := e.stack.Export(e.ctx())
	if err != nil {
		e.t.Fatal(err)
	}
	var state struct {
		Resources []stateResource `json:"resources"`
	}
	if err := json.Unmarshal(d.Deployment, &state); err != nil {
		e.t.Fatal(err)
	}
	out := map[string]string{}
	for _, r := range state.Resources {
		if r.Type != "random:index/randomPassword:RandomPassword" {
			continue
		}
		name := r.URN[strings.LastIndex(r.URN, "::")+2:]
		id, ok := strings.CutSuffix(name, "-db-app-password")
		if !ok {
			continue
		}
		// A secret shows as {<sig>: <secret sig>, "plaintext": <JSON of the value>}.
		secret, _ := r.Outputs["result"].(map[string]any)
		plain, _ := secret["plaintext"].(string)
		var pw string
		if err := json.Unmarshal([]byte(plain), &pw); err != nil || pw == "" {
			e.t.Fatalf("%s: result is not a decrypted secret string (%v)", name, err)
		}
		out[id] = pw
	}
	return out
}

// catalog is what a no-op deployment must leave as it was: every role but
// the bootstrap superuser (flags, password verifier, settings), role
// memberships, every database (owner, ACL) and in each the schemas
// (owner, ACL) and default privileges.
func catalog(t *testing.T, srv *pgtest.Server) []string {
	t.Helper()
	super := srv.Super()
	var out []string
	add := func(prefix string, rows [][]string) {
		for _, r := range rows {
			out = append(out, prefix+strings.Join(r, " | "))
		}
	}
	add("role ", query(t, super, "postgres", `
		SELECT a.rolname, a.rolcanlogin::text, a.rolsuper::text, a.rolcreatedb::text, a.rolcreaterole::text,
		       a.rolinherit::text, a.rolbypassrls::text, coalesce(a.rolpassword, ''), coalesce(r.rolconfig::text, '')
		  FROM pg_authid a JOIN pg_roles r ON r.oid = a.oid
		 WHERE a.rolname NOT LIKE 'pg\_%' AND a.rolname <> current_user ORDER BY 1`))
	add("member ", query(t, super, "postgres", `
		SELECT pg_get_userbyid(roleid), pg_get_userbyid(member), admin_option::text FROM pg_auth_members
		 WHERE pg_get_userbyid(roleid) NOT LIKE 'pg\_%' ORDER BY 1, 2`))
	add("setting ", query(t, super, "postgres", `
		SELECT coalesce(d.datname, '*'), pg_get_userbyid(s.setrole), s.setconfig::text
		  FROM pg_db_role_setting s LEFT JOIN pg_database d ON d.oid = s.setdatabase ORDER BY 1, 2`))
	dbs := query(t, super, "postgres", `
		SELECT datname, pg_get_userbyid(datdba), coalesce(datacl::text, '') FROM pg_database
		 WHERE NOT datistemplate ORDER BY 1`)
	add("database ", dbs)
	for _, db := range dbs {
		add("schema "+db[0]+" ", query(t, super, db[0], `
			SELECT nspname, pg_get_userbyid(nspowner), coalesce(nspacl::text, '') FROM pg_namespace
			 WHERE nspname NOT LIKE 'pg\_%' AND nspname <> 'information_schema' ORDER BY 1`))
		add("default-acl "+db[0]+" ", query(t, super, db[0], `
			SELECT pg_get_userbyid(defaclrole), defaclnamespace::regnamespace::text, defaclobjtype::text, defaclacl::text
			  FROM pg_default_acl ORDER BY 1, 2, 3`))
	}
	return out
}

func query(t *testing.T, p *pgtest.Psql, db, sql string) [][]string {
	t.Helper()
	rows, err := p.Query(context.Background(), db, sql)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// lit quotes a SQL string literal (the names here hold no quote).
func lit(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
