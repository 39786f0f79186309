package fleetrun

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/blang/semver"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

// recordingCLI is a Pulumi CLI that records the commands it is given. It
// lists the stacks in existing, and answers `up` and `preview` by writing
// a summary event, creating one resource, to their event log.
type recordingCLI struct {
	existing []string
	mu       sync.Mutex
	calls    []string
}

func (c *recordingCLI) Version() semver.Version { return semver.MustParse("3.274.1") }

func (c *recordingCLI) Run(_ context.Context, _ string, _ io.Reader, _, _ []io.Writer, _ []string, args ...string) (string, string, int, error) {
	var words []string
	for i := 0; i < len(args); i++ {
		switch a := args[i]; {
		case a == "--stack" || a == "--event-log":
			i++
		case strings.HasPrefix(a, "-"):
		default:
			words = append(words, a)
		}
	}
	c.mu.Lock()
	c.calls = append(c.calls, strings.Join(words, " "))
	c.mu.Unlock()
	switch {
	case slices.Equal(words, []string{"stack", "ls"}):
		var list []string
		for _, s := range c.existing {
			list = append(list, fmt.Sprintf(`{"name": %q}`, s))
		}
		return "[" + strings.Join(list, ",") + "]", "", 0, nil
	case len(words) > 0 && (words[0] == "up" || words[0] == "preview"):
		if i := slices.Index(args, "--event-log"); i >= 0 {
			event := `{"sequence": 0, "timestamp": 0, "summaryEvent": {"maybeCorrupt": false, "durationSeconds": 1, "resourceChanges": {"create": 1}, "PolicyPacks": {}}}`
			if err := sendEvent(args[i+1], event); err != nil {
				return "", err.Error(), 1, err
			}
		}
		return "", "", 0, nil
	}
	if slices.Equal(words, []string{"stack", "output"}) {
		return "{}", "", 0, nil
	}
	if slices.Equal(words, []string{"stack", "history"}) {
		return "[]", "", 0, nil
	}
	return "", "", 0, nil
}

// sendEvent sends an engine event to the Automation API's events server
// at addr (tcp://host:port), as the CLI does, and ends the stream.
func sendEvent(addr, event string) error {
	conn, err := grpc.NewClient(strings.TrimPrefix(addr, "tcp://"), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return err
	}
	defer conn.Close()
	stream, err := pulumirpc.NewEventsClient(conn).StreamEvents(context.Background())
	if err != nil {
		return err
	}
	if err := stream.Send(&pulumirpc.EventRequest{Event: event}); err != nil {
		return err
	}
	_, err = stream.CloseAndRecv()
	return err
}

// TestEngineRunsOnlyTheCommandsItNeeds: one `pulumi stack ls` per run,
// `stack init` for a stack the backend lacks, and the operation itself;
// no `stack select`, `stack output` or `stack history` per stack, which
// load the stack's whole checkpoint for results the runner does not use.
func TestEngineRunsOnlyTheCommandsItNeeds(t *testing.T) {
	tests := []struct {
		op   Op
		want []string
	}{
		{Up, []string{"stack ls", "up", "stack init prod-b", "up"}},
		{Preview, []string{"stack ls", "preview", "stack init prod-b", "preview"}},
	}
	for _, tt := range tests {
		t.Run(string(tt.op), func(t *testing.T) {
			dir := t.TempDir()
			for name, text := range map[string]string{
				"Pulumi.yaml":        "name: tenancy\nruntime: go\n",
				"Pulumi.prod-a.yaml": "config: {}\n",
				"Pulumi.prod-b.yaml": "config: {}\n",
			} {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			cli := &recordingCLI{existing: []string{"organization/tenancy/prod-a", "prod-c"}}
			e := &Engine{Dir: dir, Command: cli, Program: func(*pulumi.Context) error { return nil }}
			for _, stack := range []string{"prod-a", "prod-b"} {
				changes, err := e.Run(context.Background(), tt.op, stack, io.Discard, func(string) {})
				if err != nil {
					t.Fatalf("%s: %v", stack, err)
				}
				if changes != (Changes{Create: 1}) {
					t.Errorf("%s: changes %+v, want the summary event's one create", stack, changes)
				}
			}
			if !slices.Equal(cli.calls, tt.want) {
				t.Errorf("CLI calls:\n got %q\nwant %q", cli.calls, tt.want)
			}
		})
	}
}
