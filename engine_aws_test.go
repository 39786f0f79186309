//go:build engine

package main

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// TestEngineLongestNames deploys the longest names tenancy accepts through
// the stand-ins, which check every input against the rules AWS applies at
// create time and auto-name as pulumi-aws does, then finds nothing to
// change on a second run.
func TestEngineLongestNames(t *testing.T) {
	t.Parallel()
	e := newEngineStack(t, "longest")
	e.mustUp()
	summary := e.preview()
	for _, op := range changes {
		if summary[op] != 0 {
			t.Errorf("second preview: %d %s, want none (summary %v)", summary[op], op, summary)
		}
	}
	vaults := 0
	for urn, r := range e.resources() {
		if r.Type == "aws:backup/vault:Vault" {
			vaults++
			if name, _ := r.Outputs["name"].(string); len(name) > 50 || name == "" {
				t.Errorf("%s: vault name %q", urn, name)
			}
		}
	}
	if vaults == 0 {
		t.Error("no backup vault deployed")
	}
}

// TestEngineUpgradeKeepsEveryTenantsData runs this program over a
// deployment the previous release made (testdata/upgrade, see its README)
// and proves the upgrade replaces and deletes nothing: every key, table,
// cluster, instance, secret and vault keeps its ID, and only new resources
// are created.
func TestEngineUpgradeKeepsEveryTenantsData(t *testing.T) {
	for _, stack := range []string{"dev", "prod"} {
		t.Run(stack, func(t *testing.T) {
			t.Parallel()
			fixture := filepath.Join("testdata", "upgrade", stack)
			e := newEngineStackFrom(t, stack, filepath.Join(fixture, "Pulumi."+stack+".yaml"), filepath.Join(fixture, "state"))
			before := e.resources()
			if len(before) == 0 {
				t.Fatal("the saved deployment holds no resources")
			}
			summary := e.preview()
			for _, op := range destructive {
				if summary[op] != 0 {
					t.Errorf("upgrade preview: %d %s, want none (summary %v)", summary[op], op, summary)
				}
			}
			e.mustUp()
			var updated []string
			for _, call := range e.takeCalls() {
				op, rest, _ := strings.Cut(call, " ")
				urn, _, _ := strings.Cut(rest, " ")
				_, existed := before[urn]
				switch {
				case op == "delete":
					t.Errorf("upgrade deleted %s", urn)
				case op == "create" && existed:
					t.Errorf("upgrade re-created %s", urn)
				case op == "update":
					updated = append(updated, resource.URN(urn).Name())
				}
			}
			after := e.resources()
			for urn, r := range before {
				if !dataTypes[r.Type] && r.Type != "random:index/randomPassword:RandomPassword" {
					continue
				}
				if a, ok := after[urn]; !ok || a.ID != r.ID {
					t.Errorf("%s: id %s -> %s", urn, r.ID, a.ID)
				}
			}
			slices.Sort(updated)
			t.Logf("updated in place: %s", strings.Join(updated, " "))
			if summary[apitype.OpUpdate] == 0 {
				t.Error("the upgrade updated nothing: the saved deployment is not the previous release's")
			}
		})
	}
}
