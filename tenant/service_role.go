package tenant

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// backendDeployPolicy is the AWS managed policy for Amplify Gen 2 backend
// deployments (CDK stacks named amplify-*), from the AWS Managed Policy
// Reference, "AmplifyBackendDeployFullAccess".
const backendDeployPolicy = "arn:aws:iam::aws:policy/service-role/AmplifyBackendDeployFullAccess"

// globalServices are the services whose calls name us-east-1 or no region
// in aws:RequestedRegion, whatever region the tenant is in (IAM User Guide,
// "aws:RequestedRegion"; the region-restriction example of the AWS
// Organizations User Guide, "Deny access to AWS based on the requested
// AWS Region").
var globalServices = []string{"iam:*", "sts:*", "cloudfront:*", "route53:*", "support:*", "organizations:Describe*"}

// tenantDataActions are the actions on data-bearing services the boundary
// denies on any tenancy resource of another tenant.
var tenantDataActions = []string{"kms:*", "dynamodb:*", "rds:*", "rds-data:*", "secretsmanager:*", "backup:*"}

// serviceRole creates the role Amplify assumes to build the app and deploy
// its backend (API, functions) with CDK, in the tenant's region. Its
// managed policy is AWS's; its permissions boundary keeps it in the
// tenant's region and away from every other tenant's data and from the
// roles and policies tenancy manages.
func (b *builder) serviceRole() (*iam.Role, error) {
	region, id := b.args.Region, b.id
	boundary, err := iam.NewPolicy(b.ctx, b.name("service-boundary"), &iam.PolicyArgs{
		Description: pulumi.Sprintf("Permissions boundary of the Amplify service role of tenant %s (%s)", id, b.args.Environment),
		Policy: policyOf(func([]string) []policyStatement {
			return serviceBoundary(id, region)
		}, b.account),
		Tags: b.tags(),
	}, b.opts()...)
	if err != nil {
		return nil, fmt.Errorf("service role boundary: %w", err)
	}
	role, err := iam.NewRole(b.ctx, b.name("service"), &iam.RoleArgs{
		Description:         pulumi.Sprintf("Amplify service role (backend deployment) of tenant %s (%s)", id, b.args.Environment),
		AssumeRolePolicy:    b.amplifyTrust(),
		PermissionsBoundary: boundary.Arn,
		Tags:                b.tags(),
	}, b.opts()...)
	if err != nil {
		return nil, fmt.Errorf("service role: %w", err)
	}
	_, err = iam.NewRolePolicyAttachment(b.ctx, b.name("service-backend"), &iam.RolePolicyAttachmentArgs{
		Role:      role.Name,
		PolicyArn: pulumi.String(backendDeployPolicy),
	}, b.opts()...)
	if err != nil {
		return nil, fmt.Errorf("service role policy: %w", err)
	}
	return role, nil
}

// serviceBoundary allows what the attached policy allows, except: anything
// outside the tenant's region (global services aside), any action on the
// key, database, secret or backups of another tenant (tagged
// managed-by=tenancy with another tenant tag), and any change to a role or
// policy tenancy manages, this one and its boundary included.
func serviceBoundary(id, region string) []policyStatement {
	return []policyStatement{{
		Sid: "AllowWhatTheManagedPolicyAllows", Effect: "Allow", Action: []string{"*"}, Resource: []string{"*"},
	}, {
		Sid: "DenyOtherRegions", Effect: "Deny", NotAction: globalServices, Resource: []string{"*"},
		Condition: map[string]any{"StringNotEquals": map[string]string{"aws:RequestedRegion": region}},
	}, {
		Sid: "DenyOtherTenantsData", Effect: "Deny", Action: tenantDataActions, Resource: []string{"*"},
		Condition: map[string]any{
			"StringEquals":    map[string]string{"aws:ResourceTag/managed-by": "tenancy"},
			"StringNotEquals": map[string]string{"aws:ResourceTag/tenant": id},
		},
	}, {
		Sid: "DenyChangesToTenancyIAM", Effect: "Deny", Action: []string{"iam:*"}, Resource: []string{"*"},
		Condition: map[string]any{"StringEquals": map[string]string{"aws:ResourceTag/managed-by": "tenancy"}},
	}}
}
