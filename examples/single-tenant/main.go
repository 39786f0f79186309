// Command single-tenant deploys one tenant with the tenant package, the way
// another platform team would from its own Pulumi program.
package main

import (
	"github.com/amplify-tenancy/tenancy/tenant"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		cfg := config.New(ctx, "")
		token, err := config.TrySecret(ctx, "accessToken")
		if err != nil {
			return err
		}
		region := cfg.Get("region")
		if region == "" {
			region = "eu-west-1"
		}
		// With no Provider in the args, the component creates its own aws
		// provider for the region.
		t, err := tenant.NewTenantStack(ctx, "solo", &tenant.TenantStackArgs{
			DisplayName: "Solo Ltd",
			Region:      region,
			// Environment goes into app names: it never changes once deployed.
			// Production is left nil: a stack named prod is production.
			Environment: ctx.Stack(),
			Repository:  "https://github.com/example/storefront",
			Branch:      "main",
			AccessToken: token,
			Protect:     true,
		})
		if err != nil {
			return err
		}
		ctx.Export("url", t.BranchURL)
		ctx.Export("table", t.DatabaseName)
		return nil
	})
}
