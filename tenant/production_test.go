package tenant

import (
	"fmt"
	"testing"

	"github.com/amplify-tenancy/tenancy/internal/awsrules"
)

// TestProductionIsTheFieldNotTheName: the branch stage and the Aurora
// backup retention follow Production, whatever the environment is called;
// left nil, they follow the name "prod", as before the field existed, so a
// program written then keeps its 7-day backups.
func TestProductionIsTheFieldNotTheName(t *testing.T) {
	cases := []struct {
		environment string
		production  *bool
		stage       string
		retention   float64
	}{
		{"prod", new(false), "DEVELOPMENT", 1},
		{"live", new(true), "PRODUCTION", 7},
		{"prod", new(true), "PRODUCTION", 7},
		{"dev", new(false), "DEVELOPMENT", 1},
		{"prod", nil, "PRODUCTION", 7},
		{"live", nil, "DEVELOPMENT", 1},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s/%v", c.environment, fmtBool(c.production)), func(t *testing.T) {
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

// fmtBool shows an optional bool: nil, true or false.
func fmtBool(b *bool) string {
	if b == nil {
		return "nil"
	}
	return fmt.Sprint(*b)
}
