//go:build engine

package main

import (
	"bytes"
	"encoding/base64"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/amplify-tenancy/tenancy/tenant"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
)

// changes are the operations that alter a resource; "same" and "read" do not.
var changes = []apitype.OpType{apitype.OpCreate, apitype.OpUpdate, apitype.OpDelete, apitype.OpReplace,
	apitype.OpCreateReplacement, apitype.OpDeleteReplaced, apitype.OpImport}

// destructive are the operations that delete or recreate a resource.
var destructive = []apitype.OpType{apitype.OpDelete, apitype.OpReplace, apitype.OpCreateReplacement,
	apitype.OpDeleteReplaced, apitype.OpReadDiscard, apitype.OpDiscardReplaced}

// TestEngineDev deploys the dev stack through the real engine and checks
// what only the engine decides: a clean second run, encrypted secrets in
// state, the output shape, and a rename through formerIds.
func TestEngineDev(t *testing.T) {
	t.Parallel()
	e := newEngineStack(t, "dev")
	res := e.mustUp()
	if res.Summary.ResourceChanges == nil || (*res.Summary.ResourceChanges)[string(apitype.OpCreate)] == 0 {
		t.Fatalf("first up created nothing: %v", res.Summary.ResourceChanges)
	}
	e.takeCalls()

	t.Run("second preview reports no changes", func(t *testing.T) {
		e := e.in(t)
		summary := e.preview()
		for _, op := range changes {
			if summary[op] != 0 {
				t.Errorf("second preview: %d %s, want none (summary %v)", summary[op], op, summary)
			}
		}
	})

	t.Run("state holds no secret in plain text", func(t *testing.T) {
		e := e.in(t)
		files := e.files()
		files["pulumi stack export"] = e.export()
		// Amplify gets basic auth as base64("user:password").
		basic := base64.StdEncoding.EncodeToString([]byte("preview:" + sentinelBasicAuth))
		for name, data := range files {
			for _, s := range []string{sentinelToken, sentinelBasicAuth, basic} {
				if bytes.Contains(data, []byte(s)) {
					t.Errorf("%s holds %q in plain text", name, s)
				}
			}
		}
		passwords := 0
		for urn, r := range e.resources() {
			if r.Type != "random:index/randomPassword:RandomPassword" {
				continue
			}
			passwords++
			if secret, ok := r.Outputs["result"].(map[string]any); !ok || secret["ciphertext"] == nil {
				t.Errorf("%s: result is not encrypted in state: %v", urn, r.Outputs["result"])
			}
		}
		if passwords == 0 {
			t.Error("no RandomPassword in state")
		}
	})

	t.Run("outputs have the documented shape", func(t *testing.T) {
		e := e.in(t)
		outputs, err := e.stack.Outputs(e.ctx())
		if err != nil {
			t.Fatal(err)
		}
		tenants, ok := outputs["tenants"].Value.(map[string]any)
		if !ok {
			t.Fatalf("tenants output is %T, want a map", outputs["tenants"].Value)
		}
		if got, want := slices.Sorted(maps.Keys(tenants)), e.tenantIDs(); !slices.Equal(got, want) {
			t.Errorf("tenants %v, want %v", got, want)
		}
		args := map[string]tenant.TenantStackArgs{}
		for _, tn := range parsedFleet(t, "dev").Tenants {
			args[tn.ID] = tn.Args
		}
		for id, v := range tenants {
			entry, _ := v.(map[string]any)
			keys := []string{"appId", "backup", "branchUrl", "database", "defaultDomain", "region", "status"}
			if args[id].Domain != "" {
				keys = slices.Sorted(slices.Values(append(keys, "domain")))
			}
			if got, want := slices.Sorted(maps.Keys(entry)), keys; !slices.Equal(got, want) {
				t.Errorf("tenant %s: keys %v, want %v", id, got, want)
			}
			db, _ := entry["database"].(map[string]any)
			want := databaseOutputKeys(args[id])
			if got := slices.Sorted(maps.Keys(db)); !slices.Equal(got, want) {
				t.Errorf("tenant %s: database keys %v, want %v", id, got, want)
			}
			for _, v := range []any{entry["region"], entry["status"], entry["appId"], entry["defaultDomain"], entry["branchUrl"], db["engine"], db["name"], db["arn"]} {
				if s, ok := v.(string); !ok || s == "" {
					t.Errorf("tenant %s: %v is not a non-empty string", id, v)
				}
			}
			if url, _ := entry["branchUrl"].(string); !strings.HasPrefix(url, "https://") {
				t.Errorf("tenant %s: branchUrl %q", id, url)
			}
		}
	})

	// Last: it changes the stack.
	t.Run("renamed tenant moves without replace or delete", func(t *testing.T) {
		e := e.in(t)
		e.editTenants(func(ts []map[string]any) []map[string]any {
			tn := tenantNamed(ts, "hooli")
			tn["id"], tn["formerIds"] = "hooli-inc", []string{"hooli"}
			return ts
		})
		summary := e.preview()
		for _, op := range append(slices.Clone(destructive), apitype.OpCreate) {
			if summary[op] != 0 {
				t.Errorf("rename preview: %d %s, want none (summary %v)", summary[op], op, summary)
			}
		}
		e.mustUp()
		for _, call := range e.takeCalls() {
			if !strings.HasPrefix(call, "update ") {
				t.Errorf("rename made the provider call %s, want updates only", call)
			}
		}
		rs := e.resources()
		if _, ok := byLogicalName(rs, "aws:dynamodb/table:Table", "hooli-inc-db"); !ok {
			t.Error("hooli-inc-db is not in state after the rename")
		}
		if _, ok := byLogicalName(rs, "aws:dynamodb/table:Table", "hooli-db"); ok {
			t.Error("hooli-db is still in state after the rename")
		}
	})
}

// TestEngineProd deploys the prod stack (protect: true) and checks that the
// config edits that would destroy a tenant's data (a region or database
// engine change, a removal) are refused before the engine deletes anything.
func TestEngineProd(t *testing.T) {
	t.Parallel()
	e := newEngineStack(t, "prod")
	e.mustUp()
	e.takeCalls()

	refused := []struct {
		name, tenant, dbType string
		edit                 func([]map[string]any) []map[string]any
	}{{
		name: "region edited", tenant: "globex", dbType: "aws:dynamodb/table:Table",
		edit: func(ts []map[string]any) []map[string]any {
			tenantNamed(ts, "globex")["region"] = "eu-west-1"
			return ts
		},
	}, {
		name: "database engine changed", tenant: "hooli", dbType: "aws:dynamodb/table:Table",
		edit: func(ts []map[string]any) []map[string]any {
			tenantNamed(ts, "hooli")["database"] = map[string]any{"engine": "aurora-postgresql"}
			return ts
		},
	}, {
		name: "tenant removed", tenant: "umbrella", dbType: "aws:rds/cluster:Cluster",
		edit: func(ts []map[string]any) []map[string]any {
			return slices.DeleteFunc(ts, func(tn map[string]any) bool { return tn["id"] == "umbrella" })
		},
	}}
	for _, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			e := e.in(t)
			before, ok := byLogicalName(e.resources(), tc.dbType, tc.tenant+"-db")
			if !ok {
				t.Fatalf("%s-db is not in state", tc.tenant)
			}
			defer e.editTenants(tc.edit)()
			if _, err := e.up(); err == nil {
				t.Errorf("up succeeded, want it refused")
			}
			// Refused before the engine acted: no delete, and no create or
			// update either (a new database beside the old one costs money).
			for _, call := range e.takeCalls() {
				t.Errorf("the refused update made the provider call: %s", call)
			}
			after, ok := byLogicalName(e.resources(), tc.dbType, tc.tenant+"-db")
			if !ok {
				t.Fatalf("%s-db is gone from state", tc.tenant)
			}
			if after.ID != before.ID || after.Provider != before.Provider || !after.Protect {
				t.Errorf("%s-db changed: id %s -> %s, provider %s -> %s, protect %v",
					tc.tenant, before.ID, after.ID, before.Provider, after.Provider, after.Protect)
			}
		})
	}
}

// databaseOutputKeys are the keys of a tenant's database output, from its
// parsed args: what every level has, the Aurora version of an own
// cluster, the login role of every Aurora tenant, a schema-level tenant's
// schema or key prefix.
func databaseOutputKeys(a tenant.TenantStackArgs) []string {
	d := a.Database
	keys := []string{"arn", "engine", "isolation", "name"}
	switch {
	case d.Engine == tenant.EngineAuroraPostgreSQL && !d.Isolation.Pooled():
		keys = append(keys, "engineVersion", "role")
	case d.Engine == tenant.EngineAuroraPostgreSQL && d.Isolation == tenant.IsolationSchema:
		keys = append(keys, "role", "schema")
	case d.Engine == tenant.EngineAuroraPostgreSQL:
		keys = append(keys, "role")
	case d.Isolation == tenant.IsolationSchema:
		keys = append(keys, "keyPrefix")
	}
	return slices.Sorted(slices.Values(keys))
}
