//go:build engine

package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
)

// up runs `pulumi up`; the error carries the engine's output.
func (e *engineStack) up() (auto.UpResult, error) {
	var out bytes.Buffer
	res, err := e.stack.Up(e.ctx(), optup.ProgressStreams(&out), optup.ErrorProgressStreams(&out))
	if err != nil {
		return res, fmt.Errorf("pulumi up %s: %w\n%s", e.name, err, out.String())
	}
	return res, nil
}

// mustUp runs `pulumi up` and fails the test when it fails.
func (e *engineStack) mustUp() auto.UpResult {
	e.t.Helper()
	res, err := e.up()
	if err != nil {
		e.t.Fatal(err)
	}
	return res
}

// preview runs `pulumi preview` and returns its change summary.
func (e *engineStack) preview() map[apitype.OpType]int {
	e.t.Helper()
	var out bytes.Buffer
	res, err := e.stack.Preview(e.ctx(), optpreview.Diff(), optpreview.ProgressStreams(&out))
	if err != nil {
		e.t.Fatalf("pulumi preview %s: %v\n%s", e.name, err, out.String())
	}
	return res.ChangeSummary
}

// export returns the deployment of `pulumi stack export`, secrets as
// stored. (auto's Stack.Export adds --show-secrets, so it is not used.)
func (e *engineStack) export() []byte {
	e.t.Helper()
	env := make([]string, 0, len(e.env))
	for k, v := range e.env {
		env = append(env, k+"="+v)
	}
	stdout, stderr, _, err := e.cmd.Run(e.ctx(), e.dir, nil, nil, nil, env, "stack", "export", "--stack", e.name)
	if err != nil {
		e.t.Fatalf("pulumi stack export: %v\n%s", err, stderr)
	}
	var d apitype.UntypedDeployment
	if err := json.Unmarshal([]byte(stdout), &d); err != nil {
		e.t.Fatal(err)
	}
	return d.Deployment
}

// files returns every file the engine wrote for the stack: the backend's
// checkpoints, backups and history, and the project dir with its stack
// config, by path.
func (e *engineStack) files() map[string][]byte {
	e.t.Helper()
	out := map[string][]byte{}
	for _, root := range []string{e.state, e.dir} {
		err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			data, err := os.ReadFile(path)
			out[path] = data
			return err
		})
		if err != nil {
			e.t.Fatal(err)
		}
	}
	return out
}

// stateResource is the part of a resource in state the tests read.
type stateResource struct {
	URN      string         `json:"urn"`
	Type     string         `json:"type"`
	ID       string         `json:"id"`
	Protect  bool           `json:"protect"`
	Provider string         `json:"provider"`
	Outputs  map[string]any `json:"outputs"`
	// StackTrace is where the program registered the resource.
	StackTrace []struct {
		SourcePosition string `json:"sourcePosition"`
	} `json:"stackTrace"`
}

// resources returns the resources in state by URN.
func (e *engineStack) resources() map[string]stateResource {
	e.t.Helper()
	var d struct {
		Resources []stateResource `json:"resources"`
	}
	if err := json.Unmarshal(e.export(), &d); err != nil {
		e.t.Fatal(err)
	}
	out := map[string]stateResource{}
	for _, r := range d.Resources {
		out[r.URN] = r
	}
	return out
}

// byLogicalName finds a resource in state by its logical name and type.
func byLogicalName(rs map[string]stateResource, typ, name string) (stateResource, bool) {
	for urn, r := range rs {
		if r.Type == typ && strings.HasSuffix(urn, "::"+name) {
			return r, true
		}
	}
	return stateResource{}, false
}

// takeCalls returns the create/update/delete calls the stand-ins logged
// since the last take, and clears the log.
func (e *engineStack) takeCalls() []string {
	e.t.Helper()
	data, err := os.ReadFile(e.calls)
	if err != nil && !os.IsNotExist(err) {
		e.t.Fatal(err)
	}
	if err := os.Remove(e.calls); err != nil && !os.IsNotExist(err) {
		e.t.Fatal(err)
	}
	return strings.FieldsFunc(string(data), func(r rune) bool { return r == '\n' })
}
