// Package provisioner is the core of the per-region provisioner that gives
// an Aurora PostgreSQL tenant its place in a cluster: a login role, and its
// own database (`database` isolation) or its own schema in a shared database
// (`schema` isolation) of the region's shared cluster, or only the role in
// its own cluster (`cluster` isolation). A Lambda function wraps Handle and
// runs the SQL through the RDS Data API; the Pulumi program invokes it with
// an aws.lambda.Invocation whose lifecycleScope is "CRUD", so it runs on
// create, update and delete of that resource. Neither the Lambda wrapper
// nor the Pulumi resources live here.
//
// # Why it works this way
//
// The Data API is an HTTPS endpoint of RDS (IAM-authorised, credentials
// from the master's Secrets Manager secret): neither the deployer nor the
// function needs a network path into the cluster's VPC, and the cluster
// stays unreachable from outside. The Data API runs each ExecuteStatement
// without a transaction id in autocommit, one statement at a time, and
// utility statements (CREATE ROLE, ALTER ROLE ... PASSWORD, GRANT) take no
// bind parameters; CREATE DATABASE cannot run in a transaction or a DO
// block. So Executor runs one statement per call, existence is checked with
// a query first, and every statement is built from validated names:
//
//   - Identifiers. Every name derives from the tenant id
//     (^[a-z][a-z0-9-]{1,30}[a-z0-9]$, no "--"): role "tenant-<id>-app",
//     database and schema "tenant-<id>". The prefix keeps a tenant id such
//     as "public" or "postgres" from naming a reserved object; the request
//     must carry exactly these names, so one tenant's request can never
//     touch another tenant's role. Identifiers are always double-quoted
//     (ids contain '-'), literals always quoted with quotes doubled (an
//     escape string E'...' with backslashes doubled when there is a
//     backslash).
//   - Password. The password never enters SQL text: the handler hashes it
//     into a SCRAM-SHA-256 verifier, which PostgreSQL stores as is (what
//     psql's \password does), so neither server logs (log_statement, the
//     STATEMENT line of a failed statement), pg_stat_activity nor
//     pg_stat_statements see it. The verifier itself is redacted from the
//     response and from errors; the password is never logged, never in an
//     error, never in the response.
//   - Idempotency. Create and update run the same statements: create what
//     is missing (after a query), then set what must hold (LOGIN, password,
//     owner, REVOKE/GRANT), which PostgreSQL treats as no-ops when already
//     true. Running twice changes no role, database, schema or privilege;
//     only the password's salt is new. A retried or repeated invocation is
//     therefore safe, and update re-sets the password and LOGIN. An update
//     that changes tenantId, isolation, database, role or clusterArn is
//     refused: moving a tenant is never done in place.
//   - Offboarding keeps data. Delete (the Invocation is deleted when its
//     tenant is offboarded or removed) only runs ALTER ROLE ... NOLOGIN:
//     no DROP, and open sessions are not terminated. Destroying the data is
//     a separate, explicit, manual step (DropStatements). Creating the
//     tenant again gives LOGIN back with its data intact. Because create and
//     delete address the same role, the Invocation must never be replaced
//     create-before-delete (a new function name or qualifier forces a
//     replacement): the old resource's delete would take LOGIN away from the
//     role just provisioned. Give it deleteBeforeReplace, or keep its
//     function name and qualifier stable.
//
// # SQL per level
//
// All levels first ensure the role (in the "postgres" database):
//
//	SELECT rolname FROM pg_catalog.pg_roles WHERE rolname = '<role>'
//	CREATE ROLE "<role>" NOLOGIN                     -- only when missing
//	ALTER ROLE "<role>" WITH LOGIN NOCREATEDB NOCREATEROLE PASSWORD '<SCRAM verifier>'
//
// database (the tenant's role owns its database, closed to PUBLIC):
//
//	GRANT "<role>" TO CURRENT_USER                   -- needed to create a database OWNER it
//	CREATE DATABASE "tenant-<id>" OWNER "<role>"     -- when missing (else ALTER ... OWNER TO if it differs)
//	REVOKE ALL ON DATABASE "tenant-<id>" FROM PUBLIC
//	GRANT CONNECT, TEMPORARY ON DATABASE "tenant-<id>" TO "<role>"
//
// The role owns the new database's public schema through pg_database_owner
// (PostgreSQL 15 and later), so it can create tables there.
//
// schema (a schema owned by the role in the shared database, owned by the
// provisioning role and closed to PUBLIC):
//
//	GRANT "<role>" TO CURRENT_USER                   -- needed for CREATE SCHEMA ... AUTHORIZATION
//	CREATE DATABASE "<shared>"                       -- when missing
//	REVOKE ALL ON DATABASE "<shared>" FROM PUBLIC
//	REVOKE ALL ON SCHEMA public FROM PUBLIC          -- in <shared>: no USAGE, no CREATE
//	CREATE SCHEMA "tenant-<id>" AUTHORIZATION "<role>"  -- in <shared>, when missing
//	GRANT CONNECT ON DATABASE "<shared>" TO "<role>" -- no TEMPORARY
//	ALTER ROLE "<role>" SET search_path TO "tenant-<id>"
//
// cluster (the application's role in the tenant's own cluster, so the
// application never uses the master credential):
//
//	REVOKE ALL ON DATABASE "<db>" FROM PUBLIC
//	GRANT CONNECT, TEMPORARY ON DATABASE "<db>" TO "<role>"
//	GRANT USAGE, CREATE ON SCHEMA public TO "<role>" -- in <db>
//
// delete (every level):
//
//	ALTER ROLE "<role>" NOLOGIN                      -- when the role exists
//
// # What isolation holds, and what not
//
// The package tests prove, against a real PostgreSQL 15 and as a
// non-superuser master like Aurora's: a tenant cannot connect to another
// tenant's database or to the shared database unless it is a `schema`
// tenant; a `schema` tenant has no USAGE on another tenant's schema and can
// neither read nor write its tables; nobody can use or create in the shared
// database's public schema, create schemas or databases or roles, or create
// objects outside its own database or schema. What remains by PostgreSQL's
// design: the system catalogs (pg_catalog, information_schema) stay
// readable by every role, so a tenant can list other tenants' role,
// database, schema and table names (never their rows). And PUBLIC keeps its
// default CONNECT and TEMPORARY on the "postgres" database (CONNECT on
// template1), which the provisioner leaves alone (the master need not own it;
// tools use it), so a tenant can open a session there and create
// session-private temporary tables, nothing persistent.
//
// # NOTES: PostgreSQL 15 here, Aurora PostgreSQL 16 there
//
// The tests run on Debian's PostgreSQL 15 with a master role created LOGIN
// CREATEROLE CREATEDB NOSUPERUSER, the attributes Aurora gives its master
// ("CREATE ROLE postgres WITH LOGIN NOSUPERUSER INHERIT CREATEDB CREATEROLE
// ...", https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Appendix.PostgreSQL.CommonDBATasks.Roles.rds_superuser.html).
// What differs on Aurora PostgreSQL 16:
//
//   - CREATEROLE changed in PostgreSQL 16 (release notes, "Restrict the
//     privileges of CREATEROLE and its ability to modify other roles",
//     https://www.postgresql.org/docs/16/release-16.html). A CREATEROLE
//     non-superuser that creates a role is granted it WITH ADMIN OPTION
//     automatically (INHERIT and SET false, unless createrole_self_grant
//     says otherwise, https://www.postgresql.org/docs/16/runtime-config-client.html#GUC-CREATEROLE-SELF-GRANT),
//     and it needs that ADMIN OPTION to ALTER, GRANT or DROP the role. On 15
//     CREATEROLE may alter any non-superuser role. Consequence: the
//     provisioner must be the role that created the tenant roles (the
//     master; a rotated master password is fine, a different master user is
//     not), and a pre-existing role of the same name created by someone else
//     makes create fail rather than be taken over (on 15 it would be taken
//     over; the "tenant-" prefix makes such a clash unlikely).
//   - CREATE DATABASE ... OWNER and CREATE SCHEMA ... AUTHORIZATION need,
//     on 15, membership in the role and, on 16, the SET option on it ("must
//     be able to SET ROLE", reported for RDS at
//     https://postgrespro.com/list/id/CADKuZZBYUh_tyMgDBwDF=WAu+T5uGX4QtNFS3EnuFao9qbEVgQ@mail.gmail.com).
//     The automatic grant on 16 has SET false, so the explicit
//     GRANT "<role>" TO CURRENT_USER (default SET true) is needed on both.
//   - rds_superuser: Aurora's master is a member of rds_superuser, which
//     adds rights no plain CREATEROLE role has (extensions, pg_stat_activity
//     of everyone, pg_terminate_backend, granting rds_* roles). Nothing here
//     relies on them, so the test master has none; isolation proven against
//     the plain role holds for the tenants, whose roles get no rds_* role.
//   - The public schema: both 15 and 16 create it owned by pg_database_owner
//     without CREATE for PUBLIC (PostgreSQL 15 release notes,
//     https://www.postgresql.org/docs/15/release-15.html); the shared
//     database additionally revokes USAGE.
//   - Data API: for Aurora PostgreSQL 14 and later it supports only
//     scram-sha-256 password encryption, runs on the writer instance only,
//     and caps a response at 1 MiB
//     (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/data-api.limitations.html);
//     the SCRAM verifiers set here fit. DDL inside a Data API transaction
//     commits implicitly and AWS recommends one DDL statement per
//     ExecuteStatement (BeginTransaction in the RDS Data API reference), so
//     the Executor never uses transactions. The Data API's database
//     parameter selects the database per call, which is Executor's database
//     argument. Notices (for example GRANT of a membership that exists) are
//     not errors.
//   - Not tested here: Aurora itself. The tests stand in with a plain
//     PostgreSQL 15; the 16-specific behaviour above is reasoned from the
//     documentation, not executed.
//
// The lifecycle block's shape ("tf": {"action", "prev_input"}) is cited on
// Lifecycle.
package provisioner
