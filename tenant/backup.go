package tenant

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/backup"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// backupVaultEvents are the vault events sent to the tenant's topic.
var backupVaultEvents = []string{"BACKUP_JOB_COMPLETED", "BACKUP_JOB_FAILED", "RESTORE_JOB_COMPLETED", "RESTORE_JOB_FAILED"}

// backup creates the tenant's AWS Backup vault, plan and selection, all in
// the tenant's region. The plan has no copy action: a tenant's data never
// leaves its region, not even as a backup.
func (b *builder) backup(key *kms.Key, db *database) error {
	cfg := b.args.Backup
	if cfg == nil {
		return nil
	}
	vault, err := backup.NewVault(b.ctx, b.name("backup-vault"), &backup.VaultArgs{
		KmsKeyArn: key.Arn,
		Tags:      b.tags(),
	}, b.dataOpts()...)
	if err != nil {
		return fmt.Errorf("backup vault: %w", err)
	}
	plan, err := backup.NewPlan(b.ctx, b.name("backup-plan"), &backup.PlanArgs{
		Rules: backup.PlanRuleArray{backup.PlanRuleArgs{
			RuleName:        pulumi.String(b.id + "-scheduled"),
			TargetVaultName: vault.Name,
			Schedule:        pulumi.String(cfg.Schedule),
			Lifecycle:       backup.PlanRuleLifecycleArgs{DeleteAfter: pulumi.Int(cfg.RetentionDays)},
		}},
		Tags: b.tags(),
	}, b.opts()...)
	if err != nil {
		return fmt.Errorf("backup plan: %w", err)
	}
	role, err := b.backupRole(key, db, vault)
	if err != nil {
		return err
	}
	_, err = backup.NewSelection(b.ctx, b.name("backup-selection"), &backup.SelectionArgs{
		IamRoleArn: role.Arn,
		PlanId:     plan.ID(),
		Resources:  pulumi.StringArray{db.arn},
	}, b.opts()...)
	if err != nil {
		return fmt.Errorf("backup selection: %w", err)
	}
	if cfg.NotifyEmail != "" {
		return b.backupNotifications(vault, cfg.NotifyEmail)
	}
	return nil
}

// backupRole is the role AWS Backup assumes to back up this tenant's
// database; it reaches this tenant's database, key and vault only.
func (b *builder) backupRole(key *kms.Key, db *database, vault *backup.Vault) (*iam.Role, error) {
	trust, err := policyJSON(policyStatement{
		Effect:    "Allow",
		Action:    []string{"sts:AssumeRole"},
		Principal: map[string]string{"Service": "backup.amazonaws.com"},
	})
	if err != nil {
		return nil, err
	}
	role, err := iam.NewRole(b.ctx, b.name("backup-role"), &iam.RoleArgs{
		Description:      pulumi.Sprintf("AWS Backup role of tenant %s (%s)", b.id, b.args.Environment),
		AssumeRolePolicy: pulumi.String(trust),
		Tags:             b.tags(),
	}, b.opts()...)
	if err != nil {
		return nil, fmt.Errorf("backup role: %w", err)
	}
	engine := b.args.Database.Engine
	policy := pulumi.All(key.Arn, db.arn, vault.Arn).ApplyT(func(v []any) (string, error) {
		return policyJSON(backupStatements(b.id, engine, v[0].(string), v[1].(string), v[2].(string))...)
	}).(pulumi.StringOutput)
	_, err = iam.NewRolePolicy(b.ctx, b.name("backup-access"), &iam.RolePolicyArgs{
		Role:   role.Name,
		Policy: policy,
	}, b.opts()...)
	if err != nil {
		return nil, fmt.Errorf("backup role policy: %w", err)
	}
	return role, nil
}

// snapshotCreateActions are the only actions allowed on snapshot ARNs that
// cannot name the tenant.
var snapshotCreateActions = []string{"rds:CreateDBClusterSnapshot", "rds:AddTagsToResource", "rds:DescribeDBClusterSnapshots"}

func backupStatements(tenantID string, engine DatabaseEngine, keyArn, dbArn, vaultArn string) []policyStatement {
	statements := []policyStatement{{
		Effect:   "Allow",
		Action:   []string{"kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey", "kms:CreateGrant"},
		Resource: []string{keyArn},
	}, {
		Effect:   "Allow",
		Action:   []string{"backup:DescribeBackupVault", "backup:CopyIntoBackupVault"},
		Resource: []string{vaultArn},
	}}
	if engine == EngineAuroraPostgreSQL {
		// AWS Backup names its snapshots awsbackup:job-<uuid>, so their ARNs
		// cannot name the tenant. Creating one needs this tenant's cluster
		// ARN as well (the cluster statement below), so the wildcard reaches
		// no other tenant's data; deleting one is limited to snapshots tagged
		// with this tenant (copyTagsToSnapshot puts the tag there).
		snapshots := strings.Replace(dbArn, ":cluster:", ":cluster-snapshot:", 1)
		snapshots = snapshots[:strings.LastIndex(snapshots, ":")+1] + "awsbackup:*"
		return append(statements, policyStatement{
			Effect:   "Allow",
			Action:   []string{"rds:DescribeDBClusters", "rds:CreateDBClusterSnapshot", "rds:ListTagsForResource"},
			Resource: []string{dbArn},
		}, policyStatement{
			Effect:   "Allow",
			Action:   snapshotCreateActions,
			Resource: []string{snapshots},
		}, policyStatement{
			Effect:    "Allow",
			Action:    []string{"rds:DeleteDBClusterSnapshot"},
			Resource:  []string{snapshots},
			Condition: map[string]any{"StringEquals": map[string]string{"aws:ResourceTag/tenant": tenantID}},
		})
	}
	return append(statements, policyStatement{
		Effect: "Allow",
		Action: []string{"dynamodb:DescribeTable", "dynamodb:CreateBackup", "dynamodb:DescribeBackup",
			"dynamodb:DeleteBackup", "dynamodb:ListTagsOfResource"},
		Resource: []string{dbArn, dbArn + "/backup/*"},
	})
}

// backupNotifications sends the vault's job events to an email address.
func (b *builder) backupNotifications(vault *backup.Vault, email string) error {
	topic, err := sns.NewTopic(b.ctx, b.name("backup-events"), &sns.TopicArgs{Tags: b.tags()}, b.opts()...)
	if err != nil {
		return fmt.Errorf("backup topic: %w", err)
	}
	policy := topic.Arn.ApplyT(func(arn string) (string, error) {
		return policyJSON(policyStatement{
			Effect:    "Allow",
			Action:    []string{"sns:Publish"},
			Resource:  []string{arn},
			Principal: map[string]string{"Service": "backup.amazonaws.com"},
		})
	}).(pulumi.StringOutput)
	if _, err := sns.NewTopicPolicy(b.ctx, b.name("backup-events-policy"), &sns.TopicPolicyArgs{
		Arn: topic.Arn, Policy: policy,
	}, b.opts()...); err != nil {
		return fmt.Errorf("backup topic policy: %w", err)
	}
	if _, err := backup.NewVaultNotifications(b.ctx, b.name("backup-notifications"), &backup.VaultNotificationsArgs{
		BackupVaultName:   vault.Name,
		SnsTopicArn:       topic.Arn,
		BackupVaultEvents: pulumi.ToStringArray(backupVaultEvents),
	}, b.opts()...); err != nil {
		return fmt.Errorf("backup notifications: %w", err)
	}
	if _, err := sns.NewTopicSubscription(b.ctx, b.name("backup-email"), &sns.TopicSubscriptionArgs{
		Topic: topic.Arn, Protocol: pulumi.String("email"), Endpoint: pulumi.String(email),
	}, b.opts()...); err != nil {
		return fmt.Errorf("backup email subscription: %w", err)
	}
	return nil
}
