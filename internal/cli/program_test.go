package cli

import (
	"github.com/amplify-tenancy/tenancy/internal/guard"
	"github.com/amplify-tenancy/tenancy/internal/stackconfig"
	"github.com/amplify-tenancy/tenancy/tenant"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// program stands in for main.program, which this package cannot import: it
// deploys a fleet the same way (parse, guard, one provider and one network
// per region, one TenantStack per tenant), so plan runs what it would.
func program(ctx *pulumi.Context) error {
	fleet, err := stackconfig.Parse(stackconfig.FromContext(ctx))
	if err != nil {
		return err
	}
	previous, err := guard.ReadPrevious(ctx)
	if err != nil {
		return err
	}
	if err := guard.Check(fleet, previous); err != nil {
		return err
	}
	providers := map[string]*aws.Provider{}
	for _, region := range fleet.Regions() {
		p, err := tenant.NewRegionProvider(ctx, region)
		if err != nil {
			return err
		}
		providers[region] = p
	}
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
			return err
		}
		networks[region] = n
	}
	outputs := pulumi.Map{}
	for _, t := range fleet.Tenants {
		args := t.Args
		args.Provider = providers[args.Region]
		args.Network = networks[args.Region]
		aliases := make([]pulumi.Alias, 0, len(t.FormerIDs))
		for _, id := range t.FormerIDs {
			aliases = append(aliases, pulumi.Alias{Name: pulumi.String(id)})
		}
		ts, err := tenant.NewTenantStack(ctx, t.ID, &args, pulumi.Aliases(aliases))
		if err != nil {
			return err
		}
		outputs[t.ID] = pulumi.Map{"region": pulumi.String(ts.Region)}
	}
	ctx.Export(guard.OutputName, outputs)
	return nil
}
