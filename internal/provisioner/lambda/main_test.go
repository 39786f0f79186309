package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/amplify-tenancy/tenancy/internal/provisioner"
)

const password = "s3cret-Passw0rd-never-logged"

// memory is an Executor that knows one role.
type memory struct {
	roles map[string]bool
	sql   []string
	fail  error
}

func (m *memory) Exec(_ context.Context, _, sql string) error {
	m.sql = append(m.sql, sql)
	return m.fail
}

func (m *memory) Query(_ context.Context, _, sql string) ([][]string, error) {
	for r := range m.roles {
		if strings.Contains(sql, "'"+r+"'") {
			return [][]string{{r}}, nil
		}
	}
	return nil, nil
}

func request() provisioner.Request {
	return provisioner.Request{TenantID: "acme", Isolation: provisioner.IsolationDatabase,
		Database: provisioner.DatabaseName("acme"), Role: provisioner.RoleName("acme"), Password: password,
		ClusterArn: "arn:aws:rds:eu-west-1:123456789012:cluster:shared",
		SecretArn:  "arn:aws:secretsmanager:eu-west-1:123456789012:secret:master-AbCdEf"}
}

func newHandler(exec provisioner.Executor, logs *bytes.Buffer, got **provisioner.Request) *handler {
	return &handler{log: slog.New(slog.NewJSONHandler(logs, nil)), executor: func(r *provisioner.Request) provisioner.Executor {
		*got = r
		return exec
	}}
}

// TestHandleReturnsTheProvisionerResult: the result is provisioner.Handle's
// JSON for the same payload, and the executor is built from the request.
func TestHandleReturnsTheProvisionerResult(t *testing.T) {
	req := request()
	payload, err := req.Payload(provisioner.ActionCreate, nil)
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	var built *provisioner.Request
	got, err := newHandler(&memory{}, &logs, &built).handle(context.Background(), payload)
	if err != nil {
		t.Fatal(err)
	}
	want, err := provisioner.Handle(context.Background(), &memory{}, payload)
	if err != nil {
		t.Fatal(err)
	}
	var g, w provisioner.Response
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatal(err)
	}
	_ = json.Unmarshal(want, &w)
	if g.Role != w.Role || g.Login != true || len(g.Steps) != len(w.Steps) {
		t.Errorf("result %s, want %s", got, want)
	}
	if built == nil || built.ClusterArn != req.ClusterArn || built.SecretArn != req.SecretArn {
		t.Errorf("executor built from %+v", built)
	}
	if arnRegion(built.ClusterArn) != "eu-west-1" {
		t.Errorf("region %q", arnRegion(built.ClusterArn))
	}
	assertNoPassword(t, logs.String()+string(got))
	if !strings.Contains(logs.String(), `"tenant":"acme"`) {
		t.Errorf("log %s: want the tenant", logs.String())
	}
}

// TestErrorsAndLogsNeverHoldThePassword: a refused payload, a failing
// statement and a password pasted into another field are reported without
// the password.
func TestErrorsAndLogsNeverHoldThePassword(t *testing.T) {
	req := request()
	good, _ := req.Payload(provisioner.ActionCreate, nil)
	moved := req
	moved.Role = password
	bad, _ := moved.Payload(provisioner.ActionCreate, nil)
	cases := []struct {
		name    string
		payload []byte
		exec    provisioner.Executor
	}{
		{"refused", bad, &memory{}},
		{"not json", []byte(`{"password":"` + password + `",`), &memory{}},
		{"statement fails", good, &memory{fail: errors.New("ERROR: permission denied")}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var logs bytes.Buffer
			var built *provisioner.Request
			_, err := newHandler(c.exec, &logs, &built).handle(context.Background(), c.payload)
			if err == nil {
				t.Fatal("no error")
			}
			assertNoPassword(t, err.Error()+logs.String())
		})
	}
}

func assertNoPassword(t *testing.T, s string) {
	t.Helper()
	if strings.Contains(s, password) || strings.Contains(s, "SCRAM-SHA-256$") {
		t.Errorf("password or its hash in %s", s)
	}
}
