package tenant

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/rds"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Network is where a region's Aurora clusters live: a DB subnet group and
// the security groups of the clusters. A cluster cannot change subnet group
// without being replaced, so a cluster keeps the network it was created in
// (README, "Moving a cluster to another network").
type Network struct {
	// SubnetGroupName is the DB subnet group, with subnets in at least two
	// Availability Zones of the tenant's region.
	SubnetGroupName pulumi.StringInput
	// SecurityGroupIDs are the cluster's VPC security groups.
	SecurityGroupIDs pulumi.StringArrayInput
}

// networkCIDR is the private range of the VPC NewRegionNetwork creates; it
// has no route out, so it may overlap other networks of the account.
const networkCIDR = "10.64.0.0/16"

// networkSubnets are the subnets, one per Availability Zone: a DB subnet
// group needs two zones (RDS User Guide, "Working with a DB instance in a
// VPC").
var networkSubnets = []string{"10.64.0.0/20", "10.64.16.0/20"}

// NewRegionNetwork creates the minimal private network for the Aurora
// clusters of one region, named "<region>-db-...": a VPC without internet
// or NAT gateway, a subnet in each of two Availability Zones, a DB subnet
// group and a security group with no ingress or egress rule. The RDS Data
// API reaches a cluster without any network path, so nothing else is
// needed. Pass the result to every Aurora tenant of the region.
func NewRegionNetwork(ctx *pulumi.Context, region string, provider *aws.Provider, opts ...pulumi.ResourceOption) (*Network, error) {
	return NewAccountNetwork(ctx, nil, region, provider, opts...)
}

// NewAccountNetwork is NewRegionNetwork in the account that account names
// (nil: the deployer's own), named "<region>-<account id>-db-..." there.
func NewAccountNetwork(ctx *pulumi.Context, account *AccountArgs, region string, provider *aws.Provider, opts ...pulumi.ResourceOption) (*Network, error) {
	tags := pulumi.StringMap{"managed-by": pulumi.String("tenancy"), "region": pulumi.String(region)}
	return newNetwork(ctx, placePrefix(account, region), region, provider, tags, opts...)
}

// newNetwork creates a network whose children are named prefix-db-...
func newNetwork(ctx *pulumi.Context, prefix, region string, provider *aws.Provider, tags pulumi.StringMap, opts ...pulumi.ResourceOption) (*Network, error) {
	opts = append(opts, pulumi.Provider(provider))
	name := func(what string) string { return prefix + "-db-" + what }
	vpc, err := ec2.NewVpc(ctx, name("vpc"), &ec2.VpcArgs{
		CidrBlock:          pulumi.String(networkCIDR),
		EnableDnsSupport:   pulumi.Bool(true),
		EnableDnsHostnames: pulumi.Bool(true),
		Tags:               withName(tags, name("vpc")),
	}, opts...)
	if err != nil {
		return nil, fmt.Errorf("region %s: network: %w", region, err)
	}
	zones := aws.GetAvailabilityZonesOutput(ctx, aws.GetAvailabilityZonesOutputArgs{State: pulumi.String("available")}, pulumi.Provider(provider))
	var subnets pulumi.StringArray
	for i, cidr := range networkSubnets {
		subnet, err := ec2.NewSubnet(ctx, name(fmt.Sprintf("subnet-%d", i+1)), &ec2.SubnetArgs{
			VpcId:            vpc.ID(),
			CidrBlock:        pulumi.String(cidr),
			AvailabilityZone: zones.Names().Index(pulumi.Int(i)),
			Tags:             withName(tags, name(fmt.Sprintf("subnet-%d", i+1))),
		}, opts...)
		if err != nil {
			return nil, fmt.Errorf("region %s: subnet: %w", region, err)
		}
		subnets = append(subnets, subnet.ID())
	}
	group, err := rds.NewSubnetGroup(ctx, name("subnets"), &rds.SubnetGroupArgs{
		Description: pulumi.String("tenancy Aurora clusters of " + region),
		SubnetIds:   subnets,
		Tags:        tags,
	}, opts...)
	if err != nil {
		return nil, fmt.Errorf("region %s: db subnet group: %w", region, err)
	}
	sg, err := ec2.NewSecurityGroup(ctx, name("sg"), &ec2.SecurityGroupArgs{
		Description: pulumi.String("tenancy Aurora clusters: no ingress, the RDS Data API needs none"),
		VpcId:       vpc.ID(),
		Tags:        tags,
	}, opts...)
	if err != nil {
		return nil, fmt.Errorf("region %s: security group: %w", region, err)
	}
	return &Network{SubnetGroupName: group.Name, SecurityGroupIDs: pulumi.StringArray{sg.ID()}}, nil
}

func withName(tags pulumi.StringMap, name string) pulumi.StringMap {
	out := pulumi.StringMap{"Name": pulumi.String(name)}
	for k, v := range tags {
		out[k] = v
	}
	return out
}
