package tenant_test

import (
	"github.com/amplify-tenancy/tenancy/tenant"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

// Two tenants of one region share one aws provider and one network for
// their Aurora clusters; each gets its own key, cluster and Amplify app in
// that region.
func ExampleNewTenantStack() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		// TrySecret, not RequireSecret: a missing value is an error, never a panic.
		token, err := config.TrySecret(ctx, "accessToken")
		if err != nil {
			return err
		}
		provider, err := tenant.NewRegionProvider(ctx, "eu-central-1")
		if err != nil {
			return err
		}
		network, err := tenant.NewRegionNetwork(ctx, "eu-central-1", provider)
		if err != nil {
			return err
		}
		for _, t := range []struct{ id, name string }{{"acme", "Acme"}, {"globex", "Globex"}} {
			ts, err := tenant.NewTenantStack(ctx, t.id, &tenant.TenantStackArgs{
				DisplayName: t.name,
				Region:      "eu-central-1",
				Environment: "prod",
				Repository:  "https://github.com/example/storefront",
				Branch:      "main",
				AccessToken: token,
				Database: tenant.DatabaseArgs{
					Engine:      tenant.EngineAuroraPostgreSQL,
					MinCapacity: new(0.5),
					MaxCapacity: new(8.0),
				},
				Protect:  true,
				Provider: provider,
				Network:  network,
			})
			if err != nil {
				return err
			}
			ctx.Export(t.id+"-url", ts.BranchURL)
		}
		return nil
	})
}
