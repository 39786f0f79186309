package standin

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/amplify-tenancy/tenancy/internal/pgtest"
	"github.com/amplify-tenancy/tenancy/internal/provisioner"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/archive"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/protobuf/types/known/structpb"
)

const (
	testPassword = "Zr4nd0mPassw0rdOfThirtyTwoChars1"
	clusterArn   = "arn:aws:rds:eu-central-1:123456789012:cluster:eu-central-1-db-1a2b3c4"
	secretArn    = "arn:aws:secretsmanager:eu-central-1:123456789012:secret:eu-central-1-db-master-1a2b3c4"
)

// tenantInput is the input the tenant program gives the Invocation.
func tenantInput(t *testing.T, id string) string {
	t.Helper()
	b, err := json.Marshal(map[string]any{
		"tenantId": id, "isolation": "database", "database": provisioner.DatabaseName(id),
		"role": provisioner.RoleName(id), "password": testPassword, "clusterArn": clusterArn, "secretArn": secretArn,
	})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func invocationInputs(input, scope string) resource.PropertyMap {
	m := resource.PropertyMap{
		"functionName": resource.NewProperty("eu-central-1-provisioner-1a2b3c4"),
		"input":        resource.MakeSecret(resource.NewProperty(input)),
	}
	if scope != "" {
		m["lifecycleScope"] = resource.NewProperty(scope)
	}
	return m
}

func mustMarshal(t *testing.T, m resource.PropertyMap) *structpb.Struct {
	t.Helper()
	s, err := marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func invocationURN(name string) string {
	return string(resource.NewURN("dev", "tenancy", "tenancy:tenant:TenantStack", invocationType, name))
}

// TestPayloadIsTheProvidersBuildInput: the lifecycle block is added as
// terraform-provider-aws adds it, and the provisioner accepts the result.
func TestPayloadIsTheProvidersBuildInput(t *testing.T) {
	input := tenantInput(t, "acme")
	news := invocationInputs(input, scopeCRUD)
	var in map[string]any
	_ = json.Unmarshal([]byte(input), &in)
	cases := []struct {
		action provisioner.Action
		olds   resource.PropertyMap
		prev   any
	}{
		{provisioner.ActionCreate, nil, nil},
		{provisioner.ActionUpdate, invocationInputs(input, scopeCRUD), in},
		{provisioner.ActionDelete, news, in},
	}
	for _, c := range cases {
		b, err := payload(c.action, news, c.olds)
		if err != nil {
			t.Fatal(err)
		}
		var got map[string]any
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatal(err)
		}
		tf, _ := got["tf"].(map[string]any)
		if tf["action"] != string(c.action) || !reflect.DeepEqual(tf["prev_input"], c.prev) {
			t.Errorf("%s: tf %v", c.action, tf)
		}
		delete(got, "tf")
		if !reflect.DeepEqual(got, in) {
			t.Errorf("%s: input %v, want %v", c.action, got, in)
		}
		if _, err := provisioner.ParseRequest(b); err != nil {
			t.Errorf("%s: %v", c.action, err)
		}
	}
	news["terraformKey"] = resource.NewProperty("lifecycle")
	if b, _ := payload(provisioner.ActionCreate, news, nil); !strings.Contains(string(b), `"lifecycle":{"action":"create","prev_input":null}`) {
		t.Errorf("terraformKey ignored: %s", b)
	}
	if b, _ := payload(provisioner.ActionCreate, invocationInputs(input, ""), nil); string(b) != input {
		t.Errorf("CREATE_ONLY payload %s, want the input as is", b)
	}
}

// TestCheckAcceptsTheFunctionsCodeArchive: the engine sends a FileArchive
// as its path and hash; Check and Create keep it.
func TestCheckAcceptsTheFunctionsCodeArchive(t *testing.T) {
	path := filepath.Join(t.TempDir(), "provisioner.zip")
	if err := os.WriteFile(path, []byte("PK\x05\x06"+strings.Repeat("\x00", 18)), 0o644); err != nil {
		t.Fatal(err)
	}
	code, err := archive.FromPath(path)
	if err != nil {
		t.Fatal(err)
	}
	s := &server{pkg: "aws", region: "eu-central-1", log: &callLog{}}
	news := resource.PropertyMap{"code": resource.NewArchiveProperty(code), "runtime": resource.NewProperty("provided.al2023")}
	urn := resource.NewURN("dev", "tenancy", "tenancy:index:Region", tokens.Type(functionType), "eu-central-1-provisioner")
	resp, err := s.Check(context.Background(), &pulumirpc.CheckRequest{Urn: string(urn), News: mustMarshal(t, news)})
	if err != nil || len(resp.GetFailures()) > 0 {
		t.Fatalf("check: %v %v", err, resp.GetFailures())
	}
	created, err := s.Create(context.Background(), &pulumirpc.CreateRequest{Urn: string(urn), Properties: resp.GetInputs()})
	if err != nil {
		t.Fatal(err)
	}
	out, err := unmarshal(created.GetProperties())
	if err != nil {
		t.Fatal(err)
	}
	if got := out["code"]; !got.IsArchive() || got.ArchiveValue().Hash != code.Hash || got.ArchiveValue().Path != path {
		t.Errorf("code %v, want the archive %s (%s)", got, path, code.Hash)
	}
	if name := out["name"]; !name.IsString() || !strings.HasPrefix(name.StringValue(), "eu-central-1-provisioner-") {
		t.Errorf("name %v: want an auto-name", name)
	}
}

// TestInvocationRunsTheProvisioner: with a PostgreSQL attached as
// PostgresEnv describes, create makes the tenant's role, which can log in;
// an update with the same input changes nothing; delete takes LOGIN away
// and keeps the role and its database.
func TestInvocationRunsTheProvisioner(t *testing.T) {
	srv := pgtest.New(t)
	ctx := context.Background()
	env, err := PostgresEnvValue(srv)
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv(PostgresEnv, env)
	pg, err := postgresFromEnv()
	if err != nil {
		t.Fatal(err)
	}
	s := &server{pkg: "aws", region: "eu-central-1", log: &callLog{}, pg: pg}
	urn := invocationURN("acme-db-app-role")
	role, db := provisioner.RoleName("acme"), provisioner.DatabaseName("acme")
	inputs := mustMarshal(t, invocationInputs(tenantInput(t, "acme"), scopeCRUD))

	check, err := s.Check(ctx, &pulumirpc.CheckRequest{Urn: urn, News: inputs})
	if err != nil || len(check.GetFailures()) > 0 {
		t.Fatalf("check: %v %v", err, check.GetFailures())
	}
	created, err := s.Create(ctx, &pulumirpc.CreateRequest{Urn: urn, Properties: check.GetInputs()})
	if err != nil {
		t.Fatal(err)
	}
	result := resultOf(t, created.GetProperties())
	if result.Action != provisioner.ActionCreate || !result.Login || result.Role != role || result.Database != db {
		t.Errorf("create result %+v", result)
	}
	if err := srv.As(role, testPassword).Connect(ctx, db); err != nil {
		t.Fatalf("the role cannot log in after create: %v", err)
	}
	before := snapshot(t, srv)

	updated, err := s.Update(ctx, &pulumirpc.UpdateRequest{Urn: urn, Id: created.GetId(), Olds: created.GetProperties(),
		News: check.GetInputs(), OldInputs: check.GetInputs()})
	if err != nil {
		t.Fatal(err)
	}
	if r := resultOf(t, updated.GetProperties()); r.Action != provisioner.ActionUpdate || !r.Login {
		t.Errorf("update result %+v", r)
	}
	if after := snapshot(t, srv); !reflect.DeepEqual(after, before) {
		t.Errorf("update changed the database:\nbefore %q\nafter  %q", before, after)
	}
	if err := srv.As(role, testPassword).Connect(ctx, db); err != nil {
		t.Fatalf("the role cannot log in after update: %v", err)
	}

	if _, err := s.Delete(ctx, &pulumirpc.DeleteRequest{Urn: urn, Id: created.GetId(), Properties: updated.GetProperties()}); err != nil {
		t.Fatal(err)
	}
	rows, err := srv.Super().Query(ctx, "postgres", "SELECT rolcanlogin FROM pg_roles WHERE rolname = '"+role+"'")
	if err != nil || !reflect.DeepEqual(rows, [][]string{{"f"}}) {
		t.Errorf("after delete: rolcanlogin %q, %v; want the role kept, NOLOGIN", rows, err)
	}
	if err := srv.As(role, testPassword).Connect(ctx, db); err == nil {
		t.Error("the role can still log in after delete")
	}
	if rows, _ := srv.Super().Query(ctx, "postgres", "SELECT datname FROM pg_database WHERE datname = '"+db+"'"); len(rows) != 1 {
		t.Error("delete dropped the tenant's database")
	}
}

// TestClusterLevelTenant: creating a cluster creates its databaseName (as
// RDS does), so a cluster-level tenant's role can be provisioned in it.
func TestClusterLevelTenant(t *testing.T) {
	srv := pgtest.New(t)
	ctx := context.Background()
	s := &server{pkg: "aws", region: "eu-central-1", log: &callLog{}, pg: srv}
	cluster := string(resource.NewURN("dev", "tenancy", "tenancy:tenant:TenantStack", clusterType, "solo-db"))
	for range 2 { // one PostgreSQL stands in for every cluster: the second finds it
		if _, err := s.Create(ctx, &pulumirpc.CreateRequest{Urn: cluster,
			Properties: mustMarshal(t, resource.PropertyMap{"databaseName": resource.NewProperty("app")})}); err != nil {
			t.Fatal(err)
		}
	}
	input, _ := json.Marshal(map[string]any{"tenantId": "solo", "isolation": "cluster", "database": "app",
		"role": provisioner.RoleName("solo"), "password": testPassword, "clusterArn": clusterArn, "secretArn": secretArn})
	created, err := s.Create(ctx, &pulumirpc.CreateRequest{Urn: invocationURN("solo-db-app-role"),
		Properties: mustMarshal(t, invocationInputs(string(input), scopeCRUD))})
	if err != nil {
		t.Fatal(err)
	}
	if r := resultOf(t, created.GetProperties()); r.Isolation != provisioner.IsolationCluster || !r.Login {
		t.Errorf("result %+v", r)
	}
	if err := srv.As(provisioner.RoleName("solo"), testPassword).Connect(ctx, "app"); err != nil {
		t.Errorf("the role cannot log in to the cluster's database: %v", err)
	}
}

// TestInvocationFailuresNeverShowThePassword: a CREATE_ONLY invocation
// sends no lifecycle block, which the provisioner refuses; the error
// names the function, not the input.
func TestInvocationFailuresNeverShowThePassword(t *testing.T) {
	srv := pgtest.New(t)
	s := &server{pkg: "aws", region: "eu-central-1", log: &callLog{}, pg: srv}
	_, err := s.Create(context.Background(), &pulumirpc.CreateRequest{Urn: invocationURN("acme-db-app-role"),
		Properties: mustMarshal(t, invocationInputs(tenantInput(t, "acme"), ""))})
	if err == nil || !strings.Contains(err.Error(), "invoking Lambda Function (eu-central-1-provisioner-1a2b3c4)") ||
		!strings.Contains(err.Error(), "tf: missing") {
		t.Errorf("err %v, want the provisioner's refusal of a missing lifecycle block", err)
	}
	if err != nil && strings.Contains(err.Error(), testPassword) {
		t.Error("the error shows the password")
	}
}

func resultOf(t *testing.T, props *structpb.Struct) provisioner.Response {
	t.Helper()
	m, err := unmarshal(props)
	if err != nil {
		t.Fatal(err)
	}
	s, ok := stringProp(m["result"])
	if !ok {
		t.Fatalf("no result in %v", m)
	}
	var r provisioner.Response
	if err := json.Unmarshal([]byte(s), &r); err != nil {
		t.Fatalf("result %q: %v", s, err)
	}
	if strings.Contains(s, testPassword) {
		t.Error("the result shows the password")
	}
	return r
}

// snapshot is what an update must not change: the tenants' roles, their
// databases and privileges.
func snapshot(t *testing.T, srv *pgtest.Server) [][]string {
	t.Helper()
	rows, err := srv.Super().Query(context.Background(), "postgres", `
		SELECT 'role', rolname, rolcanlogin::text || rolcreatedb::text || rolcreaterole::text, coalesce(rolconfig::text, '')
		  FROM pg_roles WHERE rolname LIKE 'tenant-%'
		UNION ALL
		SELECT 'database', datname, pg_get_userbyid(datdba), coalesce(datacl::text, '')
		  FROM pg_database WHERE datname LIKE 'tenant-%'
		ORDER BY 1, 2`)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}
