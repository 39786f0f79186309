package tenanttest_test

import (
	"fmt"

	"github.com/amplify-tenancy/tenancy/tenant"
	"github.com/amplify-tenancy/tenancy/tenant/tenanttest"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// A team's own program, run under the mocks: the test asserts that the
// tenant's table is in its region and protected.
func ExampleRun() {
	program := func(ctx *pulumi.Context) error {
		provider, err := tenant.NewRegionProvider(ctx, "eu-west-1")
		if err != nil {
			return err
		}
		_, err = tenant.NewTenantStack(ctx, "acme", &tenant.TenantStackArgs{
			DisplayName: "Acme",
			Region:      "eu-west-1",
			Environment: "prod",
			Production:  new(true),
			Repository:  "https://github.com/example/storefront",
			Branch:      "main",
			AccessToken: pulumi.ToSecret(pulumi.String("token")).(pulumi.StringOutput),
			Protect:     true,
			Provider:    provider,
		})
		return err
	}
	cloud, err := tenanttest.Run(program, tenanttest.Options{})
	if err != nil {
		fmt.Println(tenant.Unjoin(err))
		return
	}
	table, ok := cloud.Find("aws:dynamodb/table:Table", "acme-db")
	if !ok {
		fmt.Println("no table")
		return
	}
	fmt.Println(cloud.Region(table.Provider), table.Protect)
	// Output: eu-west-1 true
}
