package main

import (
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/amplify-tenancy/tenancy/internal/mockcloud"
	"github.com/amplify-tenancy/tenancy/internal/stackconfig"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// urns returns the sorted URNs a run registered.
func urns(t *testing.T, stack string, edit func([]map[string]any) []map[string]any) []string {
	t.Helper()
	config, secrets := stackConfig(t, stack)
	if edit != nil {
		editTenants(t, config, edit)
	}
	cloud, _, err := run(t, stack, config, secrets, nil)
	if err != nil {
		t.Fatal(err)
	}
	return cloud.URNs()
}

// TestGoldenURNs pins every URN of the example stacks: a changed URN makes
// Pulumi delete and recreate the resource, a tenant's database among them.
// Run `go test -run GoldenURNs -update .` only for a change that means to
// add or remove resources, and review the diff.
func TestGoldenURNs(t *testing.T) {
	for _, stack := range stackFiles {
		t.Run(stack, func(t *testing.T) {
			path := filepath.Join("testdata", "urns-"+stack+".txt")
			got := urns(t, stack, nil)
			if *update {
				if err := os.WriteFile(path, []byte(strings.Join(got, "\n")+"\n"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			want := strings.Split(strings.TrimSpace(string(data)), "\n")
			if !slices.Equal(got, want) {
				for _, u := range want {
					if !slices.Contains(got, u) {
						t.Errorf("URN gone: %s", u)
					}
				}
				for _, u := range got {
					if !slices.Contains(want, u) {
						t.Errorf("URN new: %s", u)
					}
				}
			}

			reordered := urns(t, stack, func(ts []map[string]any) []map[string]any {
				slices.Reverse(ts)
				for _, tn := range ts {
					tn["name"] = strings.ToUpper(tn["name"].(string)) + " (renamed)"
				}
				return ts
			})
			if !slices.Equal(reordered, want) {
				t.Error("reordering tenants or changing display names changed URNs")
			}
		})
	}
}

// TestDeterministic: the same config registers the same inputs, so a
// preview of an unchanged stack shows no diff.
func TestDeterministic(t *testing.T) {
	for _, stack := range stackFiles {
		t.Run(stack, func(t *testing.T) {
			snapshot := func() map[string]string {
				cloud, _ := runStack(t, stack)
				out := map[string]string{}
				for _, r := range cloud.Resources() {
					b, err := json.Marshal(r.Inputs.Mappable())
					if err != nil {
						t.Fatal(err)
					}
					out[r.URN] = string(b)
				}
				return out
			}
			first, second := snapshot(), snapshot()
			if len(first) == 0 || len(first) != len(second) {
				t.Fatalf("%d then %d resources", len(first), len(second))
			}
			for urn, in := range first {
				if second[urn] != in {
					t.Errorf("%s: inputs differ between runs:\n%s\n%s", urn, in, second[urn])
				}
			}
		})
	}
}

// TestErrorsAndWarningsHoldNoSecret: what the program prints, errors and
// the warnings it logs, never carries a secret: neither the secret keys'
// values (set to sentinels) nor values that look like secrets, nor their
// base64 forms.
func TestErrorsAndWarningsHoldNoSecret(t *testing.T) {
	config, secrets := stackConfig(t, "dev")
	config["tenancy:quotas"] = `{"amplifyApps": 1}` // a warning
	editTenants(t, config, func(ts []map[string]any) []map[string]any {
		// Errors in acme; globex and umbrella share eu-central-1, over the quota.
		acme := tenantNamed(ts, "acme")
		acme["region"] = "moon-1"
		acme["environment"] = map[string]any{"API_TOKEN": sentinelPassword, "DATABASE_URL": "postgres://app:" + sentinelPassword + "@db/app"}
		return ts
	})
	var (
		warnings []string
		parseErr error
	)
	_, err := mockcloud.Run(func(ctx *pulumi.Context) error {
		fleet, err := stackconfig.Parse(stackconfig.FromContext(ctx))
		warnings, parseErr = fleet.Warnings, err
		return err
	}, mockcloud.Options{Project: "tenancy", Stack: "dev", Config: config, SecretKeys: secrets})
	if err == nil || parseErr == nil {
		t.Fatal("want an error")
	}
	if len(warnings) == 0 {
		t.Fatal("want a warning: the quota is exceeded")
	}
	printed := append([]string{err.Error()}, warnings...)
	for _, secret := range []string{sentinelToken, sentinelBasicAuth, sentinelPassword} {
		for _, form := range []string{secret, base64.StdEncoding.EncodeToString([]byte(secret))} {
			if containsAny(printed, form) {
				t.Errorf("printed output holds %q:\n%s", form, strings.Join(printed, "\n"))
			}
		}
	}
}
