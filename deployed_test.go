package main

import (
	"strings"
	"testing"

	"github.com/amplify-tenancy/tenancy/internal/stackconfig"
	"github.com/amplify-tenancy/tenancy/tenant"
)

// deployedAsConfigured is what an update of the stack file would have
// deployed: every tenant, active, where its config says.
func deployedAsConfigured(t *testing.T, stack string) (*stackconfig.Fleet, map[string]stackconfig.Deployed) {
	t.Helper()
	f, err := stackconfig.ReadFile("Pulumi." + stack + ".yaml")
	if err != nil {
		t.Fatal(err)
	}
	fleet, err := stackconfig.Parse(f.Source())
	if err != nil {
		t.Fatal(err)
	}
	deployed := map[string]stackconfig.Deployed{}
	for _, tn := range fleet.Tenants {
		d := stackconfig.Deployed{Region: tn.Args.Region, Status: string(tenant.StatusActive)}
		d.Database.Engine = string(tenant.EngineDynamoDB)
		if tn.Args.Database.Engine != "" {
			d.Database.Engine = string(tn.Args.Database.Engine)
		}
		deployed[tn.ID] = d
	}
	return fleet, deployed
}

func TestEditsThatWouldDestroyDeployedDataAreRefused(t *testing.T) {
	cases := []struct {
		name, stack string
		edit        func(*stackconfig.Fleet, map[string]stackconfig.Deployed)
		want        string // empty: allowed
	}{
		{"unchanged", "prod", func(*stackconfig.Fleet, map[string]stackconfig.Deployed) {}, ""},
		{"first deployment", "prod", func(_ *stackconfig.Fleet, d map[string]stackconfig.Deployed) { clear(d) }, ""},
		{"region moved", "prod", func(f *stackconfig.Fleet, _ map[string]stackconfig.Deployed) {
			f.Tenants[1].Args.Region = "eu-west-1"
		}, `tenant "globex": region: is "eu-west-1" but the tenant is deployed in "eu-central-1"`},
		{"region moved in dev", "dev", func(f *stackconfig.Fleet, _ map[string]stackconfig.Deployed) {
			f.Tenants[1].Args.Region = "eu-west-1"
		}, `tenant "globex": region: is "eu-west-1"`},
		{"engine changed", "prod", func(f *stackconfig.Fleet, _ map[string]stackconfig.Deployed) {
			f.Tenants[1].Args.Database.Engine = tenant.EngineAuroraPostgreSQL
		}, `tenant "globex": database.engine: is "aurora-postgresql" but the tenant is deployed with "dynamodb"`},
		{"removed with protect", "prod", func(f *stackconfig.Fleet, _ map[string]stackconfig.Deployed) {
			f.Tenants = f.Tenants[:len(f.Tenants)-1]
		}, `tenant "hooli": is deployed but no longer in config`},
		{"removed after offboarding", "prod", func(f *stackconfig.Fleet, d map[string]stackconfig.Deployed) {
			f.Tenants = f.Tenants[:len(f.Tenants)-1]
			h := d["hooli"]
			h.Status = string(tenant.StatusOffboarded)
			d["hooli"] = h
		}, ""},
		{"removed without protect", "dev", func(f *stackconfig.Fleet, _ map[string]stackconfig.Deployed) {
			f.Tenants = f.Tenants[:len(f.Tenants)-1]
		}, ""},
		{"renamed through formerIds", "prod", func(f *stackconfig.Fleet, _ map[string]stackconfig.Deployed) {
			f.Tenants[1].ID, f.Tenants[1].FormerIDs = "globex-ag", []string{"globex"}
		}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fleet, deployed := deployedAsConfigured(t, tc.stack)
			tc.edit(fleet, deployed)
			err := fleet.CheckDeployed(deployed)
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("refused: %v", err)
			case tc.want != "" && err == nil:
				t.Errorf("allowed, want %q", tc.want)
			case tc.want != "" && !strings.Contains(err.Error(), tc.want):
				t.Errorf("error %q, want it to contain %q", err, tc.want)
			}
		})
	}
}
