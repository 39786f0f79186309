package tenant_test

import (
	"github.com/amplify-tenancy/tenancy/tenant"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

// Two tenants of one region share one aws provider, one network for their
// Aurora clusters and the region's provisioner, which gives each app a
// login role of its own; each gets its own key, cluster and Amplify app in
// that region. A third lives in a schema of the region's shared cluster.
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
		code, err := tenant.ProvisionerCode(ctx.Context())
		if err != nil {
			return err
		}
		shared, err := tenant.NewRegionShared(ctx, &tenant.SharedArgs{
			Region: "eu-central-1", Environment: "prod", Production: new(true), Provider: provider, Network: network, Protect: true,
			Cluster:     &tenant.SharedClusterArgs{MaxCapacity: new(16.0)},
			Provisioner: &tenant.ProvisionerArgs{Code: code},
		})
		if err != nil {
			return err
		}
		for _, t := range []struct {
			id, name  string
			isolation tenant.Isolation
		}{{"acme", "Acme", tenant.IsolationCluster}, {"globex", "Globex", tenant.IsolationCluster}, {"initech", "Initech", tenant.IsolationSchema}} {
			db := tenant.DatabaseArgs{Engine: tenant.EngineAuroraPostgreSQL, Isolation: t.isolation}
			if t.isolation == tenant.IsolationCluster {
				db.MinCapacity, db.MaxCapacity = new(0.5), new(8.0)
			}
			ts, err := tenant.NewTenantStack(ctx, t.id, &tenant.TenantStackArgs{
				DisplayName: t.name,
				Region:      "eu-central-1",
				Environment: "prod",
				Production:  new(true),
				Repository:  "https://github.com/example/storefront",
				Branch:      "main",
				AccessToken: token,
				Database:    db,
				Protect:     true,
				Provider:    provider,
				Network:     network,
				Shared:      shared,
			})
			if err != nil {
				return err
			}
			ctx.Export(t.id+"-url", ts.BranchURL)
		}
		return nil
	})
}
