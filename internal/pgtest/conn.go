package pgtest

import (
	"errors"
	"fmt"
	"net"
)

// Conn is what another process needs to reach a running Server: it
// encodes as JSON (for an environment variable), password included, so it
// belongs in a test's environment only.
type Conn struct {
	Host           string `json:"host"`
	Port           int    `json:"port"`
	SocketDir      string `json:"socketDir"`
	Superuser      string `json:"superuser"`
	Master         string `json:"master"`
	MasterPassword string `json:"masterPassword"`
	Version        int    `json:"version"`
}

// Conn describes s for Attach.
func (s *Server) Conn() Conn {
	return Conn{Host: s.Host, Port: s.Port, SocketDir: s.SocketDir, Superuser: s.Superuser,
		Master: s.Master, MasterPassword: s.MasterPassword, Version: s.Version}
}

// Attach returns a Server for one another process started and described
// with Conn: Super, AsMaster and As connect to it, Stop does nothing. Only
// a loopback host is accepted.
func Attach(c Conn) (*Server, error) {
	bins, err := findBinaries()
	if err != nil {
		return nil, err
	}
	if ip := net.ParseIP(c.Host); c.Host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, fmt.Errorf("pgtest: host %q is not a loopback address", c.Host)
	}
	if c.Port <= 0 || c.Port > 65535 || c.Master == "" {
		return nil, errors.New("pgtest: a connection needs a port and a master role")
	}
	return &Server{Host: c.Host, Port: c.Port, SocketDir: c.SocketDir, Superuser: c.Superuser,
		Master: c.Master, MasterPassword: c.MasterPassword, Version: c.Version, bins: bins, attached: true}, nil
}
