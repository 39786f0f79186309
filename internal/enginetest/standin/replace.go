package standin

// replaceKeys lists, per resource type the program registers, the input
// properties whose change makes the real provider replace the resource
// rather than update it. pulumi-aws v6 bridges the Terraform AWS provider,
// so each entry is a `ForceNew: true` attribute of the Terraform resource
// schema (terraform-provider-aws, internal/service/<service>/<resource>.go),
// shown in the Pulumi Registry API docs of the resource as "Changes to this
// property will trigger replacement". Only properties the program sets, or
// that would be dangerous to get wrong, are listed; a type with no entry
// is updated in place whatever changes.
var replaceKeys = map[string][]string{
	// aws_kms_key: customer_master_key_spec, key_usage, multi_region,
	// custom_key_store_id, xks_key_id are ForceNew; description, rotation,
	// deletion window and tags update in place.
	"aws:kms/key:Key": {"customerMasterKeySpec", "keyUsage", "multiRegion", "customKeyStoreId", "xksKeyId"},
	// aws_dynamodb_table: name, hash_key and range_key are ForceNew (the key
	// schema of a table cannot change); billing mode, attributes, SSE and PITR
	// update in place.
	"aws:dynamodb/table:Table": {"name", "hashKey", "rangeKey"},
	// aws_rds_cluster: cluster_identifier, engine, engine_mode,
	// database_name, master_username, storage_encrypted, kms_key_id,
	// db_subnet_group_name, availability_zones and snapshot_identifier are
	// ForceNew. engine_version, capacity, backups and deletion protection
	// update in place.
	"aws:rds/cluster:Cluster": {"clusterIdentifier", "engine", "engineMode", "databaseName", "masterUsername",
		"storageEncrypted", "kmsKeyId", "dbSubnetGroupName", "availabilityZones", "snapshotIdentifier"},
	// aws_rds_cluster_instance: cluster_identifier, engine, identifier,
	// availability_zone and db_subnet_group_name are ForceNew; instance_class
	// and engine_version update in place.
	"aws:rds/clusterInstance:ClusterInstance": {"clusterIdentifier", "engine", "identifier", "availabilityZone", "dbSubnetGroupName"},
	// aws_secretsmanager_secret: name and name_prefix are ForceNew.
	"aws:secretsmanager/secret:Secret": {"name", "namePrefix"},
	// aws_secretsmanager_secret_version: secret_id is ForceNew; a new
	// secret_string puts a new version (an update of this resource).
	"aws:secretsmanager/secretVersion:SecretVersion": {"secretId"},
	// aws_iam_role: name, name_prefix and path are ForceNew.
	"aws:iam/role:Role": {"name", "namePrefix", "path"},
	// aws_iam_role_policy: role, name and name_prefix are ForceNew.
	"aws:iam/rolePolicy:RolePolicy": {"role", "name", "namePrefix"},
	// aws_amplify_app: no attribute the program sets is ForceNew; the app
	// name, repository, platform and variables update in place.
	"aws:amplify/app:App": nil,
	// aws_amplify_branch: app_id and branch_name are ForceNew.
	"aws:amplify/branch:Branch": {"appId", "branchName"},
	// aws_amplify_domain_association: app_id and domain_name are ForceNew.
	"aws:amplify/domainAssociation:DomainAssociation": {"appId", "domainName"},
	// aws_backup_vault: name and kms_key_arn are ForceNew.
	"aws:backup/vault:Vault": {"name", "kmsKeyArn"},
	// aws_backup_plan: name is ForceNew; rules update in place.
	"aws:backup/plan:Plan": {"name"},
	// aws_backup_selection has no update: every attribute is ForceNew.
	"aws:backup/selection:Selection": {"name", "planId", "iamRoleArn", "resources", "notResources", "conditions", "selectionTags"},
	// aws_backup_vault_notifications has no update: every attribute is ForceNew.
	"aws:backup/vaultNotifications:VaultNotifications": {"backupVaultName", "snsTopicArn", "backupVaultEvents"},
	// aws_sns_topic: name, name_prefix and fifo_topic are ForceNew.
	"aws:sns/topic:Topic": {"name", "namePrefix", "fifoTopic"},
	// aws_sns_topic_policy: arn is ForceNew.
	"aws:sns/topicPolicy:TopicPolicy": {"arn"},
	// aws_sns_topic_subscription: topic_arn, protocol and endpoint are
	// ForceNew (pulumi calls topic_arn "topic").
	"aws:sns/topicSubscription:TopicSubscription": {"topic", "protocol", "endpoint", "endpointAutoConfirms"},
	// aws_lambda_function: function_name is ForceNew; code, runtime,
	// architectures, role and timeout update in place.
	"aws:lambda/function:Function": {"name"},
	// aws_lambda_invocation: function_name, qualifier and triggers are
	// ForceNew; input too when lifecycle_scope is CREATE_ONLY (Diff adds it).
	"aws:lambda/invocation:Invocation": {"functionName", "qualifier", "triggers"},
	// random_password (pulumi-random v4): every argument is
	// RequiresReplace; a password never changes in place.
	"random:index/randomPassword:RandomPassword": {"length", "special", "overrideSpecial", "upper", "lower",
		"numeric", "number", "minLower", "minUpper", "minNumeric", "minSpecial", "keepers"},
}

// providerReplaceKeys are the aws provider config keys whose change
// replaces every resource the provider manages. pulumi-aws v6 marks
// `region` ForcesProviderReplace (pulumi/pulumi-aws#4000, merged May 2024,
// "Replace resources when the AWS region changes"); its removal from v6
// (pulumi/pulumi-aws#5656) was closed unmerged and v7 drops the behaviour
// in favour of a per-resource region.
var providerReplaceKeys = []string{"region"}
