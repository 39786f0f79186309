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
		Description:      pulumi.Sprintf("%s of %s (%s)", description, b.owner(), b.args.Environment),
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
// tenant's server code can never read another tenant's data; in a shared
// table, only items under the tenant's key prefix.
func (b *builder) computeRole(key *kms.Key, db *database) (*iam.Role, error) {
	engine, prefix := b.args.Database.Engine, db.keyPrefix
	policy := policyOf(func(v []string) []policyStatement {
		return dataAccessStatements(engine, prefix, v[0], v[1], v[2], v[3])
	}, key.Arn, db.arn, db.secretArn, db.keyArn)
	return b.role("compute", "compute-data", "Amplify SSR compute role", b.amplifyTrust(), policy)
}

// tableActions are what an app does with its items; itemActions the ones
// dynamodb:LeadingKeys limits (DynamoDB Developer Guide, "Using IAM policy
// conditions for fine-grained access control": the condition applies to
// actions that name a partition key, so Scan, which names none, is left
// out for a tenant in a shared table).
var (
	itemActions = []string{"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
		"dynamodb:Query", "dynamodb:BatchGetItem", "dynamodb:BatchWriteItem", "dynamodb:ConditionCheckItem"}
	tableActions = []string{"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
		"dynamodb:Query", "dynamodb:Scan", "dynamodb:BatchGetItem", "dynamodb:BatchWriteItem",
		"dynamodb:ConditionCheckItem", "dynamodb:DescribeTable"}
)

// dataAccessStatements grants read and write on exactly one tenant's
// database (or, with a key prefix, its items in a shared table) and use of
// exactly the keys that encrypt it: the tenant's, and a shared table's.
func dataAccessStatements(engine DatabaseEngine, keyPrefix, keyArn, dbArn, secretArn, tableKeyArn string) []policyStatement {
	keyActions := []string{"kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"}
	keyUse := allow(keyActions, keyArn)
	if engine == EngineAuroraPostgreSQL {
		return []policyStatement{keyUse,
			allow([]string{"rds-data:ExecuteStatement", "rds-data:BatchExecuteStatement",
				"rds-data:BeginTransaction", "rds-data:CommitTransaction", "rds-data:RollbackTransaction"}, dbArn),
			allow([]string{"secretsmanager:GetSecretValue"}, secretArn),
		}
	}
	if keyPrefix == "" {
		return []policyStatement{keyUse, allow(tableActions, dbArn, dbArn+"/index/*")}
	}
	items := allow(itemActions, dbArn)
	items.Condition = map[string]any{"ForAllValues:StringLike": map[string]any{"dynamodb:LeadingKeys": []string{keyPrefix + "*"}}}
	return []policyStatement{allow(keyActions, tableKeyArn), items}
}
