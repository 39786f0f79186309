package tenant

import (
	"errors"
	"fmt"

	"github.com/amplify-tenancy/tenancy/internal/provisioner"

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
	// Isolation is the tenant's isolation level.
	Isolation Isolation
	// AccountID is the account the tenant lives in when it is not the
	// deployer's own (Account), else "".
	AccountID string
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
	// DatabaseName is the DynamoDB table name (the shared table's at
	// schema level), the Aurora cluster identifier, or at database and
	// schema level the PostgreSQL database in the shared cluster.
	DatabaseName pulumi.StringOutput
	// DatabaseArn is the ARN of the table or cluster.
	DatabaseArn pulumi.StringOutput
	// DatabaseSecretArn is the ARN of the secret of the Aurora
	// application role's credentials (never the master's); empty for
	// DynamoDB.
	DatabaseSecretArn pulumi.StringOutput
	// DatabaseRole is the PostgreSQL login role of an Aurora tenant's app
	// (at every level), empty for DynamoDB. At the pooled levels it is
	// what attributes the shared cluster's use to the tenant (Performance
	// Insights and pg_stat_statements group by it).
	DatabaseRole string
	// DatabaseSchema is a schema-level Aurora tenant's schema; KeyPrefix a
	// schema-level DynamoDB tenant's partition-key prefix in the shared
	// table. Both are empty at the other levels.
	DatabaseSchema, KeyPrefix string
	// KeyArn is the ARN of the tenant's KMS key.
	KeyArn pulumi.StringOutput
	// Domain is the custom domain (TenantStackArgs.Domain), "" for none.
	Domain string
	// DomainRecords are the DNS records to create at Domain's DNS host
	// after the first deployment, each "<name> <type> <value>" as Amplify
	// gives them: the certificate's validation record first, then the apex
	// and www records. Empty without a custom domain (or once offboarded).
	DomainRecords pulumi.StringArrayOutput
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
	if err := errors.Join(ValidateID(name), a.Validate(), a.sharedProblem(), errors.Join(providerProblems(a.Provider, a.Account, a.Region)...)); err != nil {
		return nil, forTenant(name, err)
	}

	t := &TenantStack{Region: a.Region, DatabaseEngine: a.Database.Engine, Isolation: a.Database.Isolation,
		Status: a.Status, Backup: a.Backup != nil}
	if a.Account != nil {
		t.AccountID = a.Account.AccountID()
	}
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
	t.DatabaseSchema, t.KeyPrefix = db.schema, db.keyPrefix
	if a.Database.Engine == EngineAuroraPostgreSQL {
		t.DatabaseRole = provisioner.RoleName(name)
	}
	if err := b.backup(key, db); err != nil {
		return err
	}
	site, err := b.site(key, db)
	if err != nil {
		return err
	}
	t.AppID, t.DefaultDomain, t.BranchURL = site.appID, site.defaultDomain, site.branchURL
	t.DomainRecords = site.domainRecords
	// An offboarded tenant has no app, so no domain to point records at.
	if a.Status != StatusOffboarded {
		t.Domain = a.Domain
	}

	return ctx.RegisterResourceOutputs(t, pulumi.Map{
		"region":            b.checkedRegion(),
		"databaseEngine":    pulumi.String(a.Database.Engine),
		"isolation":         pulumi.String(a.Database.Isolation),
		"appId":             t.AppID,
		"defaultDomain":     t.DefaultDomain,
		"branchUrl":         t.BranchURL,
		"databaseName":      t.DatabaseName,
		"databaseArn":       t.DatabaseArn,
		"databaseSecretArn": t.DatabaseSecretArn,
		"keyArn":            t.KeyArn,
		"databaseRole":      pulumi.String(t.DatabaseRole),
		"databaseSchema":    pulumi.String(t.DatabaseSchema),
		"keyPrefix":         pulumi.String(t.KeyPrefix),
		"domainRecords":     t.DomainRecords,
	})
}

// NewRegionProvider creates the shared aws provider for one region of the
// deployer's account, named "aws-<region>", for callers that deploy several
// tenants per region (NewAccountProvider for another account).
func NewRegionProvider(ctx *pulumi.Context, region string, opts ...pulumi.ResourceOption) (*aws.Provider, error) {
	return NewAccountProvider(ctx, nil, region, opts...)
}
