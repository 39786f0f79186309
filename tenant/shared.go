package tenant

import (
	"errors"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// SharedTypeToken is the Pulumi type of the RegionShared component. It is
// part of every shared resource's URN and never changes.
const SharedTypeToken = "tenancy:tenant:RegionShared"

// SharedArgs configures the resources one region of one account shares
// among its tenants.
type SharedArgs struct {
	// Region is the region. Required.
	Region string
	// Environment names the deployment, as TenantStackArgs.Environment.
	Environment string
	// Production says whether the deployment is production, as
	// TenantStackArgs.Production (nil: Environment == "prod"): the shared
	// cluster then keeps backups 7 days by default.
	Production *bool
	// Account is the account, nil for the deployer's own; Provider must be
	// for it and Region.
	Account *AccountArgs
	// Provider is the aws provider of Account and Region. Required.
	Provider *aws.Provider
	// Cluster, when set, creates the shared Aurora PostgreSQL cluster of
	// the region's database- and schema-level tenants.
	Cluster *SharedClusterArgs
	// Table creates the shared DynamoDB table of the region's
	// schema-level DynamoDB tenants.
	Table bool
	// Provisioner creates the function that provisions each Aurora
	// tenant's database, schema and login role inside PostgreSQL. Needed
	// by every Aurora tenant of the region, at every level.
	Provisioner *ProvisionerArgs
	// Network is where the shared cluster is created (NewRegionNetwork or
	// an existing subnet group); required with Cluster.
	Network *Network
	// Protect protects the shared data the way TenantStackArgs.Protect
	// protects a tenant's.
	Protect bool
}

// SharedClusterArgs sizes the shared Aurora cluster: the same settings,
// defaults and limits as a tenant's own cluster (DatabaseArgs).
type SharedClusterArgs struct {
	// MinCapacity and MaxCapacity are the Serverless v2 range in ACUs;
	// nil takes the defaults.
	MinCapacity, MaxCapacity *float64
	// Instances is the number of instances, writer included; nil is 1.
	Instances *int
	// BackupRetentionDays; nil is 7 in production and 1 elsewhere.
	BackupRetentionDays *int
	// EngineVersion is the major version; "" is the default.
	EngineVersion string
	// AllowMajorVersionUpgrade lets an EngineVersion change upgrade it.
	AllowMajorVersionUpgrade bool
}

// Validate checks the shared cluster's settings, in production or not
// (SharedArgs.Production), with the rules of a tenant's own cluster; fields
// are named database.<field>.
func (c SharedClusterArgs) Validate(production bool) error {
	shaped := TenantStackArgs{Production: new(production), Database: c.database()}.WithDefaults()
	return errors.Join(shaped.Database.problems()...)
}

// database is the cluster's settings as a tenant's own would have them.
func (c SharedClusterArgs) database() DatabaseArgs {
	return DatabaseArgs{Engine: EngineAuroraPostgreSQL, Isolation: IsolationCluster,
		MinCapacity: c.MinCapacity, MaxCapacity: c.MaxCapacity, Instances: c.Instances,
		BackupRetentionDays: c.BackupRetentionDays, EngineVersion: c.EngineVersion,
		AllowMajorVersionUpgrade: c.AllowMajorVersionUpgrade}
}

// ProvisionerArgs configures the provisioning function.
type ProvisionerArgs struct {
	// Code is the function's deployment package: a zip holding the
	// provisioner built for linux/arm64 as "bootstrap" (this repository
	// builds it from internal/provisioner/lambda; README, "Isolation
	// levels"). Required.
	Code pulumi.Archive
}

// Shared is one region's (of one account's) shared resources. Its
// children are named "<prefix>-...", where the prefix is the region, or
// "<region>-<account>" for another account, like the provider.
type Shared struct {
	pulumi.ResourceState

	// Region is the region of the shared resources.
	Region string
	// KeyArn is the shared KMS key, which encrypts the shared cluster and
	// table; empty without either.
	KeyArn pulumi.StringOutput
	// ClusterArn, ClusterEndpoint and ClusterSecretArn are the shared
	// cluster and its master credentials; empty without a cluster.
	ClusterArn       pulumi.StringOutput
	ClusterEndpoint  pulumi.StringOutput
	ClusterSecretArn pulumi.StringOutput
	// TableName and TableArn are the shared table; empty without one.
	TableName pulumi.StringOutput
	TableArn  pulumi.StringOutput
	// ProvisionerName is the provisioning function; empty without one.
	ProvisionerName pulumi.StringOutput

	hasCluster, hasTable, hasProvisioner bool
	// owned is false for shared resources another stack owns (SharedFrom):
	// they exist before this stack runs, so nothing here waits for them.
	owned bool
}

// SharedOutputs are the outputs of a RegionShared that another stack of
// the fleet owns (the first shard of the account and region), as a stack
// reference reads them. Each flag says the resource exists.
type SharedOutputs struct {
	KeyArn, ClusterArn, ClusterEndpoint, ClusterSecretArn pulumi.StringOutput
	TableName, TableArn, ProvisionerName                  pulumi.StringOutput
	Cluster, Table, Provisioner                           bool
}

// SharedFrom is the shared resources of region that another stack owns,
// for the tenants of this stack: nothing is registered, and a tenant using
// them waits for nothing (they exist before this stack runs).
func SharedFrom(region string, o SharedOutputs) *Shared {
	return &Shared{Region: region, KeyArn: o.KeyArn, ClusterArn: o.ClusterArn, ClusterEndpoint: o.ClusterEndpoint,
		ClusterSecretArn: o.ClusterSecretArn, TableName: o.TableName, TableArn: o.TableArn, ProvisionerName: o.ProvisionerName,
		hasCluster: o.Cluster, hasTable: o.Table, hasProvisioner: o.Provisioner}
}

// SharedPrefix is the name prefix of the shared resources of region in
// account (nil: the deployer's own).
func SharedPrefix(account *AccountArgs, region string) string {
	return placePrefix(account, region) + "-shared"
}

// NewRegionShared creates the shared resources of one region of one
// account, only those args asks for. Pass the result to every tenant of
// the region as TenantStackArgs.Shared.
func NewRegionShared(ctx *pulumi.Context, args *SharedArgs, opts ...pulumi.ResourceOption) (*Shared, error) {
	if args == nil {
		return nil, errors.New("shared resources: args are required")
	}
	name := SharedPrefix(args.Account, args.Region)
	if err := args.validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	s := &Shared{Region: args.Region, hasCluster: args.Cluster != nil, hasTable: args.Table, hasProvisioner: args.Provisioner != nil, owned: true}
	if err := ctx.RegisterComponentResource(SharedTypeToken, name, s, opts...); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if err := s.build(ctx, name, args); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return s, nil
}

func (a *SharedArgs) validate() error {
	var errs []error
	if !IsAmplifyRegion(a.Region) {
		errs = append(errs, fieldErrorf("region", "%q does not offer Amplify Hosting", a.Region))
	}
	if a.Provider == nil {
		errs = append(errs, fieldErrorf("provider", "is required: the aws provider of the region"))
	}
	errs = append(errs, providerProblems(a.Provider, a.Account, a.Region)...)
	if a.Account != nil {
		errs = append(errs, a.Account.problems()...)
	}
	if a.Cluster != nil {
		errs = append(errs, a.Cluster.Validate(isProduction(a.Production, a.Environment)))
		if a.Network == nil {
			errs = append(errs, fieldErrorf("network", "is required with a shared cluster"))
		}
	}
	if a.Provisioner != nil && a.Provisioner.Code == nil {
		errs = append(errs, fieldErrorf("provisioner.code", "is required"))
	}
	return errors.Join(errs...)
}

func (s *Shared) build(ctx *pulumi.Context, name string, a *SharedArgs) error {
	empty := pulumi.String("").ToStringOutput()
	s.KeyArn, s.ClusterArn, s.ClusterEndpoint, s.ClusterSecretArn, s.TableName, s.TableArn, s.ProvisionerName =
		empty, empty, empty, empty, empty, empty, empty
	args := &TenantStackArgs{Region: a.Region, Environment: a.Environment, Production: a.Production, Protect: a.Protect,
		Account: a.Account, Provider: a.Provider, Network: a.Network}
	if a.Cluster != nil {
		args.Database = a.Cluster.database()
	}
	d := args.WithDefaults()
	b := &builder{ctx: ctx, parent: s, id: name, shared: true, args: &d, provider: a.Provider}
	b.account = aws.GetCallerIdentityOutput(ctx, aws.GetCallerIdentityOutputArgs{},
		pulumi.Parent(s), pulumi.Provider(a.Provider)).AccountId()

	if a.Cluster != nil || a.Table {
		key, err := b.key()
		if err != nil {
			return err
		}
		s.KeyArn = key.Arn
		if a.Cluster != nil {
			c, err := b.aurora(key)
			if err != nil {
				return err
			}
			s.ClusterArn, s.ClusterEndpoint, s.ClusterSecretArn = c.arn, c.endpoint, c.secretArn
		}
		if a.Table {
			t, err := b.dynamoDB(key, "table")
			if err != nil {
				return err
			}
			s.TableName, s.TableArn = t.name, t.arn
		}
	}
	if a.Provisioner != nil {
		fn, err := b.provisioner(a.Provisioner.Code)
		if err != nil {
			return err
		}
		s.ProvisionerName = fn
	}
	return ctx.RegisterResourceOutputs(s, pulumi.Map{
		"region":           pulumi.String(a.Region),
		"keyArn":           s.KeyArn,
		"clusterArn":       s.ClusterArn,
		"clusterEndpoint":  s.ClusterEndpoint,
		"clusterSecretArn": s.ClusterSecretArn,
		"tableName":        s.TableName,
		"tableArn":         s.TableArn,
		"provisionerName":  s.ProvisionerName,
	})
}

// sharedProblem says what the tenant needs of Shared that it lacks: the
// provisioner for any Aurora tenant (its application role), the cluster or
// table for a pooled one.
func (a *TenantStackArgs) sharedProblem() error {
	d := a.Database
	s := a.Shared
	need := func(what string) error {
		return fieldErrorf("shared", "is required: an %s tenant at isolation %s needs its region's %s (NewRegionShared)", d.Engine, d.Isolation, what)
	}
	switch {
	case d.Engine == EngineAuroraPostgreSQL && (s == nil || !s.hasProvisioner):
		return need("provisioner, which creates its application role")
	case d.Engine == EngineAuroraPostgreSQL && d.Isolation.Pooled() && !s.hasCluster:
		return need("shared cluster")
	case d.Engine == EngineDynamoDB && d.Isolation.Pooled() && (s == nil || !s.hasTable):
		return need("shared table")
	case s != nil && s.Region != a.Region:
		return fieldErrorf("shared", "is for region %q, not %q", s.Region, a.Region)
	}
	return nil
}
