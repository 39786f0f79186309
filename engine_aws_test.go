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
// and proves the upgrade replaces and deletes no key, table, cluster,
// instance, secret, password or vault: each keeps its ID. It logs what is
// updated in place and the few resources without data that are replaced.
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
			isData := func(urn string) bool {
				typ := string(resource.URN(urn).Type())
				return dataTypes[typ] || typ == "random:index/randomPassword:RandomPassword"
			}
			summary := e.preview()
			if summary[apitype.OpDelete] != 0 {
				t.Errorf("upgrade preview deletes %d resources (summary %v)", summary[apitype.OpDelete], summary)
			}
			e.mustUp()
			var updated, replaced []string
			for _, call := range e.takeCalls() {
				op, rest, _ := strings.Cut(call, " ")
				urn, _, _ := strings.Cut(rest, " ")
				_, existed := before[urn]
				name := resource.URN(urn).Name()
				switch {
				case (op == "delete" || op == "create" && existed) && isData(urn):
					t.Errorf("upgrade %sd %s, which holds tenant data", op, urn)
				case op == "delete" && !existed:
					t.Errorf("upgrade deleted %s", urn)
				case op == "delete":
					replaced = append(replaced, name)
				case op == "update":
					updated = append(updated, name)
				}
			}
			after := e.resources()
			for urn, r := range before {
				if !isData(urn) {
					continue
				}
				if a, ok := after[urn]; !ok || a.ID != r.ID {
					t.Errorf("%s: id %s -> %s", urn, r.ID, a.ID)
				}
			}
			slices.Sort(updated)
			t.Logf("updated in place: %s", strings.Join(updated, " "))
			t.Logf("replaced (no data): %s", strings.Join(replaced, " "))
			if summary[apitype.OpUpdate] == 0 {
				t.Error("the upgrade updated nothing: the saved deployment is not the previous release's")
			}
		})
	}
}
