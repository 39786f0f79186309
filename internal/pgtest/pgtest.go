// Package pgtest starts a real, throw-away PostgreSQL server for tests: its
// own data directory in a temporary directory, listening on a free port of
// 127.0.0.1 only and on a Unix socket inside that directory. Nothing in it
// reaches any other address.
//
// The server mimics what an Aurora PostgreSQL cluster gives its deployer: a
// "master" role with LOGIN CREATEROLE CREATEDB but NOSUPERUSER that logs in
// with a password (scram-sha-256) over TCP. The real superuser can log in
// only over the Unix socket (trust), which tests use to set the scene and to
// check what the master cannot see.
//
// PostgreSQL refuses to run as root. When the process runs as root (CI and
// sessions do), initdb and pg_ctl run as the "postgres" user through
// runuser, and the temporary directory is handed to that user.
//
// New is the entry point for tests: it skips the test when the binaries are
// missing, or fails it when TENANCY_REQUIRE_POSTGRES=1. Start runs a server
// outside a test (for example, for a stand-in started as a separate
// process); the caller must call Stop.
//
// SQL runs through the psql binary (Psql), so the module needs no Go
// PostgreSQL driver.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// RequireEnv is the environment variable that turns a missing PostgreSQL
// into a test failure instead of a skip.
const RequireEnv = "TENANCY_REQUIRE_POSTGRES"

// Superuser is the bootstrap superuser; it can log in over the Unix socket
// only.
const Superuser = "postgres"

// Master is the role that stands in for Aurora's master user: LOGIN
// CREATEROLE CREATEDB NOSUPERUSER, password authentication over TCP. The
// name is the one the tenant package gives its clusters.
const Master = "tenancy_admin"

// ErrNoPostgres reports that the PostgreSQL server binaries or psql were not
// found.
var ErrNoPostgres = errors.New("pgtest: PostgreSQL binaries (initdb, pg_ctl, postgres, psql) not found; " +
	"install the PostgreSQL server (Debian: postgresql) or set " + binEnv)

// binEnv names a directory holding initdb, pg_ctl, postgres and psql; it
// takes precedence over PATH.
const binEnv = "TENANCY_POSTGRES_BIN"

// Server is a running PostgreSQL server. Its fields are what a client (or a
// separate process) needs to connect.
type Server struct {
	// Host is the TCP address the server listens on (127.0.0.1).
	Host string
	// Port is the TCP port.
	Port int
	// SocketDir is the directory of the Unix socket.
	SocketDir string
	// Superuser is the bootstrap superuser (Unix socket, trust).
	Superuser string
	// Master and MasterPassword are the Aurora-like master role.
	Master, MasterPassword string
	// Version is the server's major version, for example 15.
	Version int

	dir, data, logFile string
	bins               binaries
	asPostgres         bool
	attached           bool // by Attach: another process owns the server
	stopOnce           sync.Once
	stopErr            error
}

type binaries struct{ initdb, pgCtl, psql string }

// New starts a server for t and stops it when t ends. It skips t when
// PostgreSQL is not installed, unless TENANCY_REQUIRE_POSTGRES=1.
func New(t testing.TB) *Server {
	t.Helper()
	s, err := Start(context.Background())
	skipOrFail(t, err)
	t.Cleanup(func() {
		if err := s.Stop(); err != nil {
			t.Error(err)
		}
	})
	return s
}

// Start initialises and starts a server in a new temporary directory. The
// caller must call Stop, which also removes the directory. It returns an
// error wrapping ErrNoPostgres when the binaries are missing.
func Start(ctx context.Context) (*Server, error) {
	bins, err := findBinaries()
	if err != nil {
		return nil, err
	}
	s := &Server{Host: "127.0.0.1", Superuser: Superuser, Master: Master, bins: bins,
		asPostgres: os.Geteuid() == 0}
	if s.dir, err = os.MkdirTemp("", "pgtest-"); err != nil {
		return nil, fmt.Errorf("pgtest: %w", err)
	}
	s.data, s.SocketDir = filepath.Join(s.dir, "data"), filepath.Join(s.dir, "run")
	s.logFile = filepath.Join(s.dir, "postgres.log")
	if err := s.start(ctx); err != nil {
		_ = s.Stop()
		return nil, err
	}
	return s, nil
}

func (s *Server) start(ctx context.Context) error {
	if err := os.Mkdir(s.SocketDir, 0o700); err != nil {
		return fmt.Errorf("pgtest: %w", err)
	}
	if s.asPostgres {
		if err := chownTree(s.dir, "postgres"); err != nil {
			return err
		}
	}
	if out, err := s.run(ctx, s.bins.initdb, "-D", s.data, "-U", Superuser, "-E", "UTF8",
		"--locale=C", "--no-sync", "--no-instructions", "--auth-local=trust",
		"--auth-host=scram-sha-256"); err != nil {
		return fmt.Errorf("pgtest: initdb: %v: %s", err, out)
	}
	// Only the superuser may use the socket (trust); everyone else logs in
	// with a password over 127.0.0.1. Any other connection is refused.
	hba := "local all " + Superuser + " trust\nhost all all 127.0.0.1/32 scram-sha-256\n"
	if err := s.writeAsOwner(filepath.Join(s.data, "pg_hba.conf"), hba); err != nil {
		return err
	}
	// A port can be taken between choosing and binding it: try a few.
	var lastErr error
	for range 5 {
		port, err := freePort()
		if err != nil {
			return err
		}
		s.Port = port
		conf := fmt.Sprintf("listen_addresses = '127.0.0.1'\nport = %d\nunix_socket_directories = '%s'\n"+
			"password_encryption = 'scram-sha-256'\nfsync = off\nsynchronous_commit = off\n"+
			"full_page_writes = off\nshared_buffers = 16MB\nmax_connections = 40\n", port, s.SocketDir)
		if err := s.writeAsOwner(filepath.Join(s.data, "postgresql.auto.conf"), conf); err != nil {
			return err
		}
		out, err := s.run(ctx, s.bins.pgCtl, "-D", s.data, "-l", s.logFile, "-w", "-t", "60", "start")
		if err == nil {
			lastErr = nil
			break
		}
		lastErr = fmt.Errorf("pgtest: pg_ctl start: %v: %s\n%s", err, out, s.tailLog())
		if !strings.Contains(s.tailLog(), "could not bind") {
			return lastErr
		}
	}
	if lastErr != nil {
		return lastErr
	}
	v, err := s.Super().Query(ctx, "postgres", "SHOW server_version_num")
	if err != nil {
		return err
	}
	if len(v) != 1 || len(v[0]) != 1 {
		return fmt.Errorf("pgtest: unexpected server_version_num %q", v)
	}
	n, err := strconv.Atoi(v[0][0])
	if err != nil {
		return fmt.Errorf("pgtest: server_version_num: %w", err)
	}
	s.Version = n / 10000
	s.MasterPassword = randomHex(16)
	return s.Super().Exec(ctx, "postgres", "CREATE ROLE "+Master+
		" LOGIN CREATEROLE CREATEDB NOSUPERUSER PASSWORD '"+s.MasterPassword+"'")
}

// Stop stops the server (fast shutdown) and removes its directory. It is
// safe to call more than once, and does nothing for a Server from Attach.
func (s *Server) Stop() error {
	if s.attached {
		return nil
	}
	s.stopOnce.Do(func() {
		var errs []error
		if _, err := os.Stat(filepath.Join(s.data, "postmaster.pid")); err == nil {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			out, err := s.run(ctx, s.bins.pgCtl, "-D", s.data, "-m", "fast", "-w", "stop")
			cancel()
			if err != nil {
				errs = append(errs, fmt.Errorf("pgtest: pg_ctl stop: %v: %s", err, out))
			}
		}
		if s.dir != "" {
			errs = append(errs, os.RemoveAll(s.dir))
		}
		s.stopErr = errors.Join(errs...)
	})
	return s.stopErr
}

// Log returns the end of the server log, for failure messages.
func (s *Server) Log() string { return s.tailLog() }

func (s *Server) tailLog() string {
	b, _ := os.ReadFile(s.logFile)
	const max = 4000
	if len(b) > max {
		b = b[len(b)-max:]
	}
	return string(b)
}

// run runs a server binary, as the postgres user when this process is root.
func (s *Server) run(ctx context.Context, bin string, args ...string) (string, error) {
	if s.asPostgres {
		args = append([]string{"-u", "postgres", "--", bin}, args...)
		bin = "runuser"
	}
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = cleanEnv()
	cmd.Dir = s.dir // the postgres user may not be able to read the caller's directory
	// pg_ctl leaves the server running with its output in the log file;
	// never wait for the server's descriptors.
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.CombinedOutput()
	return strings.TrimSpace(string(out)), err
}

func (s *Server) writeAsOwner(path, content string) error {
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		return fmt.Errorf("pgtest: %w", err)
	}
	if s.asPostgres {
		return chownTree(path, "postgres")
	}
	return nil
}

func chownTree(root, name string) error {
	u, err := user.Lookup(name)
	if err != nil {
		return fmt.Errorf("pgtest: running as root needs the %q user: %w", name, err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return filepath.WalkDir(root, func(p string, _ os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, uid, gid)
	})
}

func findBinaries() (binaries, error) {
	dirs := []string{}
	if d := os.Getenv(binEnv); d != "" {
		dirs = append(dirs, d)
	}
	// Debian keeps the server binaries out of PATH.
	versioned, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Sort(sort.Reverse(sort.StringSlice(versioned)))
	look := func(name string) string {
		for _, d := range dirs {
			if p := filepath.Join(d, name); isExecutable(p) {
				return p
			}
		}
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
		for _, d := range versioned {
			if p := filepath.Join(d, name); isExecutable(p) {
				return p
			}
		}
		return ""
	}
	b := binaries{initdb: look("initdb"), pgCtl: look("pg_ctl")}
	// psql from the server's own directory: it matches the server, and on
	// Debian the one in PATH is a Perl wrapper that costs ~50 ms a call.
	if real, err := filepath.EvalSymlinks(b.initdb); err == nil && b.initdb != "" {
		if p := filepath.Join(filepath.Dir(real), "psql"); isExecutable(p) {
			b.psql = p
		}
	}
	if b.psql == "" {
		b.psql = look("psql")
	}
	if b.initdb == "" || b.pgCtl == "" || b.psql == "" || look("postgres") == "" {
		return b, ErrNoPostgres
	}
	if os.Geteuid() == 0 {
		if _, err := exec.LookPath("runuser"); err != nil {
			return b, fmt.Errorf("%w (running as root needs runuser)", ErrNoPostgres)
		}
	}
	return b, nil
}

func isExecutable(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("pgtest: free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// cleanEnv is this process's environment without libpq's PG* variables, so
// a developer's PGHOST or PGSERVICE cannot redirect a test.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PG") {
			env = append(env, kv)
		}
	}
	return env
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

var shared struct {
	once sync.Once
	srv  *Server
	err  error
}

// Shared returns one server for the whole test binary, started on first
// use, skipping or failing t as New does. The test binary's TestMain must
// call StopShared after m.Run. Tests that share it must not reuse each
// other's names.
func Shared(t testing.TB) *Server {
	t.Helper()
	shared.once.Do(func() { shared.srv, shared.err = Start(context.Background()) })
	skipOrFail(t, shared.err)
	return shared.srv
}

// skipOrFail skips t when PostgreSQL is missing (unless RequireEnv is 1)
// and fails it on any other error.
func skipOrFail(t testing.TB, err error) {
	t.Helper()
	if errors.Is(err, ErrNoPostgres) && os.Getenv(RequireEnv) != "1" {
		t.Skipf("%v (set %s=1 to fail instead of skipping)", err, RequireEnv)
		return
	}
	if err != nil {
		t.Fatal(err)
	}
}

// StopShared stops the server Shared started, if any.
func StopShared() error {
	if shared.srv == nil {
		return nil
	}
	return shared.srv.Stop()
}
