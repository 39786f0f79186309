package main

import (
	"strings"
	"testing"

	"github.com/amplify-tenancy/tenancy/tenant"
	"github.com/amplify-tenancy/tenancy/tenant/tenanttest"
)

// run runs the program under the mocks of tenant/tenanttest.
func run(t *testing.T, config map[string]string) (*tenanttest.Cloud, error) {
	t.Helper()
	return tenanttest.Run(program, tenanttest.Options{Project: "two-regions", Stack: "dev",
		Config: config, SecretKeys: []string{"two-regions:accessToken"}})
}

// TestEachTenantIsInItsRegion: two providers, one per region, and every
// resource of a tenant goes through its region's.
func TestEachTenantIsInItsRegion(t *testing.T) {
	cloud, err := run(t, map[string]string{"two-regions:accessToken": "token"})
	if err != nil {
		t.Fatal(tenant.Unjoin(err))
	}
	providers := cloud.ByType("pulumi:providers:aws")
	if len(providers) != 2 {
		t.Fatalf("%d aws providers, want one per region (2)", len(providers))
	}
	cases := []struct{ id, region string }{
		{"acme", "eu-central-1"},
		{"globex", "eu-central-1"},
		{"initech", "us-east-1"},
	}
	for _, c := range cases {
		component, ok := cloud.Find(tenant.TypeToken, c.id)
		if !ok {
			t.Errorf("no tenant %s", c.id)
			continue
		}
		children := cloud.Children(component.URN)
		if len(children) == 0 {
			t.Errorf("%s has no resources", c.id)
		}
		for _, r := range children {
			if !r.Custom {
				continue
			}
			if got := cloud.Region(r.Provider); got != c.region {
				t.Errorf("%s %s: region %q, want %q", c.id, r.Name, got, c.region)
			}
		}
		table, _ := cloud.Find("aws:dynamodb/table:Table", c.id+"-db")
		if !table.Protect {
			t.Errorf("%s: table not protected", c.id)
		}
	}
}

// TestProductionIsTheProgramsChoice: the production key, not the stack
// name, makes the branches PRODUCTION; a value that is not a bool is an
// error, never a quiet false.
func TestProductionIsTheProgramsChoice(t *testing.T) {
	cases := []struct {
		production, stage, err string
	}{
		{production: "", stage: "DEVELOPMENT"},
		{production: "true", stage: "PRODUCTION"},
		{production: "false", stage: "DEVELOPMENT"},
		{production: "yes", err: "production: "},
	}
	for _, c := range cases {
		config := map[string]string{"two-regions:accessToken": "token"}
		if c.production != "" {
			config["two-regions:production"] = c.production
		}
		cloud, err := run(t, config)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("production %q: err %v, want %q", c.production, err, c.err)
			}
			continue
		}
		if err != nil {
			t.Fatal(tenant.Unjoin(err))
		}
		for _, b := range cloud.ByType("aws:amplify/branch:Branch") {
			if got := b.Input("stage"); got != c.stage {
				t.Errorf("production %q: %s stage %q, want %q", c.production, b.Name, got, c.stage)
			}
		}
	}
}

// TestMissingTokenRegistersNothing: a missing secret stops the program
// before any provider or tenant is registered.
func TestMissingTokenRegistersNothing(t *testing.T) {
	cloud, err := run(t, nil)
	if err == nil {
		t.Fatal("ran without an access token")
	}
	for _, r := range cloud.Resources() {
		if r.Type != "pulumi:pulumi:Stack" {
			t.Errorf("registered %s %s", r.Type, r.Name)
		}
	}
}
