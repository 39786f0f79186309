package tenant

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/amplify-tenancy/tenancy/internal/mockcloud"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func validArgs() TenantStackArgs {
	return TenantStackArgs{
		DisplayName: "Acme",
		Region:      "eu-west-1",
		Environment: "dev",
		Repository:  "https://github.com/example/app",
		Branch:      "main",
		AccessToken: pulumi.ToSecret(pulumi.String("token")).(pulumi.StringOutput),
	}
}

func runTenant(t *testing.T, id string, args *TenantStackArgs, withProvider string) (*mockcloud.Cloud, error) {
	t.Helper()
	return mockcloud.Run(func(ctx *pulumi.Context) error {
		if withProvider != "" {
			p, err := newAccountProvider(ctx, "shared", nil, withProvider)
			if err != nil {
				return err
			}
			args.Provider = p
		}
		// A program validates the fleet before it creates anything, the
		// shared resources included.
		if args != nil && args.Shared == nil && args.Validate() == nil {
			shared, err := testShared(ctx, args)
			if err != nil {
				return err
			}
			args.Shared = shared
		}
		_, err := NewTenantStack(ctx, id, args)
		return err
	}, mockcloud.Options{Project: "lib", Stack: "test"})
}

// testShared creates what a tenant needs of its region's shared resources,
// as a program would: nothing for an own table, the provisioner for any
// Aurora tenant, the shared cluster or table for a pooled one.
func testShared(ctx *pulumi.Context, args *TenantStackArgs) (*Shared, error) {
	d := args.WithDefaults().Database
	if d.Engine == EngineDynamoDB && !d.Isolation.Pooled() {
		return nil, nil
	}
	provider := args.Provider
	if provider == nil {
		p, err := newAccountProvider(ctx, "shared-provider", args.Account, args.Region)
		if err != nil {
			return nil, err
		}
		provider = p
	}
	sa := &SharedArgs{Region: args.Region, Environment: args.Environment, Account: args.Account, Provider: provider,
		Protect: args.Protect, Table: d.Engine == EngineDynamoDB}
	if d.Engine == EngineAuroraPostgreSQL {
		sa.Provisioner = &ProvisionerArgs{Code: testCode}
		if d.Isolation.Pooled() {
			sa.Cluster = &SharedClusterArgs{}
			sa.Network = &Network{SubnetGroupName: pulumi.String("subnets"), SecurityGroupIDs: pulumi.ToStringArray([]string{"sg-1"})}
		}
	}
	return NewRegionShared(ctx, sa)
}

// testCode stands in for the provisioner's deployment package.
var testCode = pulumi.NewAssetArchive(map[string]any{"bootstrap": pulumi.NewStringAsset("#!/bin/sh\n")})

func TestValidateNamesTheField(t *testing.T) {
	cases := []struct {
		name, field string
		edit        func(*TenantStackArgs)
	}{
		{"no region", "region", func(a *TenantStackArgs) { a.Region = "" }},
		{"no display name", "name", func(a *TenantStackArgs) { a.DisplayName = " " }},
		{"http repository", "repository", func(a *TenantStackArgs) { a.Repository = "http://github.com/x" }},
		{"bad branch", "branch", func(a *TenantStackArgs) { a.Branch = "a..b" }},
		{"no token", "accessToken", func(a *TenantStackArgs) { a.AccessToken = nil }},
		{"bad platform", "platform", func(a *TenantStackArgs) { a.Platform = "IOS" }},
		{"reserved variable", "environment.AMPLIFY_DIFF_DEPLOY", func(a *TenantStackArgs) {
			a.EnvironmentVariables = map[string]string{"AMPLIFY_DIFF_DEPLOY": "x"}
		}},
		{"tenantConfig override", "environment.tenantConfig", func(a *TenantStackArgs) {
			a.EnvironmentVariables = map[string]string{"tenantConfig": "{}"}
		}},
		{"basic auth in production", "basicAuth", func(a *TenantStackArgs) {
			a.Environment, a.Production = "live", new(true)
			a.BasicAuth = &BasicAuthArgs{Username: "u", Password: pulumi.String("p")}
		}},
		{"basic auth on a suspended production tenant", "basicAuth", func(a *TenantStackArgs) {
			a.Production, a.Status = new(true), StatusSuspended
			a.BasicAuth = &BasicAuthArgs{Username: "u", Password: pulumi.String("p")}
		}},
		{"half ACU", "database.maxCapacity", func(a *TenantStackArgs) {
			a.Database = DatabaseArgs{Engine: EngineAuroraPostgreSQL, MinCapacity: new(0.5), MaxCapacity: new(2.25)}
		}},
		{"capacity with provisioned class", "database.minCapacity", func(a *TenantStackArgs) {
			a.Database = DatabaseArgs{Engine: EngineAuroraPostgreSQL, InstanceClass: "db.r6g.large", MaxCapacity: new(8.0)}
		}},
		{"too many instances", "database.instances", func(a *TenantStackArgs) {
			a.Database = DatabaseArgs{Engine: EngineAuroraPostgreSQL, Instances: new(17)}
		}},
		{"backup retention", "backup.retentionDays", func(a *TenantStackArgs) {
			a.Backup = &BackupArgs{Schedule: "cron(0 3 * * ? *)"}
		}},
		{"backup schedule", "backup.schedule", func(a *TenantStackArgs) {
			a.Backup = &BackupArgs{Schedule: "daily", RetentionDays: 7}
		}},
		{"environment with --", "environment", func(a *TenantStackArgs) { a.Environment = "pre--prod" }},
		{"environment ending in -", "environment", func(a *TenantStackArgs) { a.Environment = "staging-" }},
		{"AWS-prefixed variable", "environment.AWSREGION", func(a *TenantStackArgs) {
			a.EnvironmentVariables = map[string]string{"AWSREGION": "x"}
		}},
		{"tenancy's own variable", "environment.TENANCY_TABLE_NAME", func(a *TenantStackArgs) {
			a.EnvironmentVariables = map[string]string{"TENANCY_TABLE_NAME": "other"}
		}},
		{"minor engine version", "database.engineVersion", func(a *TenantStackArgs) {
			a.Database = DatabaseArgs{Engine: EngineAuroraPostgreSQL, EngineVersion: "16.6"}
		}},
		{"major upgrade flag on dynamodb", "database.engine", func(a *TenantStackArgs) {
			a.Database = DatabaseArgs{AllowMajorVersionUpgrade: true}
		}},
		{"backup more often than hourly", "backup.schedule", func(a *TenantStackArgs) {
			a.Backup = &BackupArgs{Schedule: "cron(0/15 * * * ? *)", RetentionDays: 7}
		}},
		{"backup with both day fields", "backup.schedule", func(a *TenantStackArgs) {
			a.Backup = &BackupArgs{Schedule: "cron(0 3 * * * *)", RetentionDays: 7}
		}},
		{"backup email", "backup.notifyEmail", func(a *TenantStackArgs) {
			a.Backup = &BackupArgs{Schedule: "cron(0 3 * * ? *)", RetentionDays: 7, NotifyEmail: "ops"}
		}},
		{"short password name", "environment.DB_PASS", func(a *TenantStackArgs) {
			a.EnvironmentVariables = map[string]string{"DB_PASS": "x"}
		}},
		{"password in a URL", "environment.DATABASE_URL", func(a *TenantStackArgs) {
			a.EnvironmentVariables = map[string]string{"DATABASE_URL": "postgres://user:pass@host/db"}
		}},
		{"tenantConfig in another case", "environment.TENANTCONFIG", func(a *TenantStackArgs) {
			a.EnvironmentVariables = map[string]string{"TENANTCONFIG": "{}"}
		}},
		{"branch git refuses", "branch", func(a *TenantStackArgs) { a.Branch = "feature/.x" }},
		{"newline in name", "name", func(a *TenantStackArgs) { a.DisplayName = "Acme\nCorp" }},
		{"credentials in repository", "repository", func(a *TenantStackArgs) { a.Repository = "https://u:p@github.com/o/r" }},
		{"instance class without a size", "database.instanceClass", func(a *TenantStackArgs) {
			a.Database = DatabaseArgs{Engine: EngineAuroraPostgreSQL, InstanceClass: "db."}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := validArgs()
			c.edit(&a)
			cloud, err := runTenant(t, "acme", &a, "")
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("want a FieldError, got %v", err)
			}
			if !strings.Contains(err.Error(), `tenant "acme": `+c.field+": ") {
				t.Errorf("error %q does not name tenant acme and field %s", err, c.field)
			}
			if n := len(cloud.Resources()); n != 0 {
				t.Errorf("registered %d resources, want none", n)
			}
		})
	}
}

func TestInvalidIDRegistersNothing(t *testing.T) {
	// "--" passes the pattern but not RDS (cluster and snapshot identifiers).
	for _, id := range []string{"Acme_Corp", "acme--eu", "acme-", "ac", strings.Repeat("a", 33)} {
		t.Run(id, func(t *testing.T) {
			a := validArgs()
			cloud, err := runTenant(t, id, &a, "")
			if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("tenant %q: id: ", id)) {
				t.Fatalf("want an id error, got %v", err)
			}
			if len(cloud.Resources()) != 0 {
				t.Error("registered resources for an invalid id")
			}
		})
	}
}

// TestNilArgs: nil args are an error that names the tenant, not a panic,
// and nothing is registered, the component included.
func TestNilArgs(t *testing.T) {
	cloud, err := runTenant(t, "acme", nil, "")
	if err == nil || !strings.Contains(err.Error(), `tenant "acme": args are required`) {
		t.Fatalf("want the error %q, got %v", `tenant "acme": args are required`, err)
	}
	if n := len(cloud.Resources()); n != 0 {
		t.Errorf("registered %d resources for nil args, want none", n)
	}
}

func TestOwnProviderIsAChildInTheTenantsRegion(t *testing.T) {
	a := validArgs()
	cloud, err := runTenant(t, "acme", &a, "")
	if err != nil {
		t.Fatal(err)
	}
	var provider *mockcloud.Resource
	for _, r := range cloud.Resources() {
		if r.Type == "pulumi:providers:aws" {
			provider = &r
		}
	}
	if provider == nil || provider.Name != "acme-aws" || !strings.Contains(provider.Parent, TypeToken) {
		t.Fatalf("want provider acme-aws parented to the component, got %+v", provider)
	}
	for _, r := range cloud.Resources() {
		if strings.HasPrefix(r.Type, "aws:") && cloud.Region(r.Provider) != "eu-west-1" {
			t.Errorf("%s: provider region %q, want eu-west-1", r.Name, cloud.Region(r.Provider))
		}
	}
}

func TestProviderFromAnotherRegionIsRefused(t *testing.T) {
	a := validArgs()
	_, err := runTenant(t, "acme", &a, "us-east-1")
	if err == nil || !strings.Contains(err.Error(), `tenant "acme": region: the aws provider passed in is for region "us-east-1", not "eu-west-1"`) {
		t.Fatalf("want a region mismatch error, got %v", err)
	}
}
