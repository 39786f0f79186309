package deploy

import (
	"cmp"
	"fmt"
	"maps"
	"slices"

	"github.com/amplify-tenancy/tenancy/internal/guard"
	"github.com/amplify-tenancy/tenancy/internal/stackconfig"
	"github.com/amplify-tenancy/tenancy/tenant"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// SharedOutputName is the stack output in which the stack that owns a
// place's shared resources (the single stack, or the place's home shard)
// hands them to the place's other shards, by provider name.
const SharedOutputName = "shared"

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
// provider per stack, and where they need them one Aurora network and one
// set of shared resources, created once, by one stack.
type place struct {
	account  *tenant.AccountArgs
	region   string
	provider *aws.Provider
	network  *tenant.Network
	shared   *tenant.Shared
	// what the place's tenants need, all of the fleet's, not only this
	// stack's: the owner creates it for every shard of the place
	aurora, pooledAurora, pooledTable bool
}

// ownership says which stack creates a place's network and shared
// resources: home returns "" when this stack does, else the stack whose
// output holds them. all are every tenant of the fleet, from which each
// place's needs are read.
type ownership struct {
	all  []stackconfig.Tenant
	home func(account *tenant.AccountArgs, region string) string
}

// ownsAll is a single stack's ownership: it owns every place.
func ownsAll(fleet *stackconfig.Fleet) ownership {
	return ownership{all: fleet.Tenants, home: func(*tenant.AccountArgs, string) string { return "" }}
}

// newPlaces creates the provider of every (account, region) this stack's
// tenants are in, and the network and shared resources the place's
// tenants need where this stack owns them, in a fixed order; where
// another stack owns them, it reads them from that stack's output.
func newPlaces(ctx *pulumi.Context, fleet *stackconfig.Fleet, own ownership) (map[placeKey]*place, error) {
	places := map[placeKey]*place{}
	for _, t := range fleet.Tenants {
		a := t.Args
		if places[placeOf(&a)] == nil {
			places[placeOf(&a)] = &place{account: a.Account, region: a.Region}
		}
	}
	for _, t := range own.all {
		a := t.Args
		p := places[placeOf(&a)]
		if p == nil && own.home(a.Account, a.Region) == "" {
			// This stack owns the place's shared resources even when none
			// of its own tenants is there (a home shard left empty).
			p = &place{account: a.Account, region: a.Region}
			places[placeOf(&a)] = p
		}
		if p == nil {
			continue // a place of other shards only
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
	handed := pulumi.Map{}
	for _, k := range keys {
		p := places[k]
		var err error
		if p.provider, err = tenant.NewAccountProvider(ctx, p.account, p.region); err != nil {
			return nil, err
		}
		if !p.aurora && !p.pooledTable {
			continue
		}
		if home := own.home(p.account, p.region); home != "" {
			if err := p.readShared(ctx, home); err != nil {
				return nil, err
			}
			continue
		}
		if p.aurora {
			if p.network, err = p.newNetwork(ctx, fleet); err != nil {
				return nil, err
			}
		}
		args := &tenant.SharedArgs{Region: p.region, Environment: fleet.Environment, Production: new(fleet.Production), Account: p.account,
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
		handed[tenant.ProviderName(p.account, p.region)] = p.handOver()
	}
	if len(handed) > 0 {
		ctx.Export(SharedOutputName, handed)
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

// handOver is what the place's other shards need of its network and
// shared resources.
func (p *place) handOver() pulumi.Map {
	s := p.shared
	out := pulumi.Map{
		"keyArn": s.KeyArn, "clusterArn": s.ClusterArn, "clusterEndpoint": s.ClusterEndpoint,
		"clusterSecretArn": s.ClusterSecretArn, "tableName": s.TableName, "tableArn": s.TableArn,
		"provisionerName": s.ProvisionerName,
		"cluster":         pulumi.Bool(p.pooledAurora), "table": pulumi.Bool(p.pooledTable), "provisioner": pulumi.Bool(p.aurora),
	}
	if p.network != nil {
		out["subnetGroupName"] = p.network.SubnetGroupName
		out["securityGroupIds"] = p.network.SecurityGroupIDs
	}
	return out
}

// readShared reads the place's network and shared resources from the
// output of home, the stack that owns them (the place's first shard),
// through a stack reference. That stack is deployed first (fleet up does);
// before its first deployment there is nothing to read, and the error says
// so.
func (p *place) readShared(ctx *pulumi.Context, home string) error {
	name := guard.StackRefName(ctx, home)
	ref, err := pulumi.NewStackReference(ctx, name, nil)
	if err != nil {
		return fmt.Errorf("region %s: reading the shared resources of %s: %w", p.region, home, err)
	}
	details, err := ref.GetOutputDetails(SharedOutputName)
	if err != nil {
		return fmt.Errorf("region %s: reading the shared resources of %s: %w", p.region, home, err)
	}
	all, _ := details.Value.(map[string]any)
	v, ok := all[tenant.ProviderName(p.account, p.region)].(map[string]any)
	if !ok {
		return fmt.Errorf("region %s: %s, which owns the region's shared resources, has not deployed them yet: deploy it first (go run . fleet up deploys each region's first shard before the others)", p.region, home)
	}
	str := func(k string) pulumi.StringOutput {
		s, _ := v[k].(string)
		return pulumi.String(s).ToStringOutput()
	}
	flag := func(k string) bool { b, _ := v[k].(bool); return b }
	if group, ok := v["subnetGroupName"].(string); ok {
		var ids []string
		raw, _ := v["securityGroupIds"].([]any)
		for _, id := range raw {
			if s, ok := id.(string); ok {
				ids = append(ids, s)
			}
		}
		p.network = &tenant.Network{SubnetGroupName: pulumi.String(group), SecurityGroupIDs: pulumi.ToStringArray(ids)}
	}
	p.shared = tenant.SharedFrom(p.region, tenant.SharedOutputs{
		KeyArn: str("keyArn"), ClusterArn: str("clusterArn"), ClusterEndpoint: str("clusterEndpoint"),
		ClusterSecretArn: str("clusterSecretArn"), TableName: str("tableName"), TableArn: str("tableArn"),
		ProvisionerName: str("provisionerName"),
		Cluster:         flag("cluster"), Table: flag("table"), Provisioner: flag("provisioner"),
	})
	return nil
}
