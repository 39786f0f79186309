package fleetrun

import (
	"errors"
	"runtime"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// callerFrames are the functions on the stack of the goroutine that runs
// it.
func callerFrames() []string {
	pcs := make([]uintptr, 64)
	frames := runtime.CallersFrames(pcs[:runtime.Callers(1, pcs)])
	var names []string
	for {
		f, more := frames.Next()
		names = append(names, f.Function)
		if !more {
			return names
		}
	}
}

func TestOnOwnGoroutine(t *testing.T) {
	errProgram := errors.New("no tenants")
	tests := []struct {
		name    string
		program pulumi.RunFunc
		wantErr string
	}{
		{name: "ok", program: func(*pulumi.Context) error { return nil }},
		{name: "error", program: func(*pulumi.Context) error { return errProgram }, wantErr: "no tenants"},
		{name: "panic", program: func(*pulumi.Context) error { panic("nil map") }, wantErr: "the program panicked: nil map"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := onOwnGoroutine(tt.program)(nil)
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || err.Error() != tt.wantErr) {
				t.Errorf("error %v, want %q", err, tt.wantErr)
			}
		})
	}
}

// TestOnOwnGoroutineStackStopsAtTheProgram: the frames of whoever runs the
// program (in the runner, the Automation API's gRPC handler) are not on
// the stack the program registers its resources from.
func TestOnOwnGoroutineStackStopsAtTheProgram(t *testing.T) {
	var frames []string
	_ = onOwnGoroutine(func(*pulumi.Context) error { frames = callerFrames(); return nil })(nil)
	for _, f := range frames {
		if strings.Contains(f, "TestOnOwnGoroutineStackStopsAtTheProgram") && !strings.Contains(f, ".func") {
			t.Errorf("the program's stack holds its caller's frame %s:\n%s", f, strings.Join(frames, "\n"))
		}
	}
	if len(frames) > 4 {
		t.Errorf("the program's stack has %d frames, want the program, onOwnGoroutine's goroutine and goexit:\n%s", len(frames), strings.Join(frames, "\n"))
	}
}
