package tenant

import (
	"testing"

	"github.com/amplify-tenancy/tenancy/internal/awsrules"
)

// TestProductionIsTheFieldNotTheName: the branch stage and the Aurora
// backup retention follow Production, whatever the environment is called.
func TestProductionIsTheFieldNotTheName(t *testing.T) {
	cases := []struct {
		environment string
		production  bool
		stage       string
		retention   float64
	}{
		{"prod", false, "DEVELOPMENT", 1},
		{"live", true, "PRODUCTION", 7},
		{"prod", true, "PRODUCTION", 7},
		{"dev", false, "DEVELOPMENT", 1},
	}
	for _, c := range cases {
		t.Run(c.environment, func(t *testing.T) {
			a := validArgs()
			a.Environment, a.Production = c.environment, c.production
			a.Database.Engine = EngineAuroraPostgreSQL
			cloud, err := runTenant(t, "acme", &a, "")
			if err != nil {
				t.Fatal(err)
			}
			branch, ok := cloud.Find("aws:amplify/branch:Branch", "acme-main")
			if !ok {
				t.Fatal("no branch")
			}
			if got := branch.Input("stage"); got != c.stage {
				t.Errorf("stage %q, want %q", got, c.stage)
			}
			cluster, ok := cloud.Find("aws:rds/cluster:Cluster", "acme-db")
			if !ok {
				t.Fatal("no cluster")
			}
			if got := awsrules.Plain(cluster.Inputs)["backupRetentionPeriod"]; got != c.retention {
				t.Errorf("backups kept %v days, want %v", got, c.retention)
			}
		})
	}
}
