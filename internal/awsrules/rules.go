package awsrules

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
)

// Rule is one rule AWS applies at create time to the inputs of one resource
// type, beyond its name.
type Rule struct {
	// Type is the Pulumi type token.
	Type string
	// Source is where the rule is written down.
	Source string
	// check returns a problem with inputs (plain values, secrets unwrapped),
	// or nil.
	check func(in map[string]any) error
}

// Check returns every rule of type typ that inputs break, names included,
// each naming the rule and its source. Auto-named resources are checked
// only when inputs carry the name.
func Check(typ string, in map[string]any) []error {
	var errs []error
	for _, r := range NameRules(typ) {
		if name, ok := in[r.Property].(string); ok {
			if err := r.Check(name); err != nil {
				errs = append(errs, err)
			}
		}
	}
	for _, r := range Rules {
		if r.Type != typ {
			continue
		}
		if err := r.check(in); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w (%s)", typ, err, r.Source))
		}
	}
	return errs
}

// Amplify environment variable limits.
const (
	amplifyVariableNameMax  = 255
	amplifyVariableValueMax = 5500
)

// BackupVaultEvents are the AWS Backup vault events AWS still sends.
// BACKUP_JOB_SUCCESSFUL, BACKUP_JOB_FAILED, BACKUP_JOB_EXPIRED,
// RESTORE_JOB_SUCCESSFUL, RESTORE_JOB_FAILED, BACKUP_PLAN_CREATED and
// BACKUP_PLAN_MODIFIED are deprecated and never sent: a failed job arrives
// as BACKUP_JOB_COMPLETED with State FAILED (AWS Backup Developer Guide,
// "Notification options with AWS Backup"; API reference,
// PutBackupVaultNotifications: "Deprecated events do not return statuses or
// notifications").
var BackupVaultEvents = []string{
	"BACKUP_JOB_STARTED", "BACKUP_JOB_COMPLETED", "CONTINUOUS_BACKUP_INTERRUPTED",
	"COPY_JOB_STARTED", "COPY_JOB_SUCCESSFUL", "COPY_JOB_FAILED",
	"RESTORE_JOB_STARTED", "RESTORE_JOB_COMPLETED", "RECOVERY_POINT_MODIFIED",
	"RECOVERY_POINT_INDEX_COMPLETED", "RECOVERY_POINT_INDEX_DELETED", "RECOVERY_POINT_INDEXING_FAILED",
	"S3_BACKUP_OBJECT_FAILED", "S3_RESTORE_OBJECT_FAILED",
	"EKS_BACKUP_OBJECT_FAILED", "EKS_RESTORE_OBJECT_FAILED", "EKS_RESTORE_OBJECT_SKIPPED",
}

// deprecatedBackupVaultEvents are accepted by the API but never sent.
var deprecatedBackupVaultEvents = []string{
	"BACKUP_JOB_SUCCESSFUL", "BACKUP_JOB_FAILED", "BACKUP_JOB_EXPIRED", "RESTORE_JOB_SUCCESSFUL",
	"RESTORE_JOB_FAILED", "BACKUP_PLAN_CREATED", "BACKUP_PLAN_MODIFIED",
}

var (
	backupWindow             = regexp.MustCompile(`^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$`)
	masterUsername           = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]{0,15}$`)
	engineVersion            = regexp.MustCompile(`^\d+(\.\d+){0,2}$`)
	instanceClass            = regexp.MustCompile(`^db\.(serverless|[a-z]+[0-9]+[a-z0-9-]*\.[0-9]*[a-z]+)$`)
	arnShape                 = regexp.MustCompile(`^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:(\d{12}|aws)?:.+$`)
	securityGroupDescription = regexp.MustCompile(`^[a-zA-Z0-9 ._\-:/()#,@\[\]+=&;{}!$*]{1,255}$`)
	availabilityZone         = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9][a-z]$`)
	// The API's pattern, without its look-aheads (no label starts with a
	// hyphen); subDomains checks its length cap of 255.
	amplifyDomainName = regexp.MustCompile(`^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.?$`)
	cidrPrefixRange   = regexp.MustCompile(`^\d{1,3}(\.\d{1,3}){3}/(1[6-9]|2[0-8])$`)
)

// Rules are the create-time rules tenancy's inputs must meet.
var Rules = []Rule{
	{Type: "aws:amplify/app:App", Source: "Amplify API reference, CreateApp.platform: WEB | WEB_COMPUTE | WEB_DYNAMIC",
		check: oneOf("platform", "WEB", "WEB_COMPUTE", "WEB_DYNAMIC")},
	{Type: "aws:amplify/app:App", Source: "Amplify User Guide, Environment variables: no name with the AWS prefix, values at most 5500 characters; API reference: names at most 255",
		check: amplifyVariables},
	{Type: "aws:amplify/app:App", Source: "Amplify API reference, CreateApp: a repository needs an accessToken or oauthToken",
		check: func(in map[string]any) error {
			if present(in, "oauthToken") {
				return nil
			}
			return pair("repository", nil, "accessToken", nil)(in)
		}},
	{Type: "aws:amplify/app:App", Source: "Amplify API reference, CreateApp.iamServiceRoleArn and computeRoleArn: IAM role ARNs, 0-1000 characters",
		check: arns("iamServiceRoleArn", "computeRoleArn")},
	{Type: "aws:amplify/branch:Branch", Source: "Amplify API reference, CreateBranch.stage: PRODUCTION | BETA | DEVELOPMENT | EXPERIMENTAL | PULL_REQUEST",
		check: oneOf("stage", "PRODUCTION", "BETA", "DEVELOPMENT", "EXPERIMENTAL", "PULL_REQUEST")},
	{Type: "aws:amplify/branch:Branch", Source: "Amplify API reference, CreateBranch: enableBasicAuth needs basicAuthCredentials",
		check: pair("enableBasicAuth", true, "basicAuthCredentials", nil)},
	{Type: "aws:amplify/branch:Branch", Source: "Amplify User Guide, Environment variables",
		check: amplifyVariables},
	{Type: "aws:amplify/domainAssociation:DomainAssociation", Source: "Amplify API reference, CreateDomainAssociation.domainName: at most 255 characters, labels of 1-63 letters, digits or hyphens, no label starting or ending with a hyphen, at least two labels",
		check: matches("domainName", amplifyDomainName)},
	{Type: "aws:amplify/domainAssociation:DomainAssociation", Source: "Amplify API reference, SubDomainSetting: branchName 1-255 characters, prefix at most 255",
		check: subDomains},
	{Type: "aws:amplify/domainAssociation:DomainAssociation", Source: "Amplify API reference, CertificateSettings.type: AMPLIFY_MANAGED | CUSTOM",
		check: func(in map[string]any) error {
			settings, _ := in["certificateSettings"].(map[string]any)
			return oneOf("type", "AMPLIFY_MANAGED", "CUSTOM")(settings)
		}},
	{Type: "aws:rds/cluster:Cluster", Source: "RDS API reference, CreateDBCluster.Engine",
		check: oneOf("engine", "aurora-postgresql", "aurora-mysql")},
	{Type: "aws:rds/cluster:Cluster", Source: "RDS API reference, CreateDBCluster.MasterUsername: 1-16 letters, digits or _, a letter first",
		check: matches("masterUsername", masterUsername)},
	{Type: "aws:rds/cluster:Cluster", Source: "RDS API reference, CreateDBCluster.EngineVersion: a version such as 16 or 16.6",
		check: matches("engineVersion", engineVersion)},
	{Type: "aws:rds/cluster:Cluster", Source: "RDS API reference, CreateDBCluster.BackupRetentionPeriod: 1 to 35 days",
		check: between("backupRetentionPeriod", 1, 35)},
	{Type: "aws:rds/cluster:Cluster", Source: "RDS API reference, CreateDBCluster.PreferredBackupWindow: hh24:mi-hh24:mi in UTC",
		check: matches("preferredBackupWindow", backupWindow)},
	{Type: "aws:rds/cluster:Cluster", Source: "terraform-provider-aws internal/service/rds/cluster.go: final_snapshot_identifier is required when skip_final_snapshot is false",
		check: pair("skipFinalSnapshot", false, "finalSnapshotIdentifier", nil)},
	{Type: "aws:rds/cluster:Cluster", Source: "RDS API reference, CreateDBCluster.KmsKeyId: needs StorageEncrypted",
		check: pair("kmsKeyId", nil, "storageEncrypted", true)},
	{Type: "aws:rds/cluster:Cluster", Source: "Aurora User Guide, Capacity for Aurora Serverless v2: MinCapacity 0-256, MaxCapacity 1-256, steps of 0.5, min <= max",
		check: serverlessCapacity},
	{Type: "aws:rds/clusterInstance:ClusterInstance", Source: "RDS API reference, CreateDBInstance.DBInstanceClass: db.serverless or db.<family>.<size>",
		check: func(in map[string]any) error {
			if v, ok := in["instanceClass"].(string); ok {
				if err := CheckInstanceClass(v); err != nil {
					return fmt.Errorf("instanceClass: %w", err)
				}
			}
			return nil
		}},
	{Type: "aws:kms/key:Key", Source: "KMS API reference, ScheduleKeyDeletion.PendingWindowInDays: 7 to 30",
		check: between("deletionWindowInDays", 7, 30)},
	{Type: "aws:kms/key:Key", Source: "KMS API reference, CreateKey.Policy: JSON, at most 32768 characters",
		check: policyDocument("policy", 32768)},
	{Type: "aws:secretsmanager/secret:Secret", Source: "Secrets Manager API reference, DeleteSecret.RecoveryWindowInDays: 7 to 30 (0 in terraform-provider-aws means force delete)",
		check: func(in map[string]any) error {
			if v, ok := number(in, "recoveryWindowInDays"); ok && v != 0 && (v < 7 || v > 30) {
				return fmt.Errorf("recoveryWindowInDays %v is not 0 or 7 to 30", v)
			}
			return nil
		}},
	{Type: "aws:iam/role:Role", Source: "IAM User Guide, IAM and STS quotas: a role trust policy is JSON of at most 2048 characters",
		check: policyDocument("assumeRolePolicy", 2048)},
	{Type: "aws:iam/role:Role", Source: "IAM API reference, CreateRole.PermissionsBoundary: a managed policy ARN",
		check: arns("permissionsBoundary")},
	{Type: "aws:iam/rolePolicy:RolePolicy", Source: "IAM User Guide, IAM and STS quotas: inline role policies, 10240 characters in all",
		check: policyDocument("policy", 10240)},
	{Type: "aws:iam/policy:Policy", Source: "IAM User Guide, IAM and STS quotas: a managed policy is at most 6144 characters",
		check: policyDocument("policy", 6144)},
	{Type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment", Source: "IAM API reference, AttachRolePolicy.PolicyArn",
		check: arns("policyArn")},
	{Type: "aws:sns/topicPolicy:TopicPolicy", Source: "SNS API reference, SetTopicAttributes Policy: a JSON policy document",
		check: policyDocument("policy", 30720)},
	{Type: "aws:sns/topicSubscription:TopicSubscription", Source: "SNS API reference, Subscribe.Protocol",
		check: oneOf("protocol", "http", "https", "email", "email-json", "sms", "sqs", "application", "lambda", "firehose")},
	{Type: "aws:backup/plan:Plan", Source: "AWS Backup API reference, BackupRuleInput: RuleName ^[a-zA-Z0-9\\-\\_\\.]{1,50}$, ScheduleExpression an hourly-or-rarer cron, Lifecycle.DeleteAfterDays >= 1",
		check: backupRules},
	{Type: "aws:backup/vaultNotifications:VaultNotifications", Source: "AWS Backup API reference, PutBackupVaultNotifications.BackupVaultEvents (the BackupVaultEvent enum)",
		check: func(in map[string]any) error {
			for _, e := range stringList(in["backupVaultEvents"]) {
				if !slices.Contains(BackupVaultEvents, e) && !slices.Contains(deprecatedBackupVaultEvents, e) {
					return fmt.Errorf("backupVaultEvents: %q is not an AWS Backup vault event", e)
				}
			}
			return nil
		}},
	{Type: "aws:rds/subnetGroup:SubnetGroup", Source: "RDS User Guide, Working with a DB instance in a VPC: a DB subnet group has subnets in at least two Availability Zones",
		check: func(in map[string]any) error {
			ids, known := in["subnetIds"].([]any)
			if !known && in["subnetIds"] != nil {
				return nil
			}
			if n := len(ids); n < 2 {
				return fmt.Errorf("subnetIds has %d subnets; at least 2, in two Availability Zones", n)
			}
			return nil
		}},
	{Type: "aws:ec2/securityGroup:SecurityGroup", Source: "EC2 API reference, CreateSecurityGroup.GroupDescription: required, up to 255 of a-zA-Z0-9, spaces and ._-:/()#,@[]+=&;{}!$*",
		check: matches("description", securityGroupDescription)},
	{Type: "aws:ec2/vpc:Vpc", Source: "Amazon VPC User Guide, DNS attributes for your VPC: enableDnsHostnames needs enableDnsSupport",
		check: pair("enableDnsHostnames", true, "enableDnsSupport", true)},
	{Type: "aws:ec2/subnet:Subnet", Source: "EC2 API reference, CreateSubnet.AvailabilityZone: a zone of the VPC's region, such as eu-central-1a",
		check: matches("availabilityZone", availabilityZone)},
	{Type: "aws:iam/role:Role", Source: "IAM API reference, CreateRole.Description: at most 1000 characters",
		check: maxLength("description", 1000)},
	{Type: "aws:ec2/vpc:Vpc", Source: "Amazon VPC User Guide, VPC CIDR blocks: a prefix between /16 and /28",
		check: matches("cidrBlock", cidrPrefixRange)},
	{Type: "aws:ec2/subnet:Subnet", Source: "Amazon VPC User Guide, Subnet CIDR blocks: a prefix between /16 and /28",
		check: matches("cidrBlock", cidrPrefixRange)},
}

func present(in map[string]any, k string) bool {
	v, ok := in[k]
	return ok && v != nil && v != ""
}

func number(in map[string]any, k string) (float64, bool) {
	v, ok := in[k].(float64)
	return v, ok
}

func stringList(v any) []string {
	var out []string
	list, _ := v.([]any)
	for _, e := range list {
		if s, ok := e.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// pair is the rule that when key has value (nil: any value), needKey must
// have needValue (nil: be set).
func pair(key string, value any, needKey string, needValue any) func(map[string]any) error {
	return func(in map[string]any) error {
		has := func(k string, want any) bool {
			if want == nil {
				return present(in, k)
			}
			return in[k] == want
		}
		if has(key, value) && !has(needKey, needValue) {
			return fmt.Errorf("%s %s needs %s %s", key, describe(value), needKey, describe(needValue))
		}
		return nil
	}
}

func describe(v any) string {
	if v == nil {
		return "set"
	}
	return fmt.Sprint(v)
}

func oneOf(k string, allowed ...string) func(map[string]any) error {
	return func(in map[string]any) error {
		if v, ok := in[k].(string); ok && !slices.Contains(allowed, v) {
			return fmt.Errorf("%s: %q is not one of %s", k, v, strings.Join(allowed, ", "))
		}
		return nil
	}
}

func matches(k string, re *regexp.Regexp) func(map[string]any) error {
	return func(in map[string]any) error {
		if v, ok := in[k].(string); ok && !re.MatchString(v) {
			return fmt.Errorf("%s: %q does not match %s", k, v, re)
		}
		return nil
	}
}

func maxLength(k string, max int) func(map[string]any) error {
	return func(in map[string]any) error {
		if v, ok := in[k].(string); ok && len([]rune(v)) > max {
			return fmt.Errorf("%s is %d characters; at most %d", k, len([]rune(v)), max)
		}
		return nil
	}
}

func between(k string, lo, hi float64) func(map[string]any) error {
	return func(in map[string]any) error {
		if v, ok := number(in, k); ok && (v < lo || v > hi || v != math.Trunc(v)) {
			return fmt.Errorf("%s: %v is not a whole number from %v to %v", k, v, lo, hi)
		}
		return nil
	}
}

func arns(keys ...string) func(map[string]any) error {
	return func(in map[string]any) error {
		for _, k := range keys {
			if v, ok := in[k].(string); ok && v != "" && (len(v) > 1000 || !arnShape.MatchString(v)) {
				return fmt.Errorf("%s: %q is not an ARN", k, v)
			}
		}
		return nil
	}
}

// subDomains checks a domain association's subDomains: each a branch name
// of 1 to 255 characters and a prefix of at most 255, and the domain name
// at most 255 characters.
func subDomains(in map[string]any) error {
	if d, ok := in["domainName"].(string); ok && len(d) > 255 {
		return fmt.Errorf("domainName: %d characters; at most 255", len(d))
	}
	list, _ := in["subDomains"].([]any)
	for i, v := range list {
		s, _ := v.(map[string]any)
		if b, ok := s["branchName"].(string); ok && (b == "" || len(b) > 255) {
			return fmt.Errorf("subDomains[%d].branchName: %d characters; 1 to 255", i, len(b))
		}
		if p, ok := s["prefix"].(string); ok && len(p) > 255 {
			return fmt.Errorf("subDomains[%d].prefix: %d characters; at most 255", i, len(p))
		}
	}
	return nil
}

// policyDocument checks an IAM policy document: JSON with a Version and
// statements, each with an Effect, an Action and a Resource or Principal.
func policyDocument(k string, max int) func(map[string]any) error {
	return func(in map[string]any) error {
		v, ok := in[k].(string)
		if !ok {
			return nil
		}
		if len(v) > max {
			return fmt.Errorf("%s is %d characters; at most %d", k, len(v), max)
		}
		var doc struct {
			Version   string
			Statement []struct {
				Effect              string
				Action, NotAction   any
				Resource, Principal any
			}
		}
		if err := json.Unmarshal([]byte(v), &doc); err != nil {
			return fmt.Errorf("%s is not JSON: %v", k, err)
		}
		if doc.Version != "2012-10-17" || len(doc.Statement) == 0 {
			return fmt.Errorf("%s needs Version 2012-10-17 and a statement", k)
		}
		for i, s := range doc.Statement {
			if (s.Effect != "Allow" && s.Effect != "Deny") || (s.Action == nil && s.NotAction == nil) {
				return fmt.Errorf("%s: statement %d needs an Effect and an Action", k, i)
			}
		}
		return nil
	}
}

// CheckInstanceClass checks an Aurora DB instance class: db.serverless or
// db.<family><generation>[<options>].<size>, such as db.r6g.large or
// db.x2iedn.24xlarge (RDS API reference, CreateDBInstance.DBInstanceClass;
// RDS User Guide, "DB instance class types"). The tenant package and the
// stand-in checks share it.
func CheckInstanceClass(class string) error {
	if !instanceClass.MatchString(class) {
		return fmt.Errorf("%q must be db.serverless or a provisioned class db.<family>.<size> such as db.r6g.large", class)
	}
	return nil
}

// AmplifyReservedVariablePrefix is the prefix Amplify keeps for itself in
// environment variable names (Amplify User Guide, "Environment variables":
// "You can't create environment variable names with the AWS prefix"). The
// guide names no case, so the rule covers every case: AWS_REGION,
// AWSREGION, aws_region.
const AmplifyReservedVariablePrefix = "AWS"

// HasAmplifyReservedPrefix reports whether Amplify refuses the environment
// variable name for starting with AmplifyReservedVariablePrefix, in any case.
func HasAmplifyReservedPrefix(name string) bool {
	r, n := []rune(name), len(AmplifyReservedVariablePrefix)
	return len(r) >= n && strings.EqualFold(string(r[:n]), AmplifyReservedVariablePrefix)
}

func amplifyVariables(in map[string]any) error {
	vars, _ := in["environmentVariables"].(map[string]any)
	for k, v := range vars {
		s, _ := v.(string)
		switch {
		case HasAmplifyReservedPrefix(k):
			return fmt.Errorf("environmentVariables: %q uses the reserved AWS prefix", k)
		case len(k) > amplifyVariableNameMax:
			return fmt.Errorf("environmentVariables: a name is %d characters; at most %d", len(k), amplifyVariableNameMax)
		case len(s) > amplifyVariableValueMax:
			return fmt.Errorf("environmentVariables: %q is %d characters; at most %d", k, len(s), amplifyVariableValueMax)
		}
	}
	return nil
}

func serverlessCapacity(in map[string]any) error {
	cfg, ok := in["serverlessv2ScalingConfiguration"].(map[string]any)
	if !ok {
		return nil
	}
	lo, _ := number(cfg, "minCapacity")
	hi, _ := number(cfg, "maxCapacity")
	if lo < 0 || hi < 1 || hi > 256 || lo > hi || math.Mod(lo*2, 1) != 0 || math.Mod(hi*2, 1) != 0 {
		return fmt.Errorf("serverlessv2ScalingConfiguration: %v-%v ACUs is not a valid range", lo, hi)
	}
	return nil
}

func backupRules(in map[string]any) error {
	rules, _ := in["rules"].([]any)
	ruleName := NameRule{Type: "aws:backup/plan:Plan", Property: "rules.ruleName", Min: 1, Max: 50, Chars: backupNameChars,
		Source: "AWS Backup API reference, BackupRuleName"}
	for _, raw := range rules {
		r, _ := raw.(map[string]any)
		if name, ok := r["ruleName"].(string); ok {
			if err := ruleName.Check(name); err != nil {
				return err
			}
		}
		if s, ok := r["schedule"].(string); ok {
			if err := CheckBackupSchedule(s); err != nil {
				return fmt.Errorf("rules.schedule: %w", err)
			}
		}
		if lc, ok := r["lifecycle"].(map[string]any); ok {
			if d, ok := number(lc, "deleteAfter"); ok && d < 1 {
				return fmt.Errorf("rules.lifecycle.deleteAfter: %v is below 1", d)
			}
		}
	}
	return nil
}
