package deploy

import (
	"cmp"
	"maps"
	"slices"

	"github.com/amplify-tenancy/tenancy/internal/stackconfig"
	"github.com/amplify-tenancy/tenancy/tenant"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// placeKey is one (account, region): the role ARN ("" for the deployer's
// own account) and the region.
type placeKey struct{ roleArn, region string }

func placeOf(a *tenant.TenantStackArgs) placeKey {
	if a.Account == nil {
		return placeKey{region: a.Region}
	}
	return placeKey{roleArn: a.Account.RoleArn, region: a.Region}
}

// place is what every tenant of one (account, region) shares: one aws
// provider, and where they need them, one Aurora network and one set of
// shared resources, created the way the provider is, once.
type place struct {
	account  *tenant.AccountArgs
	region   string
	provider *aws.Provider
	network  *tenant.Network
	shared   *tenant.Shared
	// what the place's tenants need
	aurora, pooledAurora, pooledTable bool
}

// newPlaces creates the shared resources of every (account, region) that
// has tenants, only those its tenants need, in a fixed order.
func newPlaces(ctx *pulumi.Context, fleet *stackconfig.Fleet) (map[placeKey]*place, error) {
	places := map[placeKey]*place{}
	for _, t := range fleet.Tenants {
		a := t.Args
		k := placeOf(&a)
		p := places[k]
		if p == nil {
			p = &place{account: a.Account, region: a.Region}
			places[k] = p
		}
		d := a.Database
		p.aurora = p.aurora || d.Engine == tenant.EngineAuroraPostgreSQL
		p.pooledAurora = p.pooledAurora || d.Engine == tenant.EngineAuroraPostgreSQL && d.Isolation.Pooled()
		p.pooledTable = p.pooledTable || d.Engine == tenant.EngineDynamoDB && d.Isolation.Pooled()
	}
	keys := slices.SortedFunc(maps.Keys(places), func(a, b placeKey) int {
		return cmp.Or(cmp.Compare(a.region, b.region), cmp.Compare(a.roleArn, b.roleArn))
	})
	var code pulumi.Archive
	for _, k := range keys {
		p := places[k]
		var err error
		if p.provider, err = tenant.NewAccountProvider(ctx, p.account, p.region); err != nil {
			return nil, err
		}
		if p.aurora {
			if p.network, err = p.newNetwork(ctx, fleet); err != nil {
				return nil, err
			}
		}
		if !p.aurora && !p.pooledTable {
			continue
		}
		args := &tenant.SharedArgs{Region: p.region, Environment: fleet.Environment, Account: p.account,
			Provider: p.provider, Network: p.network, Table: p.pooledTable, Protect: fleet.Protect}
		if p.pooledAurora {
			args.Cluster = &fleet.SharedCluster
		}
		if p.aurora {
			if code == nil {
				if code, err = tenant.ProvisionerCode(ctx.Context()); err != nil {
					return nil, err
				}
			}
			args.Provisioner = &tenant.ProvisionerArgs{Code: code}
		}
		if p.shared, err = tenant.NewRegionShared(ctx, args); err != nil {
			return nil, err
		}
	}
	return places, nil
}

// newNetwork is the network of the place's Aurora clusters: the one
// tenancy:network names (for the deployer's own account), or a private
// network of its own, named like the shared resources.
func (p *place) newNetwork(ctx *pulumi.Context, fleet *stackconfig.Fleet) (*tenant.Network, error) {
	if existing, ok := fleet.Networks[p.region]; ok && p.account == nil {
		return &tenant.Network{
			SubnetGroupName:  pulumi.String(existing.SubnetGroup),
			SecurityGroupIDs: pulumi.ToStringArray(existing.SecurityGroupIDs),
		}, nil
	}
	return tenant.NewAccountNetwork(ctx, p.account, p.region, p.provider)
}
