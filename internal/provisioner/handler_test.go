package provisioner

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// recorder is an Executor that answers every lookup with "missing" (or with
// the canned rows) and records every statement.
type recorder struct {
	sql     []string
	rows    map[string][][]string // by substring of the query
	failOn  string                // Exec fails, quoting the statement, when it contains this
	queries int
}

func (r *recorder) Exec(_ context.Context, db, sql string) error {
	r.sql = append(r.sql, db+": "+sql)
	if r.failOn != "" && strings.Contains(sql, r.failOn) {
		return errors.New("ERROR:  boom\nSTATEMENT:  " + sql)
	}
	return nil
}

func (r *recorder) Query(_ context.Context, db, sql string) ([][]string, error) {
	r.queries++
	r.sql = append(r.sql, db+": "+sql)
	for k, v := range r.rows {
		if strings.Contains(sql, k) {
			return v, nil
		}
	}
	return nil, nil
}

func TestHandleNeverSendsThePassword(t *testing.T) {
	for _, level := range []Isolation{IsolationDatabase, IsolationSchema, IsolationCluster} {
		t.Run(string(level), func(t *testing.T) {
			rec := &recorder{rows: map[string][][]string{"datname FROM": {{"app"}}}}
			out, err := Handle(context.Background(), rec, payload(t, validRequest(level), ActionCreate, nil))
			if err != nil {
				t.Fatal(err)
			}
			all := strings.Join(rec.sql, "\n")
			if strings.Contains(all, testPassword) {
				t.Fatalf("password in SQL:\n%s", all)
			}
			if !strings.Contains(all, "PASSWORD 'SCRAM-SHA-256$4096:") {
				t.Fatalf("no SCRAM verifier set:\n%s", all)
			}
			if strings.Contains(string(out), testPassword) || strings.Contains(string(out), "SCRAM-SHA-256$") {
				t.Fatalf("response shows the password or its hash: %s", out)
			}
			var resp Response
			if err := json.Unmarshal(out, &resp); err != nil {
				t.Fatal(err)
			}
			if !resp.Login || resp.Role != RoleName("acme") || len(resp.Steps) == 0 ||
				!strings.Contains(string(out), `PASSWORD '[redacted]'`) {
				t.Fatalf("response: %s", out)
			}
			for _, sql := range rec.sql {
				if strings.Count(sql, ";") > 0 {
					t.Errorf("more than one statement in a call: %s", sql)
				}
			}
		})
	}
}

func TestHandleErrorsHideTheHash(t *testing.T) {
	rec := &recorder{failOn: "PASSWORD"}
	_, err := Handle(context.Background(), rec, payload(t, validRequest(IsolationDatabase), ActionCreate, nil))
	if err == nil {
		t.Fatal("no error")
	}
	if strings.Contains(err.Error(), "SCRAM-SHA-256$") || strings.Contains(err.Error(), testPassword) {
		t.Fatalf("error shows the password hash: %v", err)
	}
	if !strings.Contains(err.Error(), `tenant "acme": create: ALTER ROLE "tenant-acme-app"`) || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("error does not say what failed: %v", err)
	}
}

func TestDeleteOnlyTakesLoginAway(t *testing.T) {
	req := validRequest(IsolationSchema)
	rec := &recorder{rows: map[string][][]string{"pg_roles": {{RoleName("acme")}}}}
	out, err := Handle(context.Background(), rec, payload(t, req, ActionDelete, &req))
	if err != nil {
		t.Fatal(err)
	}
	var execs []string
	for _, s := range rec.sql {
		if !strings.Contains(s, "SELECT") {
			execs = append(execs, s)
		}
	}
	if want := `postgres: ALTER ROLE "tenant-acme-app" NOLOGIN`; len(execs) != 1 || execs[0] != want {
		t.Fatalf("delete ran %q, want only %q", execs, want)
	}
	if !strings.Contains(string(out), `"login":false`) {
		t.Fatalf("response: %s", out)
	}
	// A role that does not exist: nothing to do, no error.
	rec = &recorder{}
	if _, err := Handle(context.Background(), rec, payload(t, req, ActionDelete, &req)); err != nil || rec.queries != 1 || len(rec.sql) != 1 {
		t.Fatalf("delete of a missing role: %v, ran %q", err, rec.sql)
	}
}

func TestQuoting(t *testing.T) {
	for in, want := range map[string]string{
		`tenant-acme`: `"tenant-acme"`,
		`a"b`:         `"a""b"`,
	} {
		if got := quoteIdent(in); got != want {
			t.Errorf("quoteIdent(%q) = %s, want %s", in, got, want)
		}
	}
	for in, want := range map[string]string{
		`plain`:      `'plain'`,
		`it's`:       `'it''s'`,
		`back\slash`: `E'back\\slash'`,
		`\'`:         `E'\\'''`,
		`$$x$$`:      `'$$x$$'`,
	} {
		if got := quoteLiteral(in); got != want {
			t.Errorf("quoteLiteral(%q) = %s, want %s", in, got, want)
		}
	}
}
