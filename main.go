// Command tenancy is the Pulumi program that deploys every tenant of a stack,
// each into its own AWS region, with one shared aws provider per region.
package main

import (
	"github.com/amplify-tenancy/tenancy/internal/stackconfig"
	"github.com/amplify-tenancy/tenancy/tenant"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func main() {
	pulumi.Run(program)
}

// program is what `pulumi up` runs: deploy the fleet, export "tenants".
func program(ctx *pulumi.Context) error {
	tenants, err := deployFleet(ctx)
	if err != nil {
		return err
	}
	ctx.Export("tenants", tenants)
	return nil
}

// deployFleet reads the stack config, checks the whole fleet, and against
// what is deployed, before registering anything, creates one aws provider
// per region and one TenantStack per tenant, and returns the "tenants"
// output.
func deployFleet(ctx *pulumi.Context) (pulumi.Map, error) {
	fleet, err := stackconfig.Parse(stackconfig.FromContext(ctx))
	if err != nil {
		return nil, err
	}
	deployed, err := deployedTenants(ctx)
	if err != nil {
		return nil, err
	}
	if err := fleet.CheckDeployed(deployed); err != nil {
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
	outputs := pulumi.Map{}
	for _, t := range fleet.Tenants {
		args := t.Args
		args.Provider = providers[args.Region]
		ts, err := tenant.NewTenantStack(ctx, t.ID, &args, renamedFrom(t.FormerIDs))
		if err != nil {
			return nil, err
		}
		outputs[t.ID] = tenantOutput(ts)
	}
	return outputs, nil
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

// tenantOutput is one entry of the "tenants" stack output. region and
// database.engine are read back on the next run to refuse moves.
func tenantOutput(ts *tenant.TenantStack) pulumi.Map {
	return pulumi.Map{
		"region":        pulumi.String(ts.Region),
		"status":        pulumi.String(string(ts.Status)),
		"appId":         ts.AppID,
		"defaultDomain": ts.DefaultDomain,
		"branchUrl":     ts.BranchURL,
		"database": pulumi.Map{
			"engine": pulumi.String(string(ts.DatabaseEngine)),
			"name":   ts.DatabaseName,
			"arn":    ts.DatabaseArn,
		},
	}
}
