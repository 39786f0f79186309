package tenant

import "fmt"

// backupScope is what the backup and restore policies of one tenant name.
// Each is compared, action by action, with AWS's managed policies
// AWSBackupServiceRolePolicyForBackup (v30) and
// AWSBackupServiceRolePolicyForRestores (v35) (AWS Managed Policy
// Reference), keeping the DynamoDB, Aurora, KMS and AWS Backup actions and
// narrowing each resource to this tenant where the action allows it.
type backupScope struct {
	tenant, region          string
	engine                  DatabaseEngine
	account, key, db, vault string
}

// with fills in the values policyOf resolves: account, key, database and
// vault ARNs, in that order.
func (s backupScope) with(v []string) backupScope {
	s.account, s.key, s.db, s.vault = v[0], v[1], v[2], v[3]
	return s
}

func (s backupScope) arn(service, resource string) string {
	return fmt.Sprintf("arn:aws:%s:%s:%s:%s", service, s.region, s.account, resource)
}

// backupSnapshots are the cluster snapshots AWS Backup takes: it names them
// awsbackup:job-<uuid>, so their ARNs cannot name the tenant.
func (s backupScope) backupSnapshots() string { return s.arn("rds", "cluster-snapshot:awsbackup:*") }

// restorePrefix is the name a restored table, cluster or instance must
// start with: a restore creates a new resource whose name the operator
// chooses, so the restore role can reach only names of this form.
func (s backupScope) restorePrefix() string { return s.tenant + "-restore-" }

// tenantTag is the condition that a resource carries the tenant's tag.
func tenantTag(id string) map[string]any {
	return map[string]any{"StringEquals": map[string]string{"aws:ResourceTag/tenant": id}}
}

// keyGrant lets AWS Backup hand the tenant key to the service that stores
// the data, only for AWS resources (kms:GrantIsForAWSResource).
func (s backupScope) keyGrant() policyStatement {
	return policyStatement{Effect: "Allow", Action: []string{"kms:CreateGrant"}, Resource: []string{s.key},
		Condition: map[string]any{"Bool": map[string]string{"kms:GrantIsForAWSResource": "true"}}}
}

// backupStatements: ForBackup's DynamoDB, RDS cluster, KMS and vault
// statements, on this tenant's table or cluster, key and vault. Left out:
// the copy actions (rds:CopyDBClusterSnapshot, backup:CopyFromBackupVault),
// since tenancy makes no copies, and every other engine's actions. Not
// scopable, so left on "*" or on the account: tag:GetResources and
// rds:DescribeDBClusterSnapshots (list actions), backup:TagResource on
// recovery points and the awsbackup:* snapshots (AWS names them at random;
// taking one still needs this tenant's cluster, and deleting one needs the
// tenant tag copyTagsToSnapshot puts there).
func (s backupScope) backupStatements() []policyStatement {
	out := []policyStatement{
		allow([]string{"kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"}, s.key),
		s.keyGrant(),
		allow([]string{"backup:DescribeBackupVault", "backup:CopyIntoBackupVault"}, s.vault),
		{Effect: "Allow", Action: []string{"backup:TagResource"}, Resource: []string{s.arn("backup", "recovery-point:*")},
			Condition: map[string]any{"StringEquals": map[string]string{"aws:PrincipalAccount": s.account}}},
		allow([]string{"tag:GetResources"}, "*"),
	}
	if s.engine == EngineAuroraPostgreSQL {
		return append(out,
			allow([]string{"rds:DescribeDBClusters", "rds:CreateDBClusterSnapshot", "rds:ListTagsForResource",
				"rds:AddTagsToResource", "rds:ModifyDBCluster"}, s.db),
			allow([]string{"rds:CreateDBClusterSnapshot", "rds:AddTagsToResource", "rds:ListTagsForResource"}, s.backupSnapshots()),
			allow([]string{"rds:DescribeDBClusterSnapshots"}, "*"),
			policyStatement{Effect: "Allow", Action: []string{"rds:DeleteDBClusterSnapshot", "rds:ModifyDBClusterSnapshotAttribute"},
				Resource: []string{s.backupSnapshots()}, Condition: tenantTag(s.tenant)},
		)
	}
	return append(out,
		allow([]string{"dynamodb:DescribeTable", "dynamodb:CreateBackup", "dynamodb:StartAwsBackupJob",
			"dynamodb:ListTagsOfResource"}, s.db),
		allow([]string{"dynamodb:DescribeBackup", "dynamodb:DeleteBackup"}, s.db+"/backup/*"),
	)
}

// restoreStatements: ForRestores' DynamoDB, RDS and KMS statements. A
// restore reads this tenant's recovery points (snapshots tagged with the
// tenant, under its key) and writes only to new resources named
// <id>-restore-*. Not scopable: the RDS Describe actions (list actions) and
// the subnet group, chosen at restore time.
func (s backupScope) restoreStatements() []policyStatement {
	prefix := s.restorePrefix()
	out := []policyStatement{
		allow([]string{"kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext",
			"kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:DescribeKey"}, s.key),
		s.keyGrant(),
	}
	if s.engine == EngineAuroraPostgreSQL {
		cluster, instance := s.arn("rds", "cluster:"+prefix+"*"), s.arn("rds", "db:"+prefix+"*")
		return append(out,
			allow([]string{"rds:RestoreDBClusterFromSnapshot"}, cluster, s.arn("rds", "subgrp:*")),
			policyStatement{Effect: "Allow", Action: []string{"rds:RestoreDBClusterFromSnapshot"},
				Resource: []string{s.backupSnapshots()}, Condition: tenantTag(s.tenant)},
			allow([]string{"rds:RestoreDBClusterToPointInTime"}, cluster, s.db, s.arn("rds", "subgrp:*")),
			allow([]string{"rds:CreateDBInstance", "rds:DeleteDBInstance"}, instance, cluster),
			allow([]string{"rds:DeleteDBCluster", "rds:AddTagsToResource", "rds:ListTagsForResource"}, cluster, instance),
			allow([]string{"rds:DescribeDBClusters", "rds:DescribeDBInstances", "rds:DescribeDBClusterSnapshots"}, "*"),
		)
	}
	table := s.arn("dynamodb", "table/"+prefix+"*")
	return append(out,
		allow([]string{"dynamodb:RestoreTableFromAwsBackup", "dynamodb:DescribeTable", "dynamodb:Scan", "dynamodb:Query",
			"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"}, table),
		allow([]string{"dynamodb:RestoreTableFromBackup"}, s.db+"/backup/*"),
	)
}
