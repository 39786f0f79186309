package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/amplify-tenancy/tenancy/internal/mockcloud"
)

// deployedProd is the tenants output of the last prod deployment.
func deployedProd(t *testing.T) map[string]any {
	t.Helper()
	_, tenants := runStack(t, "prod")
	return tenants
}

// tenantResources counts what was registered for tenants (the StackReference
// that reads the last deployment is not one).
func tenantResources(cloud *mockcloud.Cloud) int {
	n := 0
	for _, r := range cloud.Resources() {
		if r.Type != "pulumi:pulumi:StackReference" {
			n++
		}
	}
	return n
}

func TestMovesAndRemovalsAreRefusedUnlessDeliberate(t *testing.T) {
	previous := deployedProd(t)
	cases := []struct {
		name    string
		edit    func([]map[string]any) []map[string]any
		wantErr string // empty: the run succeeds
	}{
		{"region edit refused", func(ts []map[string]any) []map[string]any {
			tenantNamed(ts, "globex")["region"] = "eu-west-1"
			return ts
		}, `tenant "globex": region: changing "eu-central-1" to "eu-west-1" would create a new, empty database`},
		{"region edit confirmed", func(ts []map[string]any) []map[string]any {
			g := tenantNamed(ts, "globex")
			g["region"], g["confirmMove"] = "eu-west-1", "eu-central-1"
			return ts
		}, ""},
		{"engine edit refused", func(ts []map[string]any) []map[string]any {
			delete(tenantNamed(ts, "acme"), "database")
			return ts
		}, `tenant "acme": database.engine: changing "aurora-postgresql" to "dynamodb"`},
		{"engine edit confirmed", func(ts []map[string]any) []map[string]any {
			a := tenantNamed(ts, "acme")
			delete(a, "database")
			a["confirmMove"] = "aurora-postgresql"
			return ts
		}, ""},
		{"confirmation names the wrong region", func(ts []map[string]any) []map[string]any {
			g := tenantNamed(ts, "globex")
			g["region"], g["confirmMove"] = "eu-west-1", "eu-west-1"
			return ts
		}, `tenant "globex": region: changing`},
		{"isolation change refused", func(ts []map[string]any) []map[string]any {
			tenantNamed(ts, "hooli")["database"] = map[string]any{"isolation": "schema"}
			return ts
		}, `tenant "hooli": database.isolation: changing "cluster" to "schema" would create a new, empty database`},
		{"isolation change confirmed", func(ts []map[string]any) []map[string]any {
			h := tenantNamed(ts, "hooli")
			h["database"], h["confirmMove"] = map[string]any{"isolation": "schema"}, "cluster"
			return ts
		}, ""},
		{"account change refused", func(ts []map[string]any) []map[string]any {
			tenantNamed(ts, "hooli")["account"] = map[string]any{"roleArn": "arn:aws:iam::210987654321:role/tenancy"}
			return ts
		}, `tenant "hooli": account: changing "own" to "210987654321" would create a new, empty database`},
		{"account change confirmed", func(ts []map[string]any) []map[string]any {
			h := tenantNamed(ts, "hooli")
			h["account"], h["confirmMove"] = map[string]any{"roleArn": "arn:aws:iam::210987654321:role/tenancy"}, "own"
			return ts
		}, ""},
		{"stale confirmMove refused", func(ts []map[string]any) []map[string]any {
			tenantNamed(ts, "hooli")["confirmMove"] = "us-east-1"
			return ts
		}, `tenant "hooli": confirmMove: "us-east-1" names nothing the tenant is leaving`},
		{"active tenant removed", func(ts []map[string]any) []map[string]any {
			return ts[1:]
		}, `tenant "acme": id: the tenant is no longer deployed by this stack while it was active`},
		{"rename keeps the tenant", func(ts []map[string]any) []map[string]any {
			h := tenantNamed(ts, "hooli")
			h["id"], h["formerIds"] = "hooli-inc", []string{"hooli"}
			return ts
		}, ""},
		{"rename that also moves", func(ts []map[string]any) []map[string]any {
			h := tenantNamed(ts, "hooli")
			h["id"], h["formerIds"], h["region"] = "hooli-inc", []string{"hooli"}, "us-east-2"
			return ts
		}, `tenant "hooli-inc": region: changing "us-west-2" to "us-east-2"`},
		{"aurora tenant's rename refused", func(ts []map[string]any) []map[string]any {
			a := tenantNamed(ts, "acme")
			a["id"], a["formerIds"] = "acme-corp", []string{"acme"}
			return ts
		}, `tenant "acme-corp": id: renaming "acme" to "acme-corp": the tenant's data is named after its id, its database role tenant-acme-app`},
		{"major upgrade refused", func(ts []map[string]any) []map[string]any {
			tenantNamed(ts, "acme")["database"].(map[string]any)["engineVersion"] = "17"
			return ts
		}, `tenant "acme": database.engineVersion: 16 -> 17 is a major version upgrade`},
		{"major upgrade allowed", func(ts []map[string]any) []map[string]any {
			db := tenantNamed(ts, "acme")["database"].(map[string]any)
			db["engineVersion"], db["allowMajorVersionUpgrade"] = "17", true
			return ts
		}, ""},
		{"downgrade refused even when allowed", func(ts []map[string]any) []map[string]any {
			db := tenantNamed(ts, "acme")["database"].(map[string]any)
			db["engineVersion"], db["allowMajorVersionUpgrade"] = "15", true
			return ts
		}, `tenant "acme": database.engineVersion: 16 -> 15 is a downgrade`},
		{"backup removal refused", func(ts []map[string]any) []map[string]any {
			delete(tenantNamed(ts, "globex"), "backup")
			return ts
		}, `tenant "globex": backup: removing backup deletes the tenant's AWS Backup plan`},
		{"backup removal confirmed", func(ts []map[string]any) []map[string]any {
			g := tenantNamed(ts, "globex")
			delete(g, "backup")
			g["confirmBackupRemoval"] = true
			return ts
		}, ""},
		{"backup removal confirmed false", func(ts []map[string]any) []map[string]any {
			g := tenantNamed(ts, "globex")
			delete(g, "backup")
			g["confirmBackupRemoval"] = false
			return ts
		}, `tenant "globex": backup: removing backup deletes the tenant's AWS Backup plan`},
		{"backup removal with confirmMove only", func(ts []map[string]any) []map[string]any {
			g := tenantNamed(ts, "globex")
			delete(g, "backup")
			g["confirmMove"] = "eu-central-1"
			return ts
		}, `tenant "globex": backup: removing backup deletes the tenant's AWS Backup plan`},
		{"offboarded tenant's backup removal refused", func(ts []map[string]any) []map[string]any {
			u := tenantNamed(ts, "umbrella")
			u["status"] = "offboarded"
			delete(u, "backup")
			return ts
		}, `tenant "umbrella": backup: removing backup deletes the tenant's AWS Backup plan`},
		{"offboarded tenant's backup removal confirmed", func(ts []map[string]any) []map[string]any {
			u := tenantNamed(ts, "umbrella")
			u["status"] = "offboarded"
			delete(u, "backup")
			u["confirmBackupRemoval"] = true
			return ts
		}, ""},
		{"renamed tenant's backup removal refused", func(ts []map[string]any) []map[string]any {
			g := tenantNamed(ts, "globex")
			g["id"], g["formerIds"] = "globex-gmbh", []string{"globex"}
			delete(g, "backup")
			return ts
		}, `tenant "globex-gmbh": backup: removing backup deletes the tenant's AWS Backup plan`},
		{"backup schedule and retention change freely", func(ts []map[string]any) []map[string]any {
			b := tenantNamed(ts, "globex")["backup"].(map[string]any)
			b["schedule"], b["retentionDays"] = "cron(0 4 * * ? *)", 14
			return ts
		}, ""},
		{"backup added freely", func(ts []map[string]any) []map[string]any {
			tenantNamed(ts, "hooli")["backup"] = map[string]any{"schedule": "cron(0 5 * * ? *)", "retentionDays": 7}
			return ts
		}, ""},
		{"display name and order change freely", func(ts []map[string]any) []map[string]any {
			tenantNamed(ts, "acme")["name"] = "ACME Holdings"
			ts[0], ts[4] = ts[4], ts[0]
			return ts
		}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			config, secrets := stackConfig(t, "prod")
			editTenants(t, config, c.edit)
			cloud, _, err := run(t, "prod", config, secrets, previous)
			if !wantOutcome(t, err, c.wantErr) {
				return
			}
			if !strings.Contains(err.Error(), "README") {
				t.Errorf("error does not point to the documented path: %v", err)
			}
			if n := tenantResources(cloud); n != 0 {
				t.Errorf("registered %d resources before refusing, want 0", n)
			}
		})
	}
}

// A deployment made before the tenants output had isolation and account
// was at cluster level in the deployer's account, the only ones there were:
// a level or account change against it is refused all the same.
func TestMovesAgainstDeploymentsBeforeIsolation(t *testing.T) {
	previous := deployedProd(t)
	for _, out := range previous {
		o := out.(map[string]any)
		delete(o, "account")
		delete(o["database"].(map[string]any), "isolation")
	}
	for _, c := range []struct {
		name, wantErr string
		edit          func(h map[string]any)
	}{
		{"isolation", `tenant "hooli": database.isolation: changing "cluster" to "schema"`, func(h map[string]any) { h["database"] = map[string]any{"isolation": "schema"} }},
		{"account", `tenant "hooli": account: changing "own" to "210987654321"`, func(h map[string]any) {
			h["account"] = map[string]any{"roleArn": "arn:aws:iam::210987654321:role/tenancy"}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			config, secrets := stackConfig(t, "prod")
			editTenants(t, config, func(ts []map[string]any) []map[string]any { c.edit(tenantNamed(ts, "hooli")); return ts })
			_, _, err := run(t, "prod", config, secrets, previous)
			wantOutcome(t, err, c.wantErr)
		})
	}
}

// A deployment made before the tenants output had "backup" cannot tell
// whether a tenant was backed up: removing backup is then let through, and a
// "backup": false output never refuses anything.
func TestBackupRemovalAgainstOlderOrBackuplessDeployments(t *testing.T) {
	for _, c := range []struct {
		name     string
		previous func(globex map[string]any)
		wantErr  string
	}{
		{"backup exported true", func(map[string]any) {}, `tenant "globex": backup:`},
		{"backup not exported", func(g map[string]any) { delete(g, "backup") }, ""},
		{"backup exported false", func(g map[string]any) { g["backup"] = false }, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			previous := deployedProd(t)
			globex := previous["globex"].(map[string]any)
			if globex["backup"] != true {
				t.Fatalf("the last deployment exports globex backup %v, want true", globex["backup"])
			}
			c.previous(globex)
			config, secrets := stackConfig(t, "prod")
			editTenants(t, config, func(ts []map[string]any) []map[string]any {
				delete(tenantNamed(ts, "globex"), "backup")
				return ts
			})
			_, _, err := run(t, "prod", config, secrets, previous)
			wantOutcome(t, err, c.wantErr)
		})
	}
}

// wantOutcome fails t unless err is nil when wantErr is empty, or contains
// wantErr; it reports whether the run was refused.
func wantOutcome(t *testing.T, err error, wantErr string) bool {
	t.Helper()
	if wantErr == "" {
		if err != nil {
			t.Fatalf("want success, got %v", err)
		}
		return false
	}
	if err == nil || !strings.Contains(err.Error(), wantErr) {
		t.Fatalf("want error containing %q, got %v", wantErr, err)
	}
	return true
}

func TestOffboardedTenantMayLeaveConfig(t *testing.T) {
	previous := deployedProd(t)
	previous["initech"].(map[string]any)["status"] = "offboarded"
	config, secrets := stackConfig(t, "prod")
	editTenants(t, config, func(ts []map[string]any) []map[string]any {
		var out []map[string]any
		for _, tn := range ts {
			if tn["id"] != "initech" {
				out = append(out, tn)
			}
		}
		return out
	})
	if _, _, err := run(t, "prod", config, secrets, previous); err != nil {
		t.Fatalf("removing an offboarded tenant: %v", err)
	}
}

// handover picks, from the parsed prod stack, a region with at least two
// tenants for a test to hand to another stack: the region's tenants,
// sorted, and the regions the stack keeps, as a tenancy:regions value.
func handover(t *testing.T) (ids []string, kept string) {
	t.Helper()
	fleet := parsedFleet(t, "prod")
	byRegion := map[string][]string{}
	for _, tn := range fleet.Tenants {
		byRegion[tn.Args.Region] = append(byRegion[tn.Args.Region], tn.ID)
	}
	for _, region := range fleet.Regions() {
		if len(byRegion[region]) < 2 {
			continue
		}
		var others []string
		for _, r := range fleet.Regions() {
			if r != region {
				others = append(others, r)
			}
		}
		out, _ := json.Marshal(others)
		return slices.Sorted(slices.Values(byRegion[region])), string(out)
	}
	t.Fatal("the prod stack has no region with two tenants")
	return nil, ""
}

func jsonList(ids ...string) string {
	out, _ := json.Marshal(ids)
	return string(out)
}

// A stack that stops deploying a region (tenancy:regions) drops that
// region's tenants: refused, unless they were moved to another stack with
// `pulumi state move` and are listed in movedOut.
func TestRegionHandedToAnotherStack(t *testing.T) {
	previous := deployedProd(t)
	ids, kept := handover(t)
	for _, c := range []struct {
		name     string
		movedOut string
		wantErr  string
	}{
		{"without movedOut", "", fmt.Sprintf(`tenant %q: regions: no longer selects the tenant's region`, ids[0])},
		{"with movedOut", jsonList(ids...), ""},
		{"movedOut names one of two", jsonList(ids[0]), fmt.Sprintf(`tenant %q: regions:`, ids[1])},
	} {
		t.Run(c.name, func(t *testing.T) {
			config, secrets := stackConfig(t, "prod")
			config["tenancy:regions"] = kept
			if c.movedOut != "" {
				config["tenancy:movedOut"] = c.movedOut
			}
			cloud, _, err := run(t, "prod", config, secrets, previous)
			if c.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				if _, ok := byName(cloud.Resources())[ids[0]]; ok {
					t.Errorf("%s is still deployed by this stack", ids[0])
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.wantErr) || !strings.Contains(err.Error(), "movedOut") {
				t.Fatalf("want error containing %q and naming movedOut, got %v", c.wantErr, err)
			}
			if n := tenantResources(cloud); n != 0 {
				t.Errorf("registered %d resources before refusing", n)
			}
		})
	}
}

// A tenant handed over is let go only through movedOut, whatever its
// status: dropped from the list or still listed outside the stack's
// regions, offboarded or not, it keeps its data only when `pulumi state
// move` took it to another stack.
func TestTenantsLeaveTheStackOnlyThroughMovedOut(t *testing.T) {
	ids, kept := handover(t)
	subject := ids[0]
	for _, c := range []struct {
		name     string
		offboard bool   // the last deployment shows the subject offboarded
		drop     bool   // the subject is removed from the list, not left outside the regions
		movedOut string // tenancy:movedOut
		wantErr  string
	}{
		{name: "dropped, active", drop: true, wantErr: fmt.Sprintf(`tenant %q: id: the tenant is no longer deployed`, subject)},
		{name: "dropped, active, moved out", drop: true, movedOut: jsonList(subject)},
		{name: "dropped, offboarded", drop: true, offboard: true},
		{name: "outside the regions, offboarded", offboard: true, wantErr: fmt.Sprintf(`tenant %q: regions: no longer selects the tenant's region`, subject)},
		{name: "outside the regions, offboarded, moved out", offboard: true, movedOut: jsonList(ids...)},
	} {
		t.Run(c.name, func(t *testing.T) {
			previous := deployedProd(t)
			if c.offboard {
				previous[subject].(map[string]any)["status"] = "offboarded"
			}
			config, secrets := stackConfig(t, "prod")
			if c.drop {
				editTenants(t, config, func(ts []map[string]any) []map[string]any {
					var out []map[string]any
					for _, tn := range ts {
						if tn["id"] != subject {
							out = append(out, tn)
						}
					}
					return out
				})
			} else {
				config["tenancy:regions"] = kept
			}
			if c.movedOut != "" {
				config["tenancy:movedOut"] = c.movedOut
			}
			_, _, err := run(t, "prod", config, secrets, previous)
			if wantOutcome(t, err, c.wantErr) && !strings.Contains(err.Error(), "movedOut") {
				t.Errorf("the refusal does not name movedOut: %v", err)
			}
		})
	}
}

func TestRenameRegistersAliases(t *testing.T) {
	config, secrets := stackConfig(t, "prod")
	editTenants(t, config, func(ts []map[string]any) []map[string]any {
		a := tenantNamed(ts, "acme")
		a["id"], a["formerIds"] = "acme-corp", []string{"acme", "acme-old"}
		return ts
	})
	cloud, _, err := run(t, "prod", config, secrets, nil)
	if err != nil {
		t.Fatal(err)
	}
	component := byName(cloud.Resources())["acme-corp"]
	if got := strings.Join(component.Aliases, ","); got != "acme,acme-old" {
		t.Errorf("component aliases %q, want acme,acme-old", got)
	}
	if _, ok := byName(cloud.Resources())["acme-corp-db"]; !ok {
		t.Error("children are not named after the new id; the SDK derives their aliases from the prefix")
	}
}

func TestSuspendedAndOffboardedTenants(t *testing.T) {
	config, secrets := stackConfig(t, "prod")
	editTenants(t, config, func(ts []map[string]any) []map[string]any {
		tenantNamed(ts, "globex")["status"] = "suspended"
		tenantNamed(ts, "acme")["status"] = "offboarded"
		return ts
	})
	cloud, tenants, err := run(t, "prod", config, secrets, nil)
	if err != nil {
		t.Fatal(err)
	}
	rs := byName(cloud.Resources())

	branch := rs["globex-main"]
	if input(branch, "enableAutoBuild").V != false || input(branch, "enableBasicAuth").V != true {
		t.Errorf("suspended branch: autoBuild=%v basicAuth=%v, want false and true", input(branch, "enableAutoBuild").V, input(branch, "enableBasicAuth").V)
	}
	if !branch.Inputs["basicAuthCredentials"].ContainsSecrets() {
		t.Error("suspended branch credentials are not secret")
	}
	if _, ok := rs["globex-suspended-password"]; !ok {
		t.Error("suspended tenant without credentials got no generated password")
	}
	if _, ok := rs["globex-db"]; !ok {
		t.Error("suspended tenant lost its database")
	}

	for _, gone := range []string{"acme-app", "acme-main", "acme-domain", "acme-compute"} {
		if _, ok := rs[gone]; ok {
			t.Errorf("offboarded tenant still has %s", gone)
		}
	}
	for _, kept := range []string{"acme-key", "acme-db", "acme-db-1", "acme-db-secret", "acme-backup-vault"} {
		r, ok := rs[kept]
		if !ok || !r.Protect || !r.RetainOnDelete {
			t.Errorf("offboarded tenant's %s: present=%v protect=%v retain=%v", kept, ok, r.Protect, r.RetainOnDelete)
		}
	}
	if got := tenants["acme"].(map[string]any)["status"]; got != "offboarded" {
		t.Errorf("exported status %v", got)
	}
}

func TestDevBasicAuthCredentials(t *testing.T) {
	cloud, _ := runStack(t, "dev")
	want := base64.StdEncoding.EncodeToString([]byte("preview:" + sentinelBasicAuth))
	branch := byName(cloud.Resources())["acme-main"]
	creds := branch.Inputs["basicAuthCredentials"]
	if !creds.IsSecret() || creds.SecretValue().Element.StringValue() != want {
		t.Errorf("basicAuthCredentials %v, want secret base64 of preview:<password>", creds)
	}
}
