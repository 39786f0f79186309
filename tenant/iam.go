package tenant

import (
	"encoding/json"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// policyStatement is one statement of an IAM policy document.
type policyStatement struct {
	Effect    string            `json:"Effect"`
	Action    []string          `json:"Action"`
	Resource  []string          `json:"Resource,omitempty"`
	Principal map[string]string `json:"Principal,omitempty"`
	Condition map[string]any    `json:"Condition,omitempty"`
}

func policyJSON(statements ...policyStatement) (string, error) {
	out, err := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": statements})
	return string(out), err
}

// computeRole creates the role the Amplify SSR runtime assumes. Its policy
// names this tenant's key and database ARNs and nothing else, so one
// tenant's server code can never read another tenant's data.
func (b *builder) computeRole(key *kms.Key, db *database) (*iam.Role, error) {
	trust, err := policyJSON(policyStatement{
		Effect:    "Allow",
		Action:    []string{"sts:AssumeRole"},
		Principal: map[string]string{"Service": "amplify.amazonaws.com"},
	})
	if err != nil {
		return nil, err
	}
	role, err := iam.NewRole(b.ctx, b.name("compute"), &iam.RoleArgs{
		Description:      pulumi.Sprintf("Amplify SSR compute role of tenant %s (%s)", b.id, b.args.Environment),
		AssumeRolePolicy: pulumi.String(trust),
		Tags:             b.tags(),
	}, b.opts()...)
	if err != nil {
		return nil, fmt.Errorf("compute role: %w", err)
	}
	engine := b.args.Database.Engine
	policy := pulumi.All(key.Arn, db.arn, db.secretArn).ApplyT(func(v []any) (string, error) {
		return policyJSON(dataAccessStatements(engine, v[0].(string), v[1].(string), v[2].(string))...)
	}).(pulumi.StringOutput)
	_, err = iam.NewRolePolicy(b.ctx, b.name("compute-data"), &iam.RolePolicyArgs{
		Role:   role.Name,
		Policy: policy,
	}, b.opts()...)
	if err != nil {
		return nil, fmt.Errorf("compute role policy: %w", err)
	}
	return role, nil
}

// dataAccessStatements grants read and write on exactly one tenant's
// database and use of exactly its key.
func dataAccessStatements(engine DatabaseEngine, keyArn, dbArn, secretArn string) []policyStatement {
	keyUse := policyStatement{
		Effect:   "Allow",
		Action:   []string{"kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"},
		Resource: []string{keyArn},
	}
	if engine == EngineAuroraPostgreSQL {
		return []policyStatement{keyUse, {
			Effect: "Allow",
			Action: []string{"rds-data:ExecuteStatement", "rds-data:BatchExecuteStatement",
				"rds-data:BeginTransaction", "rds-data:CommitTransaction", "rds-data:RollbackTransaction"},
			Resource: []string{dbArn},
		}, {
			Effect:   "Allow",
			Action:   []string{"secretsmanager:GetSecretValue"},
			Resource: []string{secretArn},
		}}
	}
	return []policyStatement{keyUse, {
		Effect: "Allow",
		Action: []string{"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
			"dynamodb:Query", "dynamodb:Scan", "dynamodb:BatchGetItem", "dynamodb:BatchWriteItem",
			"dynamodb:ConditionCheckItem", "dynamodb:DescribeTable"},
		Resource: []string{dbArn, dbArn + "/index/*"},
	}}
}
