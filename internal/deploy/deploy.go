// Package deploy is the Pulumi program tenancy runs: it reads the stack
// config, checks the whole fleet before registering anything, and deploys
// every tenant into its region with one shared aws provider (and one Aurora
// network) per region. main.go runs it under the Pulumi engine; the offline
// plan and the tests run it under the SDK's mocks.
package deploy

import (
	"github.com/amplify-tenancy/tenancy/internal/guard"
	"github.com/amplify-tenancy/tenancy/internal/stackconfig"
	"github.com/amplify-tenancy/tenancy/tenant"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Program is what `pulumi up` runs: deploy the fleet, export "tenants".
func Program(ctx *pulumi.Context) error {
	tenants, err := Fleet(ctx)
	if err != nil {
		return err
	}
	ctx.Export(guard.OutputName, tenants)
	return nil
}

// Fleet reads the stack config, checks the whole fleet before
// registering anything, creates one aws provider per region and one
// TenantStack per tenant, and returns the "tenants" output.
func Fleet(ctx *pulumi.Context) (pulumi.Map, error) {
	fleet, err := stackconfig.Parse(stackconfig.FromContext(ctx))
	if err != nil {
		return nil, err
	}
	previous, err := guard.ReadPrevious(ctx)
	if err != nil {
		return nil, err
	}
	if err := guard.Check(fleet, previous); err != nil {
		return nil, err
	}
	for _, w := range fleet.Warnings {
		_ = ctx.Log.Warn(w, nil)
	}
	providers := map[string]*aws.Provider{}
	for _, region := range fleet.Regions() {
		p, err := tenant.NewRegionProvider(ctx, region)
		if err != nil {
			return nil, err
		}
		providers[region] = p
	}
	networks, err := regionNetworks(ctx, fleet, providers)
	if err != nil {
		return nil, err
	}
	outputs := pulumi.Map{}
	for _, t := range fleet.Tenants {
		args := t.Args
		args.Provider = providers[args.Region]
		args.Network = networks[args.Region]
		ts, err := tenant.NewTenantStack(ctx, t.ID, &args, renamedFrom(t.FormerIDs))
		if err != nil {
			return nil, err
		}
		outputs[t.ID] = tenantOutput(ts, &args)
	}
	return outputs, nil
}

// regionNetworks gives each region that has an Aurora tenant one network,
// shared by that region's clusters the way the provider is: the one
// tenancy:network names, or a private network of its own.
func regionNetworks(ctx *pulumi.Context, fleet *stackconfig.Fleet, providers map[string]*aws.Provider) (map[string]*tenant.Network, error) {
	networks := map[string]*tenant.Network{}
	for _, t := range fleet.Tenants {
		region := t.Args.Region
		if t.Args.Database.Engine != tenant.EngineAuroraPostgreSQL || networks[region] != nil {
			continue
		}
		if existing, ok := fleet.Networks[region]; ok {
			networks[region] = &tenant.Network{
				SubnetGroupName:  pulumi.String(existing.SubnetGroup),
				SecurityGroupIDs: pulumi.ToStringArray(existing.SecurityGroupIDs),
			}
			continue
		}
		n, err := tenant.NewRegionNetwork(ctx, region, providers[region])
		if err != nil {
			return nil, err
		}
		networks[region] = n
	}
	return networks, nil
}

// renamedFrom aliases a tenant to the IDs it had before, so a rename moves
// its resources instead of replacing them; children follow by name prefix.
func renamedFrom(formerIDs []string) pulumi.ResourceOption {
	aliases := make([]pulumi.Alias, 0, len(formerIDs))
	for _, id := range formerIDs {
		aliases = append(aliases, pulumi.Alias{Name: pulumi.String(id)})
	}
	return pulumi.Aliases(aliases)
}

// tenantOutput is one entry of the "tenants" stack output. region,
// database.engine, database.engineVersion and backup are read back on the
// next run to refuse moves, unconfirmed upgrades and backup removals.
func tenantOutput(ts *tenant.TenantStack, args *tenant.TenantStackArgs) pulumi.Map {
	db := pulumi.Map{
		"engine": pulumi.String(string(ts.DatabaseEngine)),
		"name":   ts.DatabaseName,
		"arn":    ts.DatabaseArn,
	}
	if v := args.Database.EngineVersion; v != "" {
		db["engineVersion"] = pulumi.String(v)
	}
	return pulumi.Map{
		"region":        pulumi.String(ts.Region),
		"status":        pulumi.String(string(ts.Status)),
		"backup":        pulumi.Bool(ts.Backup),
		"appId":         ts.AppID,
		"defaultDomain": ts.DefaultDomain,
		"branchUrl":     ts.BranchURL,
		"database":      db,
	}
}
