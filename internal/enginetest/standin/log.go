package standin

import (
	"fmt"
	"os"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// LogEnv names the environment variable with the path of the call log. Each
// create, update and delete appends one line "<op> <urn> <id>", so a test
// can read what the engine asked every provider process to do.
const LogEnv = "TENANCY_STANDIN_LOG"

// callLog appends to the file named by LogEnv; without it, it records
// nothing.
type callLog struct {
	mu   sync.Mutex
	path string
}

func openLog() *callLog { return &callLog{path: os.Getenv(LogEnv)} }

func (l *callLog) record(op string, urn resource.URN, id string) {
	if l.path == "" {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	// O_APPEND keeps the short lines of concurrent provider processes whole.
	f, err := os.OpenFile(l.path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		fmt.Fprintf(os.Stderr, "standin: call log: %v\n", err)
		return
	}
	defer f.Close()
	fmt.Fprintf(f, "%s %s %s\n", op, urn, id)
}
