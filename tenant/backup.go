package tenant

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/backup"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// backupVaultEvents are the vault events sent to the tenant's topic: AWS
// sends a failed or expired job as BACKUP_JOB_COMPLETED with its State, and
// sends the *_FAILED events no more (awsrules.BackupVaultEvents).
var backupVaultEvents = []string{"BACKUP_JOB_COMPLETED", "RESTORE_JOB_COMPLETED", "RECOVERY_POINT_MODIFIED"}

// backup creates the tenant's AWS Backup vault, plan and selection, and
// the roles AWS Backup uses to back up and to restore, all in the tenant's
// region. The plan has no copy action: a tenant's data never leaves its
// region, not even as a backup.
func (b *builder) backup(key *kms.Key, db *database) error {
	cfg := b.args.Backup
	if cfg == nil {
		return nil
	}
	vault, err := backup.NewVault(b.ctx, b.name("backup-vault"), &backup.VaultArgs{
		Name:      b.physicalName("aws:backup/vault:Vault", "backup-vault"),
		KmsKeyArn: key.Arn,
		Tags:      b.tags(),
	}, b.dataOpts()...)
	if err != nil {
		return fmt.Errorf("backup vault: %w", err)
	}
	plan, err := backup.NewPlan(b.ctx, b.name("backup-plan"), &backup.PlanArgs{
		Name: b.physicalName("aws:backup/plan:Plan", "backup-plan"),
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
	trust := b.backupTrust()
	scope := backupScope{tenant: b.id, engine: b.args.Database.Engine, region: b.args.Region}
	role, err := b.role("backup-role", "backup-access", "AWS Backup role", trust, policyOf(func(v []string) []policyStatement {
		return scope.with(v).backupStatements()
	}, b.account, key.Arn, db.arn, vault.Arn))
	if err != nil {
		return err
	}
	if _, err := b.role("restore-role", "restore-access", "AWS Backup restore role", trust, policyOf(func(v []string) []policyStatement {
		return scope.with(v).restoreStatements()
	}, b.account, key.Arn, db.arn, vault.Arn)); err != nil {
		return err
	}
	_, err = backup.NewSelection(b.ctx, b.name("backup-selection"), &backup.SelectionArgs{
		Name:       b.physicalName("aws:backup/selection:Selection", "backup-selection"),
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

// backupTrust lets AWS Backup assume a role on behalf of this account only.
func (b *builder) backupTrust() pulumi.StringOutput {
	return policyOf(func(v []string) []policyStatement {
		return []policyStatement{serviceTrust("backup.amazonaws.com", v[0], "")}
	}, b.account)
}

// backupNotifications sends the vault's job events to an email address.
func (b *builder) backupNotifications(vault *backup.Vault, email string) error {
	topic, err := sns.NewTopic(b.ctx, b.name("backup-events"), &sns.TopicArgs{Tags: b.tags()}, b.opts()...)
	if err != nil {
		return fmt.Errorf("backup topic: %w", err)
	}
	// Only AWS Backup, for this tenant's vault in this account, may publish
	// (AWS Backup Developer Guide, "Cross-service confused deputy
	// prevention": aws:SourceArn is the vault when Backup publishes to SNS).
	policy := policyOf(func(v []string) []policyStatement {
		return []policyStatement{{
			Effect:    "Allow",
			Action:    []string{"sns:Publish"},
			Resource:  []string{v[1]},
			Principal: map[string]any{"Service": "backup.amazonaws.com"},
			Condition: map[string]any{
				"StringEquals": map[string]string{"aws:SourceAccount": v[0]},
				"ArnEquals":    map[string]string{"aws:SourceArn": v[2]},
			},
		}}
	}, b.account, topic.Arn, vault.Arn)
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
