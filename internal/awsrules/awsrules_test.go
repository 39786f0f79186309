package awsrules

import (
	"strings"
	"testing"
)

func TestCheckBackupSchedule(t *testing.T) {
	cases := []struct {
		schedule string
		ok       bool
	}{
		{"cron(0 3 * * ? *)", true},
		{"cron(15 * ? * * *)", true},
		{"cron(0 1 ? * SUN *)", true},
		{"cron(0 5 1 * ? 2030)", true},
		{"cron(0 3 * * * *)", false},    // both day fields set
		{"cron(0 3 ? * ? *)", false},    // neither
		{"cron(0/15 * * * ? *)", false}, // every 15 minutes: more than hourly
		{"cron(* 3 * * ? *)", false},    // every minute of 03:00
		{"cron(0,30 3 * * ? *)", false}, // twice an hour
		{"cron(0 3 * * ?)", false},      // five fields
		{"cron(60 3 * * ? *)", false},   // no minute 60
		{"cron(0 24 * * ? *)", false},   // no hour 24
		{"rate(1 day)", false},          // AWS Backup takes cron only
		{"cron(0 3 * * ? *) x", false},
	}
	for _, c := range cases {
		if err := CheckBackupSchedule(c.schedule); (err == nil) != c.ok {
			t.Errorf("%s: error %v, want ok %v", c.schedule, err, c.ok)
		}
	}
}

func TestNameRuleCheck(t *testing.T) {
	rule := func(typ, prop string) NameRule {
		for _, r := range NameRules(typ) {
			if r.Property == prop {
				return r
			}
		}
		t.Fatalf("no rule for %s %s", typ, prop)
		return NameRule{}
	}
	cluster := rule("aws:rds/cluster:Cluster", "clusterIdentifier")
	vault := rule("aws:backup/vault:Vault", "name")
	cases := []struct {
		rule NameRule
		name string
		ok   bool
	}{
		{cluster, "acme-db-1a2b3c4", true},
		{cluster, "acme--db", false},
		{cluster, "acme-db-", false},
		{cluster, "1acme", false},
		{cluster, "Acme", false},
		{cluster, strings.Repeat("a", 64), false},
		{vault, strings.Repeat("a", 50), true},
		{vault, strings.Repeat("a", 51), false},
		{vault, "acme.vault", false},
		{rule("aws:rds/subnetGroup:SubnetGroup", "name"), "default", false},
		{rule("aws:ec2/securityGroup:SecurityGroup", "name"), "sg-acme", false},
	}
	for _, c := range cases {
		if err := c.rule.Check(c.name); (err == nil) != c.ok {
			t.Errorf("%s %q: error %v, want ok %v", c.rule.Type, c.name, err, c.ok)
		}
		if err := c.rule.Check(c.name); err != nil && !strings.Contains(err.Error(), "(") {
			t.Errorf("%q: error %q names no source", c.name, err)
		}
	}
}

func TestFitName(t *testing.T) {
	const vault = "aws:backup/vault:Vault"
	if n := FitName(vault, "acme-backup-vault", "prod"); n != "" {
		t.Errorf("a short name was fitted: %q; an existing vault would be replaced", n)
	}
	long := strings.Repeat("a", 32) + "-backup-vault"
	a, b, c := FitName(vault, long, "prod"), FitName(vault, long, "prod"), FitName(vault, long, "dev")
	if len(a) != 50 || a != b || a == c {
		t.Errorf("fitted %q (%d), again %q, other scope %q: want 50 characters, stable, distinct per scope", a, len(a), b, c)
	}
	for _, r := range NameRules(vault) {
		if err := r.Check(a); err != nil {
			t.Error(err)
		}
	}
	if n := FitName("aws:kms/key:Key", long, "prod"); n != "" {
		t.Errorf("a type without a name rule was named %q", n)
	}
}

func TestCheckNamesTheRuleAndSource(t *testing.T) {
	errs := Check("aws:backup/vaultNotifications:VaultNotifications", map[string]any{"backupVaultEvents": []any{"BACKUP_JOB_DONE"}})
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "PutBackupVaultNotifications") {
		t.Errorf("unknown event: %v", errs)
	}
	errs = Check("aws:amplify/app:App", map[string]any{"environmentVariables": map[string]any{"AWSX": "1"}, "repository": "https://x"})
	if len(errs) != 2 {
		t.Errorf("reserved prefix and missing token: %v", errs)
	}
	for _, c := range []struct {
		typ string
		in  map[string]any
	}{
		{"aws:ec2/securityGroup:SecurityGroup", map[string]any{"description": "no <ingress>"}},
		{"aws:ec2/subnet:Subnet", map[string]any{"availabilityZone": "eu-central-1"}},
		{"aws:ec2/vpc:Vpc", map[string]any{"enableDnsHostnames": true, "enableDnsSupport": false}},
		{"aws:iam/role:Role", map[string]any{"description": strings.Repeat("d", 1001)}},
		{"aws:rds/cluster:Cluster", map[string]any{"dbSubnetGroupName": "Default Group!"}},
		{"aws:amplify/domainAssociation:DomainAssociation", map[string]any{"domainName": "-shop.example.com"}},
		{"aws:amplify/domainAssociation:DomainAssociation", map[string]any{"domainName": "localhost"}},
		{"aws:amplify/domainAssociation:DomainAssociation", map[string]any{"domainName": "shop.example.com", "subDomains": []any{map[string]any{"branchName": "", "prefix": "www"}}}},
		{"aws:amplify/domainAssociation:DomainAssociation", map[string]any{"certificateSettings": map[string]any{"type": "ACM"}}},
	} {
		if errs := Check(c.typ, c.in); len(errs) != 1 {
			t.Errorf("%s %v: %v, want one refusal", c.typ, c.in, errs)
		}
	}
	domain := map[string]any{"domainName": "shop.acme-corp.example.com", "certificateSettings": map[string]any{"type": "AMPLIFY_MANAGED"},
		"subDomains": []any{map[string]any{"branchName": "main", "prefix": ""}, map[string]any{"branchName": "main", "prefix": "www"}}}
	if errs := Check("aws:amplify/domainAssociation:DomainAssociation", domain); len(errs) != 0 {
		t.Errorf("a domain association as tenancy makes it: %v", errs)
	}
	if errs := Check("aws:rds/cluster:Cluster", map[string]any{"skipFinalSnapshot": false, "engineVersion": "16"}); len(errs) != 1 {
		t.Errorf("final snapshot without a name: %v", errs)
	}
}

func TestCheckInstanceClass(t *testing.T) {
	for class, ok := range map[string]bool{
		"db.serverless": true, "db.r6g.large": true, "db.t4g.medium": true, "db.x2iedn.24xlarge": true, "db.r5b.8xlarge": true,
		"db.": false, "db": false, "db.r6g": false, "db.r6g.": false, "db..large": false, "db.large": false, "db.r6g.0": false,
		"db.r6g.large.x": false, "DB.R6G.LARGE": false, "r6g.large": false,
	} {
		if err := CheckInstanceClass(class); (err == nil) != ok {
			t.Errorf("%q: error %v, want ok %v", class, err, ok)
		}
		errs := Check("aws:rds/clusterInstance:ClusterInstance", map[string]any{"instanceClass": class})
		if (len(errs) == 0) != ok {
			t.Errorf("Check %q: %v, want ok %v", class, errs, ok)
		}
	}
}

func TestHasAmplifyReservedPrefix(t *testing.T) {
	for name, reserved := range map[string]bool{
		"AWS_REGION": true, "aws_region": true, "AwsRegion": true, "AWSREGION": true, "AWS": true,
		"MY_AWS_REGION": false, "AW": false, "": false, "AMPLIFY_DIFF_DEPLOY": false,
	} {
		if got := HasAmplifyReservedPrefix(name); got != reserved {
			t.Errorf("%q: reserved %v, want %v", name, got, reserved)
		}
	}
}
