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
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Program is what `pulumi up` runs: deploy the fleet, export "tenants".
// A shard (a stack whose config sets tenancy:fleet) reads its fleet file
// and lock from ctx.RootDirectory(), the directory of Pulumi.yaml, which
// the Pulumi CLI sets, or else from the working directory. Run by the CLI,
// the single stack <env> of a fleet that has a lock refuses to deploy.
func Program(ctx *pulumi.Context) error { return ProgramIn("")(ctx) }

// ProgramIn is Program reading a shard's fleet file and lock from dir; ""
// is ctx.RootDirectory(), or the working directory. An Automation API
// inline program has no root directory: pass the workspace's WorkDir, so
// the runner deploys what `pulumi up --stack <shard>` deploys.
func ProgramIn(dir string) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		tenants, err := FleetIn(ctx, dir)
		if err != nil {
			return err
		}
		ctx.Export(guard.OutputName, tenants)
		return nil
	}
}

// Fleet is FleetIn(ctx, "").
func Fleet(ctx *pulumi.Context) (pulumi.Map, error) { return FleetIn(ctx, "") }

// FleetIn reads the stack config (a shard's: the fleet file and lock in
// dir, see ProgramIn), checks the whole fleet before registering
// anything, creates one aws provider per region and one TenantStack per
// tenant, and returns the "tenants" output.
func FleetIn(ctx *pulumi.Context, dir string) (pulumi.Map, error) {
	// Where the project is known (given, or set by the Pulumi CLI), a fleet
	// with a lock refuses to run as a single stack. Offline runs (plan,
	// the mocks of the tests) know no project directory and plan the whole
	// fleet.
	known := dir != "" || ctx.RootDirectory() != ""
	if dir == "" {
		if dir = ctx.RootDirectory(); dir == "" {
			dir = "."
		}
	}
	var fleet *stackconfig.Fleet
	var err error
	var own ownership
	check := guard.Check
	if env, ok := ctx.GetConfig(stackconfig.Project + ":" + stackconfig.KeyFleet); ok && env != "" {
		var s *shardRun
		if s, err = readShard(ctx, dir); err != nil {
			return nil, err
		}
		fleet, check, own = s.fleet, s.guard, s.ownership()
	} else {
		if fleet, err = stackconfig.Parse(stackconfig.FromContext(ctx)); err != nil {
			return nil, err
		}
		own = ownsAll(fleet)
		if known {
			if err := refuseSharded(dir, ctx.Stack()); err != nil {
				return nil, err
			}
		}
	}
	previous, err := guard.ReadPrevious(ctx)
	if err != nil {
		return nil, err
	}
	if err := check(fleet, previous); err != nil {
		return nil, err
	}
	for _, w := range fleet.Warnings {
		_ = ctx.Log.Warn(w, nil)
	}
	places, err := newPlaces(ctx, fleet, own)
	if err != nil {
		return nil, err
	}
	outputs := pulumi.Map{}
	for _, t := range fleet.Tenants {
		args := t.Args
		p := places[placeOf(&args)]
		args.Provider, args.Network, args.Shared = p.provider, p.network, p.shared
		ts, err := tenant.NewTenantStack(ctx, t.ID, &args, renamedFrom(t.FormerIDs))
		if err != nil {
			return nil, err
		}
		outputs[t.ID] = tenantOutput(ts, &args)
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

// tenantOutput is one entry of the "tenants" stack output. region,
// account, database.engine, database.isolation, database.engineVersion and
// backup are read back on the next run to refuse moves, unconfirmed
// upgrades and backup removals.
func tenantOutput(ts *tenant.TenantStack, args *tenant.TenantStackArgs) pulumi.Map {
	db := pulumi.Map{
		"engine":    pulumi.String(string(ts.DatabaseEngine)),
		"isolation": pulumi.String(string(ts.Isolation)),
		"name":      ts.DatabaseName,
		"arn":       ts.DatabaseArn,
	}
	if v := args.Database.EngineVersion; v != "" {
		db["engineVersion"] = pulumi.String(v)
	}
	// What attributes a pooled tenant's share of the region's shared
	// database to it (README, "Cost per tenant at each level").
	for k, v := range map[string]string{"role": ts.DatabaseRole, "schema": ts.DatabaseSchema, "keyPrefix": ts.KeyPrefix} {
		if v != "" {
			db[k] = pulumi.String(v)
		}
	}
	out := pulumi.Map{
		"region":        pulumi.String(ts.Region),
		"status":        pulumi.String(string(ts.Status)),
		"backup":        pulumi.Bool(ts.Backup),
		"appId":         ts.AppID,
		"defaultDomain": ts.DefaultDomain,
		"branchUrl":     ts.BranchURL,
		"database":      db,
	}
	if ts.AccountID != "" {
		out["account"] = pulumi.String(ts.AccountID)
	}
	// The DNS records to create after `up` (docs/operations.md, "After `up`"); only
	// for a tenant with a domain, so no other tenant's output changes.
	if ts.Domain != "" {
		out["domain"] = pulumi.Map{"name": pulumi.String(ts.Domain), "records": ts.DomainRecords}
	}
	return out
}
