package pgtest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
)

func TestServer(t *testing.T) {
	s := New(t)
	ctx := context.Background()
	if s.Version < 15 {
		t.Fatalf("PostgreSQL %d; the tests assume 15 or later (public schema without CREATE for PUBLIC)", s.Version)
	}
	if s.Host != "127.0.0.1" || s.Port == 0 {
		t.Fatalf("listens on %s:%d", s.Host, s.Port)
	}
	got, err := s.Super().Query(ctx, "postgres", "SHOW listen_addresses")
	if err != nil || !reflect.DeepEqual(got, [][]string{{"127.0.0.1"}}) {
		t.Fatalf("listen_addresses = %q, %v", got, err)
	}

	// The master is Aurora-like: no superuser, CREATEROLE, CREATEDB.
	got, err = s.AsMaster().Query(ctx, "postgres",
		"SELECT rolsuper, rolcreaterole, rolcreatedb, rolcanlogin FROM pg_roles WHERE rolname = current_user")
	if err != nil || !reflect.DeepEqual(got, [][]string{{"f", "t", "t", "t"}}) {
		t.Fatalf("master attributes %q, %v", got, err)
	}
	// Only the superuser uses the socket, and only with it; nobody else
	// gets in without the password.
	for name, p := range map[string]*Psql{
		"superuser over TCP":         s.As(s.Superuser, ""),
		"master over the socket":     {s: s, user: s.Master, password: s.MasterPassword, socket: true},
		"master with a bad password": s.As(s.Master, "wrong"),
	} {
		if err := p.Connect(ctx, "postgres"); err == nil {
			t.Errorf("%s: logged in", name)
		}
	}

	// Query's parsing of psql's output.
	for sql, want := range map[string][][]string{
		"SELECT 1 WHERE false":                       nil,
		"SELECT ''":                                  {{""}},
		"SELECT NULL::text, 'b'":                     {{"", "b"}},
		"SELECT 'a', 'b' UNION ALL SELECT 'c', 'd'":  {{"a", "b"}, {"c", "d"}},
		"SELECT 'line' || chr(10) || 'break', 'x|y'": {{"line\nbreak", "x|y"}},
	} {
		got, err := s.Super().Query(ctx, "postgres", sql)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("%s: got %q, %v; want %q", sql, got, err, want)
		}
	}
	// Errors carry the server's message; statements run one per call, in
	// autocommit, like the Data API, so CREATE DATABASE works.
	if err := s.AsMaster().Exec(ctx, "postgres", "SELECT * FROM missing"); err == nil ||
		!strings.Contains(err.Error(), `relation "missing" does not exist`) {
		t.Errorf("error: %v", err)
	}
	if err := s.AsMaster().Exec(ctx, "postgres", "CREATE DATABASE made_by_master"); err != nil {
		t.Error(err)
	}
}

func TestStartAndStopOutsideATest(t *testing.T) {
	s, err := Start(context.Background())
	skipOrFail(t, err)
	if err := s.Super().Connect(context.Background(), "postgres"); err != nil {
		t.Fatal(err)
	}
	if err := s.Stop(); err != nil {
		t.Fatal(err)
	}
	if err := s.Stop(); err != nil {
		t.Fatalf("second Stop: %v", err)
	}
	if _, err := os.Stat(s.dir); !os.IsNotExist(err) {
		t.Fatalf("%s left behind: %v", s.dir, err)
	}
	if err := s.Super().Connect(context.Background(), "postgres"); err == nil {
		t.Fatal("connected to a stopped server")
	}
}

// fakeT records what skipOrFail does with it.
type fakeT struct {
	testing.TB
	calls []string
}

func (f *fakeT) Helper()                          {}
func (f *fakeT) Skipf(format string, args ...any) { f.calls = append(f.calls, "skip") }
func (f *fakeT) Fatal(args ...any)                { f.calls = append(f.calls, "fatal: "+fmt.Sprint(args...)) }

func TestSkipOrFail(t *testing.T) {
	for _, tc := range []struct {
		require string
		err     error
		want    string
	}{
		{"", ErrNoPostgres, "skip"},
		{"", fmt.Errorf("%w (running as root needs runuser)", ErrNoPostgres), "skip"},
		{"1", ErrNoPostgres, "fatal: " + ErrNoPostgres.Error()},
		{"", errors.New("initdb failed"), "fatal: initdb failed"},
		{"", nil, ""},
	} {
		t.Setenv(RequireEnv, tc.require)
		f := &fakeT{}
		skipOrFail(f, tc.err)
		if got := strings.Join(f.calls, ","); got != tc.want {
			t.Errorf("%s=%q, %v: got %q, want %q", RequireEnv, tc.require, tc.err, got, tc.want)
		}
	}
}
