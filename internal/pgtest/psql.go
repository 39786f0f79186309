package pgtest

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// Psql runs SQL as one role through the psql binary. Its Exec and Query
// methods have the shape of provisioner.Executor: one statement per call,
// autocommit, like the RDS Data API without a transaction id.
type Psql struct {
	s        *Server
	user     string
	password string
	socket   bool
}

// Super connects as the bootstrap superuser over the Unix socket.
func (s *Server) Super() *Psql { return &Psql{s: s, user: s.Superuser, socket: true} }

// AsMaster connects as the Aurora-like master role over TCP.
func (s *Server) AsMaster() *Psql { return s.As(s.Master, s.MasterPassword) }

// As connects as user with password over TCP (scram-sha-256).
func (s *Server) As(user, password string) *Psql {
	return &Psql{s: s, user: user, password: password}
}

// User is the role p connects as.
func (p *Psql) User() string { return p.user }

// ConnInfo is the libpq connection string for database, without the
// password.
func (p *Psql) ConnInfo(database string) string {
	host := p.s.Host
	if p.socket {
		host = p.s.SocketDir
	}
	return "host=" + connQuote(host) + " port=" + strconv.Itoa(p.s.Port) +
		" user=" + connQuote(p.user) + " dbname=" + connQuote(database) +
		" sslmode=disable connect_timeout=10 application_name=pgtest"
}

// Exec runs one SQL statement in database with ON_ERROR_STOP.
func (p *Psql) Exec(ctx context.Context, database, sql string) error {
	_, err := p.psql(ctx, database, sql, false)
	return err
}

// Query runs one SQL statement in database and returns its rows, each
// value as psql prints it (NULL as the empty string).
func (p *Psql) Query(ctx context.Context, database, sql string) ([][]string, error) {
	out, err := p.psql(ctx, database, sql, true)
	if err != nil {
		return nil, err
	}
	// Tuples only, unaligned: fields end at NUL bytes (no value can hold
	// one), records at the byte 0x1e (no value here holds one); psql ends
	// a non-empty result with a newline.
	if out == "" {
		return nil, nil
	}
	var rows [][]string
	for _, rec := range strings.Split(strings.TrimSuffix(out, "\n"), "\x1e") {
		rows = append(rows, strings.Split(rec, "\x00"))
	}
	return rows, nil
}

// Connect reports whether p can log in to database.
func (p *Psql) Connect(ctx context.Context, database string) error {
	_, err := p.Query(ctx, database, "SELECT 1")
	return err
}

func (p *Psql) psql(ctx context.Context, database, sql string, tuples bool) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	args := []string{"-X", "-w", "-q", "-v", "ON_ERROR_STOP=1", "-d", p.ConnInfo(database)}
	if tuples {
		args = append(args, "-A", "-t", "-z", "-R", "\x1e")
	}
	// -c sends the string as one simple query: the server, not psql, parses
	// it, as with the Data API.
	args = append(args, "-c", sql)
	cmd := exec.CommandContext(ctx, p.s.bins.psql, args...)
	cmd.Env = cleanEnv()
	if p.password != "" {
		cmd.Env = append(cmd.Env, "PGPASSWORD="+p.password)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		return "", fmt.Errorf("psql as %s on %s: %s", p.user, database, msg)
	}
	return stdout.String(), nil
}

// connQuote quotes a libpq connection-string value.
func connQuote(v string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(v) + "'"
}
