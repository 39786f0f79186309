// Package awsrules holds the rules AWS applies to the inputs tenancy sends,
// each with its source. The tenant package fits its names to them, the mock
// tests check every registered input against them, and the stand-in
// provider plugins refuse what breaks them, as AWS would at create time.
package awsrules

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"
)

// NameRule is what AWS accepts as the physical name of one resource type.
type NameRule struct {
	// Type is the Pulumi type token.
	Type string
	// Property is the input that holds the physical name.
	Property string
	// Min and Max bound the length in characters.
	Min, Max int
	// Chars matches the whole name when every character is allowed.
	Chars *regexp.Regexp
	// RDS adds the RDS identifier rules: a letter first, no "--", no
	// trailing "-".
	RDS bool
	// Refused matches names AWS reserves, and Why says how.
	Refused *regexp.Regexp
	Why     string
	// AutoNamed is true when pulumi-aws names the resource itself (logical
	// name, "-", 7 random hex characters) unless the program sets Property.
	AutoNamed bool
	// Source is where the rule is written down.
	Source string
}

// AutoSuffixLen is the length of the suffix pulumi-aws adds to a logical
// name: "-" and 7 random hex characters (pulumi-terraform-bridge
// tfbridge.AutoName, Randlen 7, separator "-"; pulumi-aws provider/autonaming.go).
const AutoSuffixLen = 8

var (
	backupVaultChars = regexp.MustCompile(`^[a-zA-Z0-9_-]+$`)
	backupNameChars  = regexp.MustCompile(`^[a-zA-Z0-9_.-]+$`)
	iamNameChars     = regexp.MustCompile(`^[\w+=,.@-]+$`)
	rdsChars         = regexp.MustCompile(`^[a-z0-9-]+$`)
	subnetGroupChars = regexp.MustCompile(`^[a-z0-9_ .-]+$`)
	topicChars       = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)
	tableChars       = regexp.MustCompile(`^[a-zA-Z0-9_.-]+$`)
	secretChars      = regexp.MustCompile(`^[A-Za-z0-9/_+=.@-]+$`)
	anyChars         = regexp.MustCompile(`(?s)^.+$`)
)

// Names are the name rules of every resource type tenancy creates that has
// a name. A type without an entry has no name AWS checks (a KMS key, a
// policy attachment).
var Names = []NameRule{
	{Type: "aws:amplify/app:App", Property: "name", Min: 1, Max: 255, Chars: anyChars,
		Source: "Amplify API reference, CreateApp.name: 1-255 characters"},
	{Type: "aws:amplify/branch:Branch", Property: "branchName", Min: 1, Max: 255, Chars: anyChars,
		Source: "Amplify API reference, CreateBranch.branchName: 1-255 characters"},
	{Type: "aws:backup/vault:Vault", Property: "name", Min: 2, Max: 50, Chars: backupVaultChars, AutoNamed: true,
		Source: "AWS Backup API reference, BackupVaultName ^[a-zA-Z0-9\\-\\_]{2,50}$; terraform-provider-aws internal/service/backup/vault.go"},
	{Type: "aws:backup/plan:Plan", Property: "name", Min: 1, Max: 50, Chars: backupNameChars, AutoNamed: true,
		Source: "AWS Backup API reference, BackupPlanInput.BackupPlanName: 1-50 alphanumeric or '-_.' characters"},
	{Type: "aws:backup/selection:Selection", Property: "name", Min: 1, Max: 50, Chars: backupNameChars, AutoNamed: true,
		Source: "AWS Backup API reference, BackupSelectionName ^[a-zA-Z0-9\\-\\_\\.]{1,50}$; terraform-provider-aws internal/service/backup/selection.go"},
	{Type: "aws:dynamodb/table:Table", Property: "name", Min: 3, Max: 255, Chars: tableChars, AutoNamed: true,
		Source: "DynamoDB API reference, TableName: 3-255 of [a-zA-Z0-9_.-]"},
	{Type: "aws:rds/cluster:Cluster", Property: "clusterIdentifier", Min: 1, Max: 63, Chars: rdsChars, RDS: true,
		Source: "RDS API reference, CreateDBCluster.DBClusterIdentifier: 1-63 letters, digits, hyphens, a letter first, no '--' or trailing '-'; terraform-provider-aws internal/service/rds/validate.go validIdentifier (lower case)"},
	{Type: "aws:rds/clusterInstance:ClusterInstance", Property: "identifier", Min: 1, Max: 63, Chars: rdsChars, RDS: true,
		Source: "RDS API reference, CreateDBInstance.DBInstanceIdentifier: 1-63, rules as for clusters; terraform-provider-aws validIdentifier"},
	{Type: "aws:rds/cluster:Cluster", Property: "finalSnapshotIdentifier", Min: 1, Max: 63, Chars: rdsChars, RDS: true,
		Source: "RDS API reference, DeleteDBCluster.FinalDBSnapshotIdentifier and CreateDBClusterSnapshot.DBClusterSnapshotIdentifier: 1-63 (a cluster snapshot identifier), a letter first, no '--' or trailing '-'"},
	{Type: "aws:rds/subnetGroup:SubnetGroup", Property: "name", Min: 1, Max: 255, Chars: subnetGroupChars, AutoNamed: true,
		Refused: regexp.MustCompile(`(?i)^default$`), Why: "is reserved",
		Source: "RDS API reference, CreateDBSubnetGroup.DBSubnetGroupName: up to 255 letters, digits, periods, underscores, spaces, hyphens, not 'default'; terraform-provider-aws validSubnetGroupName (lower case)"},
	{Type: "aws:rds/cluster:Cluster", Property: "dbSubnetGroupName", Min: 1, Max: 255, Chars: subnetGroupChars,
		Source: "RDS API reference, CreateDBCluster.DBSubnetGroupName: an existing DB subnet group's name (CreateDBSubnetGroup.DBSubnetGroupName rules)"},
	{Type: "aws:ec2/securityGroup:SecurityGroup", Property: "name", Min: 1, Max: 255, Chars: anyChars, AutoNamed: true,
		Refused: regexp.MustCompile(`^sg-`), Why: "must not start with sg-",
		Source: "EC2 API reference, CreateSecurityGroup.GroupName: up to 255 characters, not starting with sg-"},
	{Type: "aws:iam/role:Role", Property: "name", Min: 1, Max: 64, Chars: iamNameChars, AutoNamed: true,
		Source: "IAM API reference, CreateRole.RoleName: 1-64 of [\\w+=,.@-]"},
	{Type: "aws:iam/rolePolicy:RolePolicy", Property: "name", Min: 1, Max: 128, Chars: iamNameChars, AutoNamed: true,
		Source: "IAM API reference, PutRolePolicy.PolicyName: 1-128 of [\\w+=,.@-]"},
	{Type: "aws:iam/policy:Policy", Property: "name", Min: 1, Max: 128, Chars: iamNameChars, AutoNamed: true,
		Source: "IAM API reference, CreatePolicy.PolicyName: 1-128 of [\\w+=,.@-]"},
	{Type: "aws:sns/topic:Topic", Property: "name", Min: 1, Max: 256, Chars: topicChars, AutoNamed: true,
		Source: "SNS API reference, CreateTopic.Name: 1-256 of [A-Za-z0-9_-]"},
	{Type: "aws:secretsmanager/secret:Secret", Property: "name", Min: 1, Max: 512, Chars: secretChars, AutoNamed: true,
		Source: "Secrets Manager API reference, CreateSecret.Name: 1-512 of letters, digits and /_+=.@-"},
}

// NameRules returns the name rules of resource type typ.
func NameRules(typ string) []NameRule {
	var out []NameRule
	for _, r := range Names {
		if r.Type == typ {
			out = append(out, r)
		}
	}
	return out
}

// Check returns why name breaks the rule, or nil.
func (r NameRule) Check(name string) error {
	n := len([]rune(name))
	switch {
	case n < r.Min || n > r.Max:
		return r.broken("%q is %d characters; %d to %d allowed", name, n, r.Min, r.Max)
	case !r.Chars.MatchString(name):
		return r.broken("%q has a character outside %s", name, r.Chars)
	case r.RDS && !('a' <= name[0] && name[0] <= 'z'):
		return r.broken("%q must start with a letter", name)
	case r.RDS && (strings.Contains(name, "--") || strings.HasSuffix(name, "-")):
		return r.broken("%q must not contain '--' or end with '-'", name)
	case r.Refused != nil && r.Refused.MatchString(name):
		return r.broken("%q %s", name, r.Why)
	}
	return nil
}

func (r NameRule) broken(format string, a ...any) error {
	return fmt.Errorf("%s %s: %s (%s)", r.Type, r.Property, fmt.Sprintf(format, a...), r.Source)
}

// FitName returns the explicit name to give a resource of type typ whose
// logical name is logical, or "" to let pulumi-aws auto-name it. It is ""
// whenever the auto-name fits, so a resource that exists keeps its name;
// otherwise it is the logical name cut short plus 7 hex characters of a
// hash of scope and the logical name: as long as the longest auto-name
// allowed, stable across runs, and distinct per scope (an environment).
func FitName(typ, logical, scope string) string {
	for _, r := range NameRules(typ) {
		if !r.AutoNamed || len(logical)+AutoSuffixLen <= r.Max {
			continue
		}
		sum := sha256.Sum256([]byte(scope + "/" + logical))
		cut := strings.TrimRight(logical[:r.Max-AutoSuffixLen], "-_.")
		return cut + "-" + hex.EncodeToString(sum[:])[:AutoSuffixLen-1]
	}
	return ""
}
