package provisioner

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

const (
	testPassword   = "s3cret-Pa55word-xyz"
	testClusterArn = "arn:aws:rds:eu-central-1:123456789012:cluster:eu-central-1-shared"
	testSecretArn  = "arn:aws:secretsmanager:eu-central-1:123456789012:secret:eu-central-1-master-AbC123"
)

func validRequest(level Isolation) Request {
	db := DatabaseName("acme")
	switch level {
	case IsolationSchema:
		db = DefaultSharedDatabase
	case IsolationCluster:
		db = "app"
	}
	return Request{TenantID: "acme", Isolation: level, Database: db, Role: RoleName("acme"), Password: testPassword,
		ClusterArn: testClusterArn, SecretArn: testSecretArn}
}

// with is validRequest(level) changed by f.
func with(level Isolation, f func(r *Request)) Request {
	r := validRequest(level)
	f(&r)
	return r
}

func payload(t *testing.T, r Request, action Action, prev *Request) []byte {
	t.Helper()
	b, err := r.Payload(action, prev)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// edit turns a valid create payload into a JSON object to tamper with.
func edit(t *testing.T, f func(m map[string]any)) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(payload(t, validRequest(IsolationDatabase), ActionCreate, nil), &m); err != nil {
		t.Fatal(err)
	}
	f(m)
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseRequestAccepts(t *testing.T) {
	prev := validRequest(IsolationSchema)
	prev.Password = "an-older-password-1"
	del := validRequest(IsolationDatabase)
	del.Password = ""
	for _, tc := range []struct {
		name    string
		payload []byte
	}{
		{"database create", payload(t, validRequest(IsolationDatabase), ActionCreate, nil)},
		{"schema create", payload(t, validRequest(IsolationSchema), ActionCreate, nil)},
		{"cluster create", payload(t, validRequest(IsolationCluster), ActionCreate, nil)},
		{"schema update, new password", payload(t, validRequest(IsolationSchema), ActionUpdate, &prev)},
		{"delete without password", payload(t, del, ActionDelete, &del)},
		{"other shared database", payload(t, with(IsolationSchema, func(r *Request) { r.Database = "pool-2" }), ActionCreate, nil)},
		{"China partition", payload(t, with(IsolationSchema, func(r *Request) {
			r.ClusterArn = "arn:aws-cn:rds:cn-north-1:123456789012:cluster:c1"
			r.SecretArn = "arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:s-1"
		}), ActionCreate, nil)},
		{"new master secret", payload(t, validRequest(IsolationSchema), ActionUpdate,
			ptr(with(IsolationSchema, func(r *Request) { r.SecretArn += "x" })))},
		{"prev_input from before clusterArn", payload(t, validRequest(IsolationSchema), ActionUpdate,
			ptr(with(IsolationSchema, func(r *Request) { r.ClusterArn = "" })))},
		{"prev_input with a field this version does not know", edit(t, func(m map[string]any) {
			m["tf"] = map[string]any{"action": "update", "prev_input": map[string]any{
				"tenantId": "acme", "isolation": "database", "database": "tenant-acme",
				"role": "tenant-acme-app", "clusterArn": testClusterArn, "somethingOld": true}}
		})},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := ParseRequest(tc.payload); err != nil {
				t.Fatalf("refused: %v\npayload: %s", err, tc.payload)
			}
		})
	}
}

func TestParseRequestRefuses(t *testing.T) {
	create := func(r Request) []byte { return payload(t, r, ActionCreate, nil) }
	for _, tc := range []struct {
		name    string
		payload []byte
		want    []string // each must appear in the error
	}{
		{"not JSON", []byte(`{"password":"` + testPassword + `"`), []string{"payload: empty or truncated"}},
		{"syntax error", []byte(`{"password":"` + testPassword + `" x}`), []string{"payload: not valid JSON at byte"}},
		{"empty", nil, []string{"payload"}},
		{"trailing data", append(create(validRequest(IsolationDatabase)), []byte(` {}`)...), []string{"payload: data after the JSON object"}},
		{"unknown field", edit(t, func(m map[string]any) { m["superuser"] = true }), []string{"superuser: unknown field"}},
		{"wrong type", edit(t, func(m map[string]any) { m["password"] = 42 }), []string{"password: must be a JSON string"}},
		{"uppercase tenant id", create(with(IsolationDatabase, func(r *Request) { r.TenantID = "Acme" })), []string{"tenantId:"}},
		{"tenant id with --", create(with(IsolationDatabase, func(r *Request) { r.TenantID = "ac--me" })), []string{"tenantId:", `no "--"`}},
		{"tenant id too long", create(with(IsolationDatabase, func(r *Request) { r.TenantID = strings.Repeat("a", 33) })), []string{"tenantId:"}},
		{"tenant id with quote", create(with(IsolationDatabase, func(r *Request) { r.TenantID = `a"; DROP DATABASE x; --` })), []string{"tenantId:"}},
		{"isolation", create(with(IsolationDatabase, func(r *Request) { r.Isolation = "table" })), []string{"isolation:", `"table"`}},
		{"role of another tenant", create(with(IsolationDatabase, func(r *Request) { r.Role = RoleName("other") })), []string{"role:", `must be "tenant-acme-app"`}},
		{"role reserved", create(with(IsolationDatabase, func(r *Request) { r.Role = "postgres" })), []string{"role:"}},
		{"database of another tenant", create(with(IsolationDatabase, func(r *Request) { r.Database = DatabaseName("other") })), []string{"database:", `must be "tenant-acme"`}},
		{"shared database reserved", create(with(IsolationSchema, func(r *Request) { r.Database = "postgres" })), []string{"database:", "reserved"}},
		{"shared database is a tenant's", create(with(IsolationSchema, func(r *Request) { r.Database = "tenant-other" })), []string{"database:", `"tenant-"`}},
		{"cluster database template", create(with(IsolationCluster, func(r *Request) { r.Database = "template1" })), []string{"database:", "reserved"}},
		{"cluster database with quote", create(with(IsolationCluster, func(r *Request) { r.Database = `app"` })), []string{"database:"}},
		{"not a cluster ARN", create(with(IsolationSchema, func(r *Request) { r.ClusterArn = "arn:aws:rds:eu-central-1:123456789012:db:x" })), []string{"clusterArn:"}},
		{"no cluster ARN", create(with(IsolationSchema, func(r *Request) { r.ClusterArn = "" })), []string{"clusterArn:"}},
		{"not a secret ARN", create(with(IsolationSchema, func(r *Request) { r.SecretArn = testPassword })), []string{"secretArn:"}},
		{"secret in another region", create(with(IsolationSchema, func(r *Request) {
			r.SecretArn = strings.Replace(testSecretArn, "eu-central-1", "us-east-1", 1)
		})), []string{"secretArn: must be in the cluster's partition, region and account (aws:eu-central-1:123456789012)"}},
		{"update moves the tenant to another cluster", payload(t, validRequest(IsolationSchema), ActionUpdate,
			ptr(with(IsolationSchema, func(r *Request) { r.ClusterArn += "-old" }))), []string{"clusterArn: changed"}},
		{"missing tf", func() []byte {
			b, _ := json.Marshal(validRequest(IsolationDatabase))
			return b
		}(), []string{"tf: missing", "lifecycleScope CRUD"}},
		{"bad action", edit(t, func(m map[string]any) { m["tf"] = map[string]any{"action": "read"} }), []string{"tf.action:", `"read"`}},
		{"no password", create(with(IsolationDatabase, func(r *Request) { r.Password = "" })), []string{"password: must be 12 to 256 characters"}},
		{"short password", create(with(IsolationDatabase, func(r *Request) { r.Password = "short" })), []string{"password: must be 12"}},
		{"non-ASCII password", create(with(IsolationDatabase, func(r *Request) { r.Password = "pässwörd-123456" })), []string{"password: must be printable ASCII"}},
		{"newline in password", create(with(IsolationDatabase, func(r *Request) { r.Password = "line1\nline2-123456" })), []string{"password: must be printable ASCII"}},
		{"update changes isolation", payload(t, validRequest(IsolationDatabase), ActionUpdate, ptr(validRequest(IsolationSchema))),
			[]string{"isolation: changed from \"schema\" to \"database\"", "database: changed"}},
		{"update changes tenant", payload(t, validRequest(IsolationDatabase), ActionUpdate,
			ptr(with(IsolationDatabase, func(r *Request) { r.TenantID, r.Role, r.Database = "old", RoleName("old"), DatabaseName("old") }))),
			[]string{"tenantId: changed", "role: changed", "database: changed"}},
		{"prev_input not an object", edit(t, func(m map[string]any) { m["tf"] = map[string]any{"action": "update", "prev_input": "x"} }),
			[]string{"tf.prev_input:"}},
		{"several problems at once", create(Request{TenantID: "acme", Isolation: "x", Role: "y", Database: "tenant-acme"}),
			[]string{"isolation:", "role:", "password:", "clusterArn:", "secretArn:"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseRequest(tc.payload)
			if err == nil {
				t.Fatalf("accepted: %s", tc.payload)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error does not name %q:\n%v", w, err)
				}
			}
			for _, p := range []string{testPassword, "pässwörd", "line1", "an-older-password"} {
				if strings.Contains(err.Error(), p) {
					t.Errorf("error shows the password: %v", err)
				}
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

func TestSecretNeverPrints(t *testing.T) {
	r := validRequest(IsolationSchema)
	var out bytes.Buffer
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%10.3s"} {
		fmt.Fprintf(&out, verb+"\n", r)
		fmt.Fprintf(&out, verb+"\n", r.Password)
	}
	slog.New(slog.NewJSONHandler(&out, nil)).Info("request", "password", r.Password, "request", r)
	slog.New(slog.NewTextHandler(&out, nil)).Info("request", "password", r.Password)
	if strings.Contains(out.String(), testPassword) || !strings.Contains(out.String(), redacted) {
		t.Fatalf("password printed:\n%s", out.String())
	}
}

func TestDropStatements(t *testing.T) {
	for _, tc := range []struct {
		level Isolation
		db    string
		want  []Step
	}{
		{IsolationDatabase, "", []Step{
			{"postgres", `GRANT "tenant-acme-app" TO CURRENT_USER`},
			{"postgres", `DROP DATABASE "tenant-acme"`},
			{"postgres", `DROP ROLE "tenant-acme-app"`}}},
		{IsolationSchema, "tenants", []Step{
			{"postgres", `GRANT "tenant-acme-app" TO CURRENT_USER`},
			{"tenants", `DROP SCHEMA "tenant-acme" CASCADE`},
			{"tenants", `DROP OWNED BY "tenant-acme-app"`},
			{"postgres", `DROP ROLE "tenant-acme-app"`}}},
		{IsolationCluster, "app", []Step{
			{"postgres", `GRANT "tenant-acme-app" TO CURRENT_USER`},
			{"app", `DROP OWNED BY "tenant-acme-app"`},
			{"postgres", `DROP ROLE "tenant-acme-app"`}}},
	} {
		got, err := DropStatements("acme", tc.level, tc.db)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("%s: got %v, want %v", tc.level, got, tc.want)
		}
	}
	if _, err := DropStatements("Bad", IsolationDatabase, ""); err == nil || !strings.Contains(err.Error(), "tenantId:") {
		t.Errorf("bad tenant id: %v", err)
	}
	if _, err := DropStatements("acme", IsolationSchema, "postgres"); err == nil || !strings.Contains(err.Error(), "database:") {
		t.Errorf("reserved shared database: %v", err)
	}
}
