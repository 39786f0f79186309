package tenant

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// amplifyTrust lets Amplify assume a role for Amplify apps of this account
// in the tenant's region only. The app's own ARN would be tighter, but the
// app needs the role's ARN first: a cycle (Amplify User Guide, "Adding a
// service role": aws:SourceArn and aws:SourceAccount).
func (b *builder) amplifyTrust() pulumi.StringOutput {
	region := b.args.Region
	return policyOf(func(v []string) []policyStatement {
		return []policyStatement{serviceTrust("amplify.amazonaws.com", v[0],
			fmt.Sprintf("arn:aws:amplify:%s:%s:apps/*", region, v[0]))}
	}, b.account)
}

// role creates one of the tenant's roles, named suffix, with its inline
// policy, named policySuffix.
func (b *builder) role(suffix, policySuffix, description string, trust, policy pulumi.StringOutput) (*iam.Role, error) {
	role, err := iam.NewRole(b.ctx, b.name(suffix), &iam.RoleArgs{
		Description:      pulumi.Sprintf("%s of tenant %s (%s)", description, b.id, b.args.Environment),
		AssumeRolePolicy: trust,
		Tags:             b.tags(),
	}, b.opts()...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", description, err)
	}
	_, err = iam.NewRolePolicy(b.ctx, b.name(policySuffix), &iam.RolePolicyArgs{Role: role.Name, Policy: policy}, b.opts()...)
	if err != nil {
		return nil, fmt.Errorf("%s policy: %w", description, err)
	}
	return role, nil
}

// computeRole creates the role the Amplify SSR runtime assumes. Its policy
// names this tenant's key and database ARNs and nothing else, so one
// tenant's server code can never read another tenant's data.
func (b *builder) computeRole(key *kms.Key, db *database) (*iam.Role, error) {
	engine := b.args.Database.Engine
	policy := policyOf(func(v []string) []policyStatement {
		return dataAccessStatements(engine, v[0], v[1], v[2])
	}, key.Arn, db.arn, db.secretArn)
	return b.role("compute", "compute-data", "Amplify SSR compute role", b.amplifyTrust(), policy)
}

// dataAccessStatements grants read and write on exactly one tenant's
// database and use of exactly its key.
func dataAccessStatements(engine DatabaseEngine, keyArn, dbArn, secretArn string) []policyStatement {
	keyUse := allow([]string{"kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"}, keyArn)
	if engine == EngineAuroraPostgreSQL {
		return []policyStatement{keyUse,
			allow([]string{"rds-data:ExecuteStatement", "rds-data:BatchExecuteStatement",
				"rds-data:BeginTransaction", "rds-data:CommitTransaction", "rds-data:RollbackTransaction"}, dbArn),
			allow([]string{"secretsmanager:GetSecretValue"}, secretArn),
		}
	}
	return []policyStatement{keyUse, allow([]string{"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
		"dynamodb:Query", "dynamodb:Scan", "dynamodb:BatchGetItem", "dynamodb:BatchWriteItem",
		"dynamodb:ConditionCheckItem", "dynamodb:DescribeTable"}, dbArn, dbArn+"/index/*")}
}
