package stackconfig

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/amplify-tenancy/tenancy/internal/quota"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// mapSource is a Source over plain values, with the access token set.
func mapSource(values map[string]string) Source {
	return Source{
		Stack: "prod",
		Get: func(key string) (string, bool) {
			v, ok := values[key]
			return v, ok && v != ""
		},
		Secret: func(key string) pulumi.StringInput {
			if key == KeyAccessToken {
				return pulumi.ToSecret(pulumi.String("token")).(pulumi.StringOutput)
			}
			return nil
		},
	}
}

// tenantsIn returns a tenants list with n tenants per region, IDs r<i>-<j>.
func tenantsIn(t *testing.T, n int, regions ...string) string {
	t.Helper()
	var out []map[string]any
	for i, r := range regions {
		for j := range n {
			out = append(out, map[string]any{"id": fmt.Sprintf("r%d-%03d", i, j), "name": "T", "region": r})
		}
	}
	raw, err := json.Marshal(out)
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

func fleetConfig(tenants string, extra ...string) map[string]string {
	values := map[string]string{KeyRepository: "https://github.com/amplify-tenancy/storefront", KeyTenants: tenants}
	for i := 0; i+1 < len(extra); i += 2 {
		values[extra[i]] = extra[i+1]
	}
	return values
}

func TestRegionsSelectWhichTenantsThisStackDeploys(t *testing.T) {
	tenants := tenantsIn(t, 2, "eu-central-1", "us-east-1", "eu-west-1")
	cases := []struct {
		name, regions string
		deployed      []string
		skipped       []string
	}{
		{"unset means every region", "", []string{"r0-000", "r0-001", "r1-000", "r1-001", "r2-000", "r2-001"}, nil},
		{"empty list means every region", "[]", []string{"r0-000", "r0-001", "r1-000", "r1-001", "r2-000", "r2-001"}, nil},
		{"two regions", `["eu-west-1","eu-central-1"]`, []string{"r0-000", "r0-001", "r2-000", "r2-001"}, []string{"r1-000", "r1-001"}},
		{"a region without tenants yet", `["ap-south-1"]`, nil, []string{"r0-000", "r0-001", "r1-000", "r1-001", "r2-000", "r2-001"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fleet, err := Parse(mapSource(fleetConfig(tenants, KeyRegions, c.regions)))
			if err != nil {
				t.Fatal(err)
			}
			var deployed []string
			for _, tn := range fleet.Tenants {
				deployed = append(deployed, tn.ID)
			}
			if !slices.Equal(deployed, c.deployed) || !slices.Equal(fleet.Skipped, c.skipped) {
				t.Errorf("deployed %v skipped %v, want %v and %v", deployed, fleet.Skipped, c.deployed, c.skipped)
			}
		})
	}
}

func TestBadScaleSettingsNameTheField(t *testing.T) {
	tenants := tenantsIn(t, 1, "eu-central-1")
	cases := []struct {
		name, key, value, want string
	}{
		{"region without Amplify", KeyRegions, `["eu-central-1","moon-1"]`, `regions[1]: "moon-1" does not offer Amplify Hosting`},
		{"region twice", KeyRegions, `["eu-central-1","eu-central-1"]`, `regions[1]: "eu-central-1" is listed twice`},
		{"regions not a list", KeyRegions, `eu-central-1`, `regions: must be a list of region names`},
		{"misspelt quota", KeyQuotas, `{"amplifyApp": 100}`, `quotas.amplifyApp: unknown key; did you mean "amplifyApps"?`},
		{"fractional quota", KeyQuotas, `{"amplifyApps": 25.5}`, `quotas.amplifyApps: want a whole number, got 25.5`},
		{"zero quota", KeyQuotas, `{"dynamodbTables": 0}`, `quotas.dynamodbTables: 0 must be at least 1`},
		{"negative webhooks", KeyQuotas, `{"repositoryWebhooks": -1}`, `quotas.repositoryWebhooks: -1 must be 0 (no check) or more`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse(mapSource(fleetConfig(tenants, c.key, c.value)))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want it to contain %q", err, c.want)
			}
		})
	}
}

func TestQuotasWarnAboutDeployedTenantsOnly(t *testing.T) {
	over := "region eu-central-1: 26 Amplify apps, above the default quota of 25"
	tenants := tenantsIn(t, 26, "eu-central-1", "eu-west-1")
	cases := []struct {
		name   string
		extra  []string
		want   []string
		limits quota.Limits
	}{
		{"default quotas", nil, []string{over, strings.Replace(over, "eu-central-1", "eu-west-1", 1)}, quota.Defaults()},
		{"raised quota", []string{KeyQuotas, `{"amplifyApps": 30}`}, nil, quota.Limits{AmplifyApps: 30, AuroraInstances: 40, DynamoDBTables: 2500}},
		{"empty object keeps defaults", []string{KeyQuotas, `{}`}, []string{over, strings.Replace(over, "eu-central-1", "eu-west-1", 1)}, quota.Defaults()},
		{"other regions belong to another stack", []string{KeyRegions, `["eu-central-1"]`}, []string{over}, quota.Defaults()},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fleet, err := Parse(mapSource(fleetConfig(tenants, c.extra...)))
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(fleet.Warnings, c.want) || fleet.Quotas != c.limits {
				t.Errorf("warnings %q quotas %+v\nwant %q and %+v", fleet.Warnings, fleet.Quotas, c.want, c.limits)
			}
		})
	}
}
