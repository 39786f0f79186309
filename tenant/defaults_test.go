package tenant

import (
	"strings"
	"testing"

	"github.com/amplify-tenancy/tenancy/internal/awsrules"
)

// TestWrittenValuesAreNeverReplacedByDefaults: a default fills only what is
// absent; a value written, 0 included, is deployed as written or refused.
func TestWrittenValuesAreNeverReplacedByDefaults(t *testing.T) {
	cases := []struct {
		name                 string
		db                   DatabaseArgs
		min, max             float64 // the capacity deployed
		instances, retention int
		wantErr              string // field refused instead
	}{
		{"nothing written", DatabaseArgs{}, 0.5, 4, 1, 1, ""},
		{"min 0 alone", DatabaseArgs{MinCapacity: new(0.0)}, 0, 4, 1, 1, ""},
		{"max 2 alone", DatabaseArgs{MaxCapacity: new(2.0)}, 0.5, 2, 1, 1, ""},
		{"min 2 alone", DatabaseArgs{MinCapacity: new(2.0)}, 2, 4, 1, 1, ""},
		{"0 and 0", DatabaseArgs{MinCapacity: new(0.0), MaxCapacity: new(0.0)}, 0, 0, 0, 0, "database.maxCapacity"},
		{"instances 0", DatabaseArgs{Instances: new(0)}, 0, 0, 0, 0, "database.instances"},
		{"retention 0", DatabaseArgs{BackupRetentionDays: new(0)}, 0, 0, 0, 0, "database.backupRetentionDays"},
		{"three instances", DatabaseArgs{Instances: new(3), BackupRetentionDays: new(14)}, 0.5, 4, 3, 14, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := validArgs()
			a.Database = c.db
			a.Database.Engine = EngineAuroraPostgreSQL
			cloud, err := runTenant(t, "acme", &a, "")
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), `tenant "acme": `+c.wantErr+":") {
					t.Fatalf("want %s refused, got %v", c.wantErr, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			instances := 0
			for _, r := range cloud.Resources() {
				switch r.Type {
				case "aws:rds/clusterInstance:ClusterInstance":
					instances++
				case "aws:rds/cluster:Cluster":
					in := awsrules.Plain(r.Inputs)
					scaling := in["serverlessv2ScalingConfiguration"].(map[string]any)
					if scaling["minCapacity"] != c.min || scaling["maxCapacity"] != c.max || in["backupRetentionPeriod"] != float64(c.retention) {
						t.Errorf("deployed %v-%v ACUs, %v days; want %v-%v, %v", scaling["minCapacity"], scaling["maxCapacity"],
							in["backupRetentionPeriod"], c.min, c.max, c.retention)
					}
				}
			}
			if instances != c.instances {
				t.Errorf("%d instances, want %d", instances, c.instances)
			}
		})
	}
}
