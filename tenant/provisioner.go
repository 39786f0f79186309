package tenant

import (
	"context"
	"fmt"

	"github.com/amplify-tenancy/tenancy/internal/provisioner/build"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// The provisioning function runs SQL through the RDS Data API, so it needs
// no network path to a cluster and no VPC (README, "Isolation levels").
const (
	provisionerRuntime = "provided.al2023" // a Go binary named bootstrap
	provisionerHandler = "bootstrap"
	provisionerArch    = "arm64"
	// provisionerTimeout covers CREATE DATABASE on a cluster that is
	// resuming from 0 ACUs (seconds) with room to spare.
	provisionerTimeout = 120
)

// ProvisionerCode builds the provisioner function's deployment package
// (ProvisionerArgs.Code) from this module's source, as the Go toolchain
// finds it from the working directory (the module itself, or a module that
// requires it): for linux/arm64, reproducibly, the same bytes on every
// machine, cached under ~/.cache/tenancy/provisioner. The first build
// takes about a minute.
func ProvisionerCode(ctx context.Context) (pulumi.Archive, error) {
	path, err := build.Archive(ctx)
	if err != nil {
		return nil, fmt.Errorf("provisioner code: %w", err)
	}
	return pulumi.NewFileArchive(path), nil
}

// lambdaBasicExecution is the AWS managed policy that lets a function
// write its logs (AWS Managed Policy Reference,
// "AWSLambdaBasicExecutionRole").
const lambdaBasicExecution = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"

// provisioner creates the region's provisioning function and its role and
// returns the function's name.
func (b *builder) provisioner(code pulumi.Archive) (pulumi.StringOutput, error) {
	region := b.args.Region
	trust := policyOf(func(v []string) []policyStatement {
		return []policyStatement{serviceTrust("lambda.amazonaws.com", v[0], "")}
	}, b.account)
	policy := policyOf(func(v []string) []policyStatement { return provisionerStatements(v[0], region) }, b.account)
	role, err := b.role("provisioner-role", "provisioner-data", "Provisioner role", trust, policy)
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	_, err = iam.NewRolePolicyAttachment(b.ctx, b.name("provisioner-logs"), &iam.RolePolicyAttachmentArgs{
		Role: role.Name, PolicyArn: pulumi.String(lambdaBasicExecution),
	}, b.opts()...)
	if err != nil {
		return pulumi.StringOutput{}, fmt.Errorf("provisioner logs: %w", err)
	}
	fn, err := lambda.NewFunction(b.ctx, b.name("provisioner"), &lambda.FunctionArgs{
		Description:   pulumi.Sprintf("tenancy %s: provisions tenants' databases, schemas and login roles through the RDS Data API", b.args.Environment),
		Runtime:       pulumi.String(provisionerRuntime),
		Handler:       pulumi.String(provisionerHandler),
		Architectures: pulumi.StringArray{pulumi.String(provisionerArch)},
		Code:          code,
		Role:          role.Arn,
		Timeout:       pulumi.Int(provisionerTimeout),
		Tags:          b.tags(),
	}, b.opts()...)
	if err != nil {
		return pulumi.StringOutput{}, fmt.Errorf("provisioner: %w", err)
	}
	return fn.Name, nil
}

// provisionerStatements let the function run statements as the master of
// tenancy's clusters in its region and account, and nothing else: the
// Data API on clusters tagged managed-by=tenancy, reading their master
// secrets (also tagged), and decrypting those through Secrets Manager
// (RDS User Guide, "Authorizing access to the RDS Data API"). A tenant's
// role password comes in the invocation's input; the function never reads
// a tenant's own secret.
func provisionerStatements(account, region string) []policyStatement {
	tagged := map[string]any{"StringEquals": map[string]string{"aws:ResourceTag/managed-by": "tenancy"}}
	return []policyStatement{{
		Sid: "DataAPIOnTenancyClusters", Effect: "Allow", Action: []string{"rds-data:ExecuteStatement"},
		Resource:  []string{fmt.Sprintf("arn:aws:rds:%s:%s:cluster:*", region, account)},
		Condition: tagged,
	}, {
		Sid: "ReadMasterSecrets", Effect: "Allow", Action: []string{"secretsmanager:GetSecretValue"},
		Resource:  []string{fmt.Sprintf("arn:aws:secretsmanager:%s:%s:secret:*", region, account)},
		Condition: tagged,
	}, {
		Sid: "DecryptThroughSecretsManager", Effect: "Allow", Action: []string{"kms:Decrypt"},
		Resource: []string{fmt.Sprintf("arn:aws:kms:%s:%s:key/*", region, account)},
		Condition: map[string]any{
			"StringEquals": map[string]string{"aws:ResourceTag/managed-by": "tenancy", "kms:ViaService": "secretsmanager." + region + ".amazonaws.com"},
		},
	}}
}
