package tenant

import (
	"errors"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// TypeToken is the Pulumi type of the TenantStack component. It is part of
// every tenant resource's URN and never changes.
const TypeToken = "tenancy:tenant:TenantStack"

// TenantStack is one tenant's resources in its region.
type TenantStack struct {
	pulumi.ResourceState

	// Region is the AWS region that holds the tenant's app and data.
	Region string
	// DatabaseEngine is the tenant's database engine.
	DatabaseEngine DatabaseEngine
	// Status is the tenant's lifecycle state.
	Status Status
	// Backup reports whether the tenant has an AWS Backup plan.
	Backup bool
	// AppID is the Amplify app ID; empty once the tenant is offboarded.
	AppID pulumi.StringOutput
	// DefaultDomain is the Amplify default domain (xxxx.amplifyapp.com).
	DefaultDomain pulumi.StringOutput
	// BranchURL is the https URL of the tenant's branch.
	BranchURL pulumi.StringOutput
	// DatabaseName is the DynamoDB table name or the Aurora cluster identifier.
	DatabaseName pulumi.StringOutput
	// DatabaseArn is the ARN of the table or cluster.
	DatabaseArn pulumi.StringOutput
	// DatabaseSecretArn is the ARN of the Aurora master credentials secret;
	// empty for DynamoDB.
	DatabaseSecretArn pulumi.StringOutput
	// KeyArn is the ARN of the tenant's KMS key.
	KeyArn pulumi.StringOutput
}

// NewTenantStack creates one tenant: its KMS key, database, Amplify app and
// branch, and the optional domain, basic auth and backup plan, all in
// args.Region. name is the tenant ID and prefixes every child's name.
// It validates everything first and registers nothing when args are wrong.
func NewTenantStack(ctx *pulumi.Context, name string, args *TenantStackArgs,
	opts ...pulumi.ResourceOption) (*TenantStack, error) {
	if args == nil {
		return nil, fmt.Errorf("tenant %q: args are required", name)
	}
	a := args.WithDefaults()
	if err := errors.Join(ValidateID(name), a.Validate()); err != nil {
		return nil, forTenant(name, err)
	}

	t := &TenantStack{Region: a.Region, DatabaseEngine: a.Database.Engine, Status: a.Status, Backup: a.Backup != nil}
	if err := ctx.RegisterComponentResource(TypeToken, name, t, opts...); err != nil {
		return nil, fmt.Errorf("tenant %q: %w", name, err)
	}
	if err := t.build(ctx, name, &a); err != nil {
		return nil, fmt.Errorf("tenant %q: %w", name, err)
	}
	return t, nil
}

func (t *TenantStack) build(ctx *pulumi.Context, name string, a *TenantStackArgs) error {
	b, err := newBuilder(ctx, t, name, a)
	if err != nil {
		return err
	}
	key, err := b.key()
	if err != nil {
		return err
	}
	t.KeyArn = key.Arn
	db, err := b.database(key)
	if err != nil {
		return err
	}
	t.DatabaseName, t.DatabaseArn, t.DatabaseSecretArn = db.name, db.arn, db.secretArn
	if err := b.backup(key, db); err != nil {
		return err
	}
	site, err := b.site(key, db)
	if err != nil {
		return err
	}
	t.AppID, t.DefaultDomain, t.BranchURL = site.appID, site.defaultDomain, site.branchURL

	return ctx.RegisterResourceOutputs(t, pulumi.Map{
		"region":            b.checkedRegion(),
		"databaseEngine":    pulumi.String(a.Database.Engine),
		"appId":             t.AppID,
		"defaultDomain":     t.DefaultDomain,
		"branchUrl":         t.BranchURL,
		"databaseName":      t.DatabaseName,
		"databaseArn":       t.DatabaseArn,
		"databaseSecretArn": t.DatabaseSecretArn,
		"keyArn":            t.KeyArn,
	})
}

// newRegionProvider creates an aws provider pinned to region. Callers share
// one per region; the engine starts a process for each.
func newRegionProvider(ctx *pulumi.Context, name, region string, opts ...pulumi.ResourceOption) (*aws.Provider, error) {
	return aws.NewProvider(ctx, name, &aws.ProviderArgs{Region: pulumi.String(region)}, opts...)
}

// NewRegionProvider creates the shared aws provider for one region, named
// "aws-<region>", for callers that deploy several tenants per region.
func NewRegionProvider(ctx *pulumi.Context, region string, opts ...pulumi.ResourceOption) (*aws.Provider, error) {
	if !IsAmplifyRegion(region) {
		return nil, fieldErrorf("region", "%q does not offer Amplify Hosting", region)
	}
	return newRegionProvider(ctx, "aws-"+region, region, opts...)
}
