package iampolicy

// Table maps every resource type the program registers to what it needs
// from IAM. A type that makes no AWS call has a row with no permissions
// and says why. Types without a CloudFormation schema of their own take
// the permissions of the schema (or provider code) that does the same.
var Table = map[string]Row{
	"aws:amplify/app:App": schema("AWS::Amplify::App", "aws-amplify-app.json",
		"amplify:GetApp amplify:CreateApp amplify:TagResource codecommit:GetRepository codecommit:PutRepositoryTriggers codecommit:GetRepositoryTriggers sns:CreateTopic sns:Subscribe iam:PassRole",
		"amplify:GetApp amplify:ListTagsForResource codecommit:GetRepository codecommit:GetRepositoryTriggers iam:PassRole",
		"amplify:GetApp amplify:UpdateApp amplify:ListTagsForResource amplify:TagResource amplify:UntagResource codecommit:GetRepository codecommit:PutRepositoryTriggers codecommit:GetRepositoryTriggers sns:CreateTopic sns:Subscribe sns:Unsubscribe iam:PassRole",
		"amplify:GetApp amplify:DeleteApp codecommit:GetRepository codecommit:GetRepositoryTriggers codecommit:PutRepositoryTriggers sns:Unsubscribe iam:PassRole",
		"amplify:GetApp amplify:ListApps amplify:ListTagsForResource iam:PassRole").
		except(codeCommit, codeCommitActions...).
		notInPreview(passRoleOnRead, "iam:PassRole"),
	"aws:amplify/branch:Branch": schema("AWS::Amplify::Branch", "aws-amplify-branch.json",
		"amplify:GetBranch amplify:CreateBranch amplify:TagResource codecommit:GetRepository codecommit:PutRepositoryTriggers codecommit:GetRepositoryTriggers s3:GetObject s3:GetObjectAcl s3:PutObject s3:PutObjectAcl sns:CreateTopic sns:Subscribe iam:PassRole",
		"amplify:GetBranch amplify:ListTagsForResource codecommit:GetRepository codecommit:GetRepositoryTriggers s3:GetObject s3:GetObjectAcl iam:PassRole",
		"amplify:GetBranch amplify:UpdateBranch amplify:ListTagsForResource amplify:TagResource amplify:UntagResource codecommit:GetRepository codecommit:PutRepositoryTriggers codecommit:GetRepositoryTriggers s3:GetObject s3:GetObjectAcl s3:PutObject s3:PutObjectAcl sns:CreateTopic sns:Subscribe sns:Unsubscribe iam:PassRole",
		"amplify:GetBranch amplify:DeleteBranch codecommit:GetRepository codecommit:GetRepositoryTriggers sns:Unsubscribe iam:PassRole",
		"amplify:GetBranch amplify:ListBranches amplify:ListTagsForResource iam:PassRole").
		except(codeCommit, codeCommitActions...).
		except(amplifyS3, "s3:GetObject", "s3:GetObjectAcl", "s3:PutObject", "s3:PutObjectAcl").
		notInPreview(passRoleOnRead, "iam:PassRole"),
	"aws:amplify/domainAssociation:DomainAssociation": schema("AWS::Amplify::Domain", "aws-amplify-domain.json",
		"amplify:GetDomainAssociation amplify:CreateDomainAssociation route53:ListHostedZones route53:ChangeResourceRecordSets iam:PassRole amplify:TagResource",
		"amplify:GetDomainAssociation route53:ListHostedZones iam:PassRole amplify:ListTagsForResource",
		"amplify:GetDomainAssociation amplify:UpdateDomainAssociation route53:ListHostedZones route53:ChangeResourceRecordSets iam:PassRole amplify:ListTagsForResource amplify:TagResource amplify:UntagResource",
		"amplify:GetDomainAssociation amplify:DeleteDomainAssociation route53:ListHostedZones iam:PassRole",
		"amplify:ListDomainAssociations iam:PassRole amplify:ListTagsForResource").
		notInPreview(passRoleOnRead, "iam:PassRole"),
	"aws:backup/plan:Plan": schema("AWS::Backup::BackupPlan", "aws-backup-backupplan.json",
		"backup:GetBackupPlan backup:TagResource backup:CreateBackupPlan iam:PassRole",
		"backup:GetBackupPlan backup:ListTags",
		"backup:UpdateBackupPlan backup:ListTags backup:TagResource backup:UntagResource iam:PassRole",
		"backup:GetBackupPlan backup:DeleteBackupPlan",
		"backup:ListBackupPlans"),
	"aws:backup/selection:Selection": schema("AWS::Backup::BackupSelection", "aws-backup-backupselection.json",
		"backup:CreateBackupSelection iam:GetRole iam:PassRole iam:CreateServiceLinkedRole",
		"backup:GetBackupSelection",
		"",
		"backup:GetBackupSelection backup:DeleteBackupSelection",
		"backup:ListBackupSelections backup:ListBackupPlans"),
	"aws:backup/vault:Vault": schema("AWS::Backup::BackupVault", "aws-backup-backupvault.json",
		"backup:TagResource backup:CreateBackupVault backup:PutBackupVaultAccessPolicy backup:PutBackupVaultNotifications backup:PutBackupVaultLockConfiguration backup-storage:Mount backup-storage:MountCapsule kms:CreateGrant kms:GenerateDataKey kms:Decrypt kms:RetireGrant kms:DescribeKey",
		"backup:DescribeBackupVault backup:GetBackupVaultNotifications backup:GetBackupVaultAccessPolicy backup:ListTags",
		"backup:DescribeBackupVault backup:DeleteBackupVaultAccessPolicy backup:DeleteBackupVaultNotifications backup:DeleteBackupVaultLockConfiguration backup:ListTags backup:TagResource backup:UntagResource backup:PutBackupVaultAccessPolicy backup:PutBackupVaultNotifications backup:PutBackupVaultLockConfiguration",
		"backup:DeleteBackupVault",
		"backup:ListBackupVaults").
		except("tenancy sets no vault lock and no vault access policy (tenant/backup.go)",
			"backup:PutBackupVaultLockConfiguration", "backup:DeleteBackupVaultLockConfiguration",
			"backup:PutBackupVaultAccessPolicy", "backup:DeleteBackupVaultAccessPolicy"),
	"aws:dynamodb/table:Table": schema("AWS::DynamoDB::Table", "aws-dynamodb-table.json",
		"dynamodb:CreateTable dynamodb:DescribeImport dynamodb:DescribeTable dynamodb:DescribeTimeToLive dynamodb:UpdateTimeToLive dynamodb:UpdateContributorInsights dynamodb:UpdateContinuousBackups dynamodb:DescribeContinuousBackups dynamodb:DescribeContributorInsights dynamodb:EnableKinesisStreamingDestination dynamodb:DisableKinesisStreamingDestination dynamodb:DescribeKinesisStreamingDestination dynamodb:ImportTable dynamodb:ListTagsOfResource dynamodb:TagResource dynamodb:UpdateTable dynamodb:GetResourcePolicy dynamodb:PutResourcePolicy dynamodb:CreateTableReplica dynamodb:Scan dynamodb:Query dynamodb:UpdateItem dynamodb:PutItem dynamodb:GetItem dynamodb:DeleteItem dynamodb:BatchWriteItem dynamodb:AssociateTableReplica kinesis:DescribeStream kinesis:PutRecords iam:CreateServiceLinkedRole kms:CreateGrant kms:Decrypt kms:DescribeKey kms:ListAliases kms:Encrypt kms:RevokeGrant logs:CreateLogGroup logs:CreateLogStream logs:DescribeLogGroups logs:DescribeLogStreams logs:PutLogEvents logs:PutRetentionPolicy s3:GetObject s3:GetObjectMetadata s3:ListBucket",
		"dynamodb:DescribeTable dynamodb:DescribeContinuousBackups dynamodb:DescribeContributorInsights dynamodb:DescribeKinesisStreamingDestination dynamodb:ListTagsOfResource dynamodb:GetResourcePolicy dynamodb:DescribeTimeToLive",
		"dynamodb:UpdateTable dynamodb:DescribeTable dynamodb:DescribeTimeToLive dynamodb:UpdateTimeToLive dynamodb:UpdateContinuousBackups dynamodb:UpdateContributorInsights dynamodb:UpdateKinesisStreamingDestination dynamodb:DescribeContinuousBackups dynamodb:DescribeKinesisStreamingDestination dynamodb:ListTagsOfResource dynamodb:TagResource dynamodb:UntagResource dynamodb:DescribeContributorInsights dynamodb:EnableKinesisStreamingDestination dynamodb:DisableKinesisStreamingDestination dynamodb:GetResourcePolicy dynamodb:PutResourcePolicy dynamodb:DeleteResourcePolicy dynamodb:CreateTable dynamodb:CreateTableReplica dynamodb:Scan dynamodb:Query dynamodb:UpdateItem dynamodb:PutItem dynamodb:GetItem dynamodb:DeleteItem dynamodb:BatchWriteItem dynamodb:AssociateTableReplica kinesis:DescribeStream kinesis:PutRecords iam:CreateServiceLinkedRole kms:CreateGrant kms:DescribeKey kms:ListAliases kms:RevokeGrant",
		"dynamodb:DeleteTable dynamodb:DescribeTable",
		"dynamodb:ListTables").
		except("tenancy imports no table from S3 (ImportSourceSpecification): the import reads S3 and logs to CloudWatch Logs",
			"dynamodb:ImportTable", "dynamodb:DescribeImport", "s3:GetObject", "s3:GetObjectMetadata", "s3:ListBucket",
			"logs:CreateLogGroup", "logs:CreateLogStream", "logs:DescribeLogGroups", "logs:DescribeLogStreams", "logs:PutLogEvents", "logs:PutRetentionPolicy").
		except("tenancy streams no table to Kinesis (KinesisStreamSpecification)",
			"kinesis:DescribeStream", "kinesis:PutRecords", "dynamodb:EnableKinesisStreamingDestination",
			"dynamodb:DisableKinesisStreamingDestination", "dynamodb:UpdateKinesisStreamingDestination").
		except("tenancy makes no global table replica: a replica would put tenant data in a second region; the item calls serve the handler's replica and import paths, and the aws provider's table resource reads and writes no item",
			"dynamodb:CreateTableReplica", "dynamodb:AssociateTableReplica", "dynamodb:Scan", "dynamodb:Query",
			"dynamodb:UpdateItem", "dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"),
	"aws:ec2/securityGroup:SecurityGroup": schema("AWS::EC2::SecurityGroup", "aws-ec2-securitygroup.json",
		"ec2:CreateSecurityGroup ec2:DescribeSecurityGroups ec2:RevokeSecurityGroupEgress ec2:AuthorizeSecurityGroupEgress ec2:AuthorizeSecurityGroupIngress ec2:CreateTags",
		"ec2:DescribeSecurityGroups",
		"ec2:RevokeSecurityGroupEgress ec2:RevokeSecurityGroupIngress ec2:DescribeSecurityGroups ec2:AuthorizeSecurityGroupEgress ec2:AuthorizeSecurityGroupIngress ec2:UpdateSecurityGroupRuleDescriptionsIngress ec2:UpdateSecurityGroupRuleDescriptionsEgress ec2:CreateTags ec2:DeleteTags",
		"ec2:DescribeSecurityGroups ec2:DeleteSecurityGroup ec2:DescribeInstances",
		"ec2:DescribeSecurityGroups"),
	"aws:ec2/subnet:Subnet": schema("AWS::EC2::Subnet", "aws-ec2-subnet.json",
		"ec2:DescribeSubnets ec2:CreateSubnet ec2:CreateTags ec2:ModifySubnetAttribute",
		"ec2:DescribeSubnets ec2:DescribeNetworkAcls",
		"ec2:DescribeSubnets ec2:ModifySubnetAttribute ec2:CreateTags ec2:DeleteTags ec2:AssociateSubnetCidrBlock ec2:DisassociateSubnetCidrBlock",
		"ec2:DescribeSubnets ec2:DeleteSubnet",
		"ec2:DescribeSubnets ec2:DescribeNetworkAcls"),
	"aws:ec2/vpc:Vpc": schema("AWS::EC2::VPC", "aws-ec2-vpc.json",
		"ec2:CreateTags ec2:CreateVpc ec2:CreateVpcEncryptionControl ec2:DescribeVpcAttribute ec2:DescribeVpcs ec2:ModifyVpcAttribute",
		"ec2:DescribeNetworkAcls ec2:DescribeSecurityGroups ec2:DescribeVpcAttribute ec2:DescribeVpcEncryptionControls ec2:DescribeVpcs",
		"ec2:CreateTags ec2:ModifyVpcAttribute ec2:DescribeVpcAttribute ec2:DeleteTags ec2:ModifyVpcTenancy",
		"ec2:DeleteVpc ec2:DescribeVpcs",
		"ec2:DescribeVpcEncryptionControls ec2:DescribeVpcs").
		except("tenancy sets no VPC encryption control (tenant/network.go)", "ec2:CreateVpcEncryptionControl"),
	"aws:iam/policy:Policy": schema("AWS::IAM::ManagedPolicy", "aws-iam-managedpolicy.json",
		"iam:CreatePolicy iam:AttachGroupPolicy iam:AttachUserPolicy iam:AttachRolePolicy",
		"iam:GetPolicy iam:ListEntitiesForPolicy iam:GetPolicyVersion",
		"iam:DetachRolePolicy iam:GetPolicy iam:ListPolicyVersions iam:DetachGroupPolicy iam:DetachUserPolicy iam:CreatePolicyVersion iam:DeletePolicyVersion iam:AttachGroupPolicy iam:AttachUserPolicy iam:AttachRolePolicy",
		"iam:DetachRolePolicy iam:GetPolicy iam:ListPolicyVersions iam:DetachGroupPolicy iam:DetachUserPolicy iam:DeletePolicyVersion iam:DeletePolicy iam:ListEntitiesForPolicy",
		"iam:ListPolicies").
		except("tenancy attaches its managed policies to no user or group: the one it makes is a role's permissions boundary (tenant/service_role.go)",
			"iam:AttachGroupPolicy", "iam:AttachUserPolicy", "iam:DetachGroupPolicy", "iam:DetachUserPolicy"),
	"aws:iam/role:Role": schema("AWS::IAM::Role", "aws-iam-role.json",
		"iam:CreateRole iam:PutRolePolicy iam:AttachRolePolicy iam:GetRolePolicy iam:TagRole iam:UntagRole iam:GetRole",
		"iam:GetRole iam:ListAttachedRolePolicies iam:ListRolePolicies iam:GetRolePolicy",
		"iam:UpdateRole iam:UpdateRoleDescription iam:UpdateAssumeRolePolicy iam:DetachRolePolicy iam:AttachRolePolicy iam:DeleteRolePermissionsBoundary iam:PutRolePermissionsBoundary iam:DeleteRolePolicy iam:PutRolePolicy iam:TagRole iam:UntagRole",
		"iam:DeleteRole iam:DetachRolePolicy iam:DeleteRolePolicy iam:GetRole iam:ListAttachedRolePolicies iam:ListRolePolicies iam:TagRole iam:UntagRole",
		"iam:ListRoles"),
	"aws:iam/rolePolicy:RolePolicy": schema("AWS::IAM::RolePolicy", "aws-iam-rolepolicy.json",
		"iam:PutRolePolicy iam:GetRolePolicy",
		"iam:GetRolePolicy",
		"iam:PutRolePolicy iam:GetRolePolicy",
		"iam:DeleteRolePolicy iam:GetRolePolicy",
		""),
	"aws:kms/key:Key": schema("AWS::KMS::Key", "aws-kms-key.json",
		"kms:CreateKey kms:EnableKeyRotation kms:DisableKey kms:TagResource kms:PutKeyPolicy",
		"kms:DescribeKey kms:GetKeyPolicy kms:GetKeyRotationStatus kms:ListResourceTags",
		"kms:DescribeKey kms:DisableKey kms:DisableKeyRotation kms:EnableKey kms:EnableKeyRotation kms:PutKeyPolicy kms:TagResource kms:UntagResource kms:UpdateKeyDescription kms:ListResourceTags",
		"kms:DescribeKey kms:ScheduleKeyDeletion",
		"kms:ListKeys kms:DescribeKey"),
	"aws:lambda/function:Function": schema("AWS::Lambda::Function", "aws-lambda-function.json",
		"lambda:CreateFunction lambda:GetFunction lambda:PutFunctionConcurrency iam:PassRole s3:GetObject s3:GetObjectVersion ec2:DescribeSecurityGroups ec2:DescribeSubnets ec2:DescribeVpcs elasticfilesystem:DescribeMountTargets s3files:ListMountTargets kms:CreateGrant kms:Decrypt kms:DescribeKey kms:Encrypt kms:GenerateDataKey lambda:GetCodeSigningConfig lambda:GetFunctionCodeSigningConfig lambda:GetLayerVersion lambda:GetRuntimeManagementConfig lambda:PutRuntimeManagementConfig lambda:TagResource lambda:PutFunctionRecursionConfig lambda:GetFunctionRecursionConfig lambda:PutFunctionScalingConfig lambda:PassCapacityProvider",
		"lambda:GetFunction kms:Decrypt lambda:GetFunctionCodeSigningConfig lambda:GetFunctionRecursionConfig lambda:GetRuntimeManagementConfig lambda:GetFunctionScalingConfig",
		"lambda:DeleteFunctionConcurrency lambda:GetFunction lambda:PutFunctionConcurrency lambda:TagResource lambda:UntagResource lambda:UpdateFunctionConfiguration lambda:UpdateFunctionCode iam:PassRole s3:GetObject s3:GetObjectVersion ec2:DescribeSecurityGroups ec2:DescribeSubnets ec2:DescribeVpcs elasticfilesystem:DescribeMountTargets s3files:ListMountTargets kms:CreateGrant kms:Decrypt kms:DescribeKey kms:GenerateDataKey lambda:GetRuntimeManagementConfig lambda:PutRuntimeManagementConfig lambda:PutFunctionCodeSigningConfig lambda:DeleteFunctionCodeSigningConfig lambda:GetCodeSigningConfig lambda:GetFunctionCodeSigningConfig lambda:PutFunctionRecursionConfig lambda:GetFunctionRecursionConfig lambda:PutFunctionScalingConfig lambda:PublishVersion lambda:PassCapacityProvider",
		"lambda:DeleteFunction lambda:GetFunction ec2:DescribeNetworkInterfaces",
		"lambda:ListFunctions").
		except("the provisioner's code is a zip in the request (pulumi.FileArchive), not an S3 object", "s3:GetObject", "s3:GetObjectVersion").
		except("the provisioner mounts no file system and runs on no capacity provider (tenant/provisioner.go)",
			"elasticfilesystem:DescribeMountTargets", "s3files:ListMountTargets", "lambda:PassCapacityProvider", "lambda:PutFunctionScalingConfig").
		notInPreview("the provisioner sets no KMSKeyArn: Lambda encrypts its variables under an AWS managed key, which the caller needs no kms permission to use (Lambda Developer Guide, \"Securing Lambda environment variables\")", "kms:Decrypt"),
	"aws:rds/cluster:Cluster": schema("AWS::RDS::DBCluster", "aws-rds-dbcluster.json",
		"iam:CreateServiceLinkedRole iam:PassRole rds:AddRoleToDBCluster rds:AddTagsToResource rds:CreateDBCluster rds:CreateDBInstance rds:DescribeDBClusters rds:DescribeDBClusterAutomatedBackups rds:DescribeDBClusterSnapshots rds:DescribeDBSnapshots rds:DescribeEvents rds:EnableHttpEndpoint rds:ModifyDBCluster rds:RestoreDBClusterFromSnapshot rds:RestoreDBClusterToPointInTime rds:DescribeDBClusterSnapshots secretsmanager:CreateSecret secretsmanager:TagResource",
		"rds:DescribeDBClusters",
		"ec2:DescribeSecurityGroups iam:PassRole rds:AddRoleToDBCluster rds:AddTagsToResource rds:DescribeDBClusters rds:DescribeDBSubnetGroups rds:DescribeEvents rds:DescribeGlobalClusters rds:DisableHttpEndpoint rds:EnableHttpEndpoint rds:ModifyDBCluster rds:ModifyDBInstance rds:RemoveFromGlobalCluster rds:RemoveRoleFromDBCluster rds:RemoveTagsFromResource secretsmanager:CreateSecret secretsmanager:TagResource",
		"rds:AddTagsToResource rds:CreateDBClusterSnapshot rds:DeleteDBCluster rds:DeleteDBInstance rds:DescribeDBClusters rds:DescribeGlobalClusters rds:RemoveFromGlobalCluster",
		"rds:DescribeDBClusters"),
	"aws:rds/clusterInstance:ClusterInstance": schema("AWS::RDS::DBInstance", "aws-rds-dbinstance.json",
		"ec2:DescribeAccountAttributes ec2:DescribeAvailabilityZones ec2:DescribeInternetGateways ec2:DescribeSecurityGroups ec2:DescribeSubnets ec2:DescribeVpcAttribute ec2:DescribeVpcs iam:CreateServiceLinkedRole iam:GetRole iam:ListRoles iam:PassRole kms:CreateGrant kms:DescribeKey rds:AddRoleToDBInstance rds:AddTagsToResource rds:CreateDBInstance rds:CreateDBInstanceReadReplica rds:DescribeDBInstances rds:DescribeDBClusters rds:DescribeDBClusterSnapshots rds:DescribeDBInstanceAutomatedBackups rds:DescribeDBSnapshots rds:DescribeEvents rds:ModifyDBInstance rds:RebootDBInstance rds:RestoreDBInstanceFromDBSnapshot rds:RestoreDBInstanceToPointInTime rds:StartDBInstanceAutomatedBackupsReplication secretsmanager:CreateSecret secretsmanager:TagResource",
		"ec2:DescribeAccountAttributes ec2:DescribeAvailabilityZones ec2:DescribeInternetGateways ec2:DescribeSecurityGroups ec2:DescribeSubnets ec2:DescribeVpcAttribute ec2:DescribeVpcs rds:DescribeDBInstances",
		"ec2:DescribeAccountAttributes ec2:DescribeAvailabilityZones ec2:DescribeInternetGateways ec2:DescribeSecurityGroups ec2:DescribeSubnets ec2:DescribeVpcAttribute ec2:DescribeVpcs iam:CreateServiceLinkedRole iam:GetRole iam:ListRoles iam:PassRole kms:CreateGrant kms:DescribeKey rds:AddRoleToDBInstance rds:AddTagsToResource rds:DescribeDBClusters rds:DescribeDBEngineVersions rds:DescribeDBInstances rds:DescribeDBParameterGroups rds:DescribeDBInstanceAutomatedBackups rds:DescribeEvents rds:ModifyDBInstance rds:PromoteReadReplica rds:RebootDBInstance rds:RemoveRoleFromDBInstance rds:RemoveTagsFromResource rds:StartDBInstanceAutomatedBackupsReplication rds:StopDBInstanceAutomatedBackupsReplication secretsmanager:CreateSecret secretsmanager:TagResource",
		"rds:AddTagsToResource rds:CreateDBSnapshot rds:DeleteDBInstance rds:DescribeDBInstances",
		"rds:DescribeDBInstances"),
	"aws:rds/subnetGroup:SubnetGroup": schema("AWS::RDS::DBSubnetGroup", "aws-rds-dbsubnetgroup.json",
		"iam:CreateServiceLinkedRole rds:CreateDBSubnetGroup rds:DescribeDBSubnetGroups rds:AddTagsToResource rds:RemoveTagsFromResource rds:ListTagsForResource",
		"rds:DescribeDBSubnetGroups rds:ListTagsForResource",
		"rds:ModifyDBSubnetGroup rds:DescribeDBSubnetGroups rds:AddTagsToResource rds:RemoveTagsFromResource rds:ListTagsForResource",
		"rds:DeleteDBSubnetGroup rds:DescribeDBSubnetGroups rds:ListTagsForResource",
		"rds:DescribeDBSubnetGroups"),
	"aws:secretsmanager/secret:Secret": schema("AWS::SecretsManager::Secret", "aws-secretsmanager-secret.json",
		"secretsmanager:DescribeSecret secretsmanager:GetRandomPassword secretsmanager:CreateSecret secretsmanager:TagResource secretsmanager:ReplicateSecretToRegions",
		"secretsmanager:DescribeSecret secretsmanager:GetSecretValue",
		"secretsmanager:UpdateSecret secretsmanager:TagResource secretsmanager:UntagResource secretsmanager:GetRandomPassword secretsmanager:GetSecretValue secretsmanager:ReplicateSecretToRegions secretsmanager:RemoveRegionsFromReplication",
		"secretsmanager:DeleteSecret secretsmanager:DescribeSecret secretsmanager:RemoveRegionsFromReplication",
		"secretsmanager:ListSecrets").
		except("replicating a secret would copy tenant credentials out of the tenant's region: tenancy never does", "secretsmanager:ReplicateSecretToRegions", "secretsmanager:RemoveRegionsFromReplication"),
	"aws:sns/topic:Topic": schema("AWS::SNS::Topic", "aws-sns-topic.json",
		"sns:CreateTopic sns:TagResource sns:Subscribe sns:GetTopicAttributes sns:PutDataProtectionPolicy iam:GetRole iam:PassRole",
		"sns:GetTopicAttributes sns:ListTagsForResource sns:ListSubscriptionsByTopic sns:GetDataProtectionPolicy",
		"sns:SetTopicAttributes sns:TagResource sns:UntagResource sns:Subscribe sns:Unsubscribe sns:GetTopicAttributes sns:ListTagsForResource sns:ListSubscriptionsByTopic sns:GetDataProtectionPolicy sns:PutDataProtectionPolicy iam:GetRole iam:PassRole",
		"sns:GetTopicAttributes sns:DeleteTopic",
		"sns:ListTopics").
		except(snsRole, "iam:PassRole"),
	"aws:sns/topicPolicy:TopicPolicy": schema("AWS::SNS::TopicPolicy", "aws-sns-topicpolicy.json",
		"sns:SetTopicAttributes",
		"",
		"sns:SetTopicAttributes",
		"sns:SetTopicAttributes",
		""),
	"aws:sns/topicSubscription:TopicSubscription": schema("AWS::SNS::Subscription", "aws-sns-subscription.json",
		"iam:GetRole iam:PassRole sns:Subscribe",
		"sns:GetSubscriptionAttributes",
		"iam:GetRole iam:PassRole sns:SetSubscriptionAttributes",
		"sns:Unsubscribe sns:GetSubscriptionAttributes",
		"sns:ListSubscriptions").
		except(snsRole, "iam:PassRole"),
	"aws:iam/rolePolicyAttachment:RolePolicyAttachment": {
		CloudFormation: "AWS::IAM::Role (ManagedPolicyArns)",
		Source:         schemaSource + "aws-iam-role.json handlers, the managed-policy calls",
		Create:         []string{"iam:AttachRolePolicy"}, Read: []string{"iam:ListAttachedRolePolicies"},
		Update: []string{"iam:AttachRolePolicy", "iam:DetachRolePolicy"}, Delete: []string{"iam:DetachRolePolicy"},
	},
	"aws:backup/vaultNotifications:VaultNotifications": {
		CloudFormation: "AWS::Backup::BackupVault (Notifications)",
		Source:         schemaSource + "aws-backup-backupvault.json handlers, the notification calls",
		Create:         []string{"backup:PutBackupVaultNotifications"}, Read: []string{"backup:GetBackupVaultNotifications"},
		Update: []string{"backup:PutBackupVaultNotifications"}, Delete: []string{"backup:DeleteBackupVaultNotifications"},
	},
	"aws:secretsmanager/secretVersion:SecretVersion": {
		Source: "no CloudFormation type (a secret's value is a property of AWS::SecretsManager::Secret); " +
			"hashicorp/terraform-provider-aws internal/service/secretsmanager/secret_version.go, the resource pulumi-aws wraps",
		Create: []string{"secretsmanager:PutSecretValue", "secretsmanager:DescribeSecret"},
		Read:   []string{"secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"},
		Update: []string{"secretsmanager:PutSecretValue", "secretsmanager:UpdateSecretVersionStage"},
		Delete: []string{"secretsmanager:UpdateSecretVersionStage", "secretsmanager:DescribeSecret"},
	},
	"aws:lambda/invocation:Invocation": {
		Source: "no CloudFormation type; hashicorp/terraform-provider-aws internal/service/lambda/invocation.go " +
			"(with lifecycle_scope CRUD it invokes the function on create, update and delete, and reads nothing)",
		Create: []string{"lambda:InvokeFunction"}, Update: []string{"lambda:InvokeFunction"}, Delete: []string{"lambda:InvokeFunction"},
	},
	"pulumi:providers:aws": {
		Source: "the aws provider checks its credentials with STS GetCallerIdentity when it starts (pulumi-aws " +
			"provider config skipCredentialsValidation, default false) and, with assumeRole, calls STS AssumeRole " +
			"(tenant/account.go); both in previews too",
		Read: []string{"sts:GetCallerIdentity", "sts:AssumeRole"},
	},
	"pulumi:pulumi:StackReference":               {Source: "no AWS call: the engine reads another stack's outputs from the backend"},
	"random:index/randomId:RandomId":             {Source: "no AWS call: the random provider computes it locally"},
	"random:index/randomPassword:RandomPassword": {Source: "no AWS call: the random provider computes it locally"},
	"tenancy:tenant:TenantStack":                 {Source: "no AWS call: a component resource, state only"},
	"tenancy:tenant:RegionShared":                {Source: "no AWS call: a component resource, state only"},
	// Provider functions (invokes): mockcloud.Invoke answers exactly these
	// and fails on any other, so a program that runs under the mocks calls
	// no other.
	"aws:index/getCallerIdentity:getCallerIdentity": {
		Source: "hashicorp/terraform-provider-aws internal/service/sts/caller_identity_data_source.go: STS GetCallerIdentity",
		Read:   []string{"sts:GetCallerIdentity"},
	},
	"aws:index/getAvailabilityZones:getAvailabilityZones": {
		Source: "hashicorp/terraform-provider-aws internal/service/ec2/ec2_availability_zones_data_source.go: EC2 DescribeAvailabilityZones",
		Read:   []string{"ec2:DescribeAvailabilityZones"},
	},
}

// Invokes are the provider functions the program calls; see Table.
var Invokes = []string{"aws:index/getCallerIdentity:getCallerIdentity", "aws:index/getAvailabilityZones:getAvailabilityZones"}

// Reasons shared by several rows.
const (
	codeCommit = "Amplify calls CodeCommit only for a CodeCommit repository; tenancy connects Amplify to a git host " +
		"(GitHub, Bitbucket, GitLab) with an access token (tenant/git_rules.go)"
	amplifyS3 = "Amplify reads and writes S3 for branches deployed from S3 (manual deploys); tenancy's branches " +
		"build from the repository"
	passRoleOnRead = "IAM checks iam:PassRole only when a request passes a role (IAM User Guide, \"Grant a user " +
		"permissions to pass a role to an AWS service\"); reading an app, branch or domain passes none"
	snsRole = "tenancy sets no delivery-status logging or Firehose role on its topic or subscription " +
		"(tenant/backup.go), the only roles SNS is passed"
)

// codeCommitActions are the CodeCommit calls of the Amplify handlers.
var codeCommitActions = []string{"codecommit:GetRepository", "codecommit:PutRepositoryTriggers", "codecommit:GetRepositoryTriggers"}
