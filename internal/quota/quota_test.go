package quota

import (
	"slices"
	"testing"

	"github.com/amplify-tenancy/tenancy/tenant"
)

const repo = "https://github.com/amplify-tenancy/storefront"

// fleet returns n tenants in region with the given database.
func fleet(n int, region string, db tenant.DatabaseArgs) []tenant.TenantStackArgs {
	out := make([]tenant.TenantStackArgs, n)
	for i := range out {
		out[i] = tenant.TenantStackArgs{Region: region, Repository: repo, Database: db}
	}
	return out
}

// inAccount moves tenants to another account.
func inAccount(ts []tenant.TenantStackArgs) []tenant.TenantStackArgs {
	for i := range ts {
		ts[i].Account = &tenant.AccountArgs{RoleArn: "arn:aws:iam::210987654321:role/tenancy"}
	}
	return ts
}

func TestCheck(t *testing.T) {
	dynamo := tenant.DatabaseArgs{}
	aurora := func(instances int) tenant.DatabaseArgs {
		d := tenant.DatabaseArgs{Engine: tenant.EngineAuroraPostgreSQL}
		if instances > 0 { // 0: the default
			d.Instances = &instances
		}
		return d
	}
	offboarded := fleet(1, "eu-central-1", dynamo)
	offboarded[0].Status = tenant.StatusOffboarded
	raised := Defaults()
	raised.AmplifyApps, raised.DynamoDBTables = 100, 30
	webhooks := Defaults()
	webhooks.RepositoryWebhooks = 20

	cases := []struct {
		name    string
		tenants []tenant.TenantStackArgs
		limits  Limits
		want    []string
	}{
		{"at every quota", slices.Concat(fleet(25, "eu-central-1", dynamo), fleet(20, "us-east-1", aurora(2))), Defaults(), nil},
		{"one app too many", fleet(26, "eu-central-1", dynamo), Defaults(),
			[]string{"region eu-central-1: 26 Amplify apps, above the default quota of 25"}},
		{"regions count apart", slices.Concat(fleet(20, "eu-central-1", dynamo), fleet(20, "eu-west-1", dynamo)), Defaults(), nil},
		{"offboarded tenants have no app but keep their table", slices.Concat(fleet(25, "eu-central-1", dynamo), offboarded), Defaults(), nil},
		{"aurora instances, readers included", fleet(14, "us-east-1", aurora(3)), Defaults(),
			[]string{"region us-east-1: 42 Aurora DB instances, above the default quota of 40"}},
		{"aurora default of one instance", fleet(41, "us-east-1", aurora(0)), Limits{AmplifyApps: 100, AuroraInstances: 40},
			[]string{"region us-east-1: 41 Aurora DB instances, above the default quota of 40"}},
		{"ap-south-1 has a lower default", fleet(21, "ap-south-1", aurora(1)), Defaults(),
			[]string{"region ap-south-1: 21 Aurora DB instances, above the default quota of 20"}},
		{"raised above ap-south-1's default", fleet(21, "ap-south-1", aurora(1)), Limits{AmplifyApps: 25, AuroraInstances: 30, DynamoDBTables: 2500}, nil},
		{"raised quotas", fleet(31, "ap-south-1", dynamo), raised,
			[]string{"region ap-south-1: 31 DynamoDB tables, above the configured quota of 30"}},
		{"several problems, sorted", slices.Concat(fleet(26, "us-west-2", dynamo), fleet(27, "ap-east-1", dynamo)), Defaults(),
			[]string{"region ap-east-1: 27 Amplify apps, above the default quota of 25", "region us-west-2: 26 Amplify apps, above the default quota of 25"}},
		// Pooled tenants share their region's cluster and table.
		{"pooled aurora tenants count the shared cluster once", fleet(100, "us-east-1", tenant.DatabaseArgs{Engine: tenant.EngineAuroraPostgreSQL, Isolation: tenant.IsolationSchema}),
			Limits{AmplifyApps: 100, AuroraInstances: 1, DynamoDBTables: 1}, nil},
		{"pooled dynamodb tenants count the shared table once", fleet(100, "us-east-1", tenant.DatabaseArgs{Isolation: tenant.IsolationSchema}),
			Limits{AmplifyApps: 100, AuroraInstances: 1, DynamoDBTables: 1}, nil},
		{"accounts count apart", slices.Concat(fleet(20, "eu-central-1", dynamo), inAccount(fleet(20, "eu-central-1", dynamo))), Defaults(), nil},
		{"an account's region over its quota", inAccount(fleet(26, "eu-central-1", dynamo)), Defaults(),
			[]string{"account 210987654321 region eu-central-1: 26 Amplify apps, above the default quota of 25"}},
		{"repository webhooks off by default", slices.Concat(fleet(20, "eu-central-1", dynamo), fleet(20, "eu-west-1", dynamo)), Defaults(), nil},
		{"repository webhooks when set", slices.Concat(fleet(20, "eu-central-1", dynamo), fleet(1, "eu-west-1", dynamo)), webhooks,
			[]string{"repository " + repo + ": 21 Amplify apps adding a webhook each, above the limit of 20 webhooks per event"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Check(c.tenants, 1, c.limits); !slices.Equal(got, c.want) {
				t.Errorf("got  %q\nwant %q", got, c.want)
			}
		})
	}
}
