package editorschema

import (
	"strings"
	"testing"
)

// snippet is a small stack file: the config keys extra, and one tenant
// (a flow-style YAML object) or the tenants given.
func snippet(extra, tenants string) string {
	if tenants == "" {
		tenants = "    - {id: acme, name: Acme, region: eu-west-1}\n"
	}
	return "config:\n  tenancy:repository: https://github.com/o/r\n  tenancy:accessToken:\n    secure: v1:abc\n" +
		extra + "  tenancy:tenants:\n" + tenants
}

// one is a stack whose only tenant is the flow-style object fields.
func one(fields string) string {
	return snippet("", "    - {"+fields+"}\n")
}

// acme is a valid tenant's id, name and region.
const acme = "id: acme, name: Acme, region: eu-west-1"

// acmeWith is a stack whose only tenant is acme with fields besides.
func acmeWith(fields string) string {
	return one(acme + ", " + fields)
}

// aurora is acme with an Aurora database of the given fields.
func aurora(fields string) string {
	return acmeWith("database: {engine: aurora-postgresql, " + fields + "}")
}

// TestSchemaAgreesWithParser holds the schema to the parser, row by row:
// a stack the parser refuses the schema refuses too, and one it accepts
// the schema accepts, except where why says otherwise. A gap (the schema
// accepts what the parser refuses) is a rule across fields or values that
// JSON Schema cannot say; stricter (the schema refuses what the parser
// accepts) is a form the editor should flag though the parser lets it by.
func TestSchemaAgreesWithParser(t *testing.T) {
	tests := []struct {
		name           string
		file           string
		parser, schema bool // accepted
		why            string
	}{
		// Accepted by both.
		{name: "a minimal stack", file: snippet("", ""), parser: true, schema: true},
		{name: "protect as a boolean", file: snippet("  tenancy:protect: false\n", ""), parser: true, schema: true},
		{name: "protect as Pulumi writes it", file: snippet("  tenancy:protect: \"false\"\n", ""), parser: true, schema: true},
		{name: "bare key spelling", file: snippet("  protect: true\n", ""), parser: true, schema: true},
		{name: "production set", file: snippet("  tenancy:production: false\n", ""), parser: true, schema: true},
		{name: "a number as a string key", file: snippet("  tenancy:branch: 123\n", ""), parser: true, schema: true},
		{name: "another namespace", file: snippet("  aws:region: eu-west-1\n  pulumi:tags: {team: a}\n", ""), parser: true, schema: true},
		{name: "Pulumi's own top-level keys", file: "encryptionsalt: v1:x\nsecretsprovider: passphrase\n" + snippet("", ""), parser: true, schema: true},
		{name: "every tenant field", file: one(acme + ", tier: enterprise, status: suspended, platform: WEB, branch: feature/x, domain: shop.acme.com, " +
			"formerIds: [acme-old], confirmMove: us-east-1, confirmBackupRemoval: true, environment: {FEATURE_FLAGS: beta}, " +
			"backup: {schedule: 'cron(0 3 * * ? *)', retentionDays: 35, notifyEmail: dba@acme.com}, " +
			"account: {roleArn: 'arn:aws:iam::210987654321:role/deployer', externalId: ext-1}"), parser: true, schema: true},
		{name: "aurora at its limits", file: aurora("minCapacity: 0, maxCapacity: 256, instances: 16, backupRetentionDays: 35, engineVersion: '16', allowMajorVersionUpgrade: true"), parser: true, schema: true},
		{name: "aurora at its other limits", file: aurora("minCapacity: 0.5, maxCapacity: 1, instances: 1, backupRetentionDays: 1"), parser: true, schema: true},
		{name: "a whole number written 2.0", file: aurora("instances: 2.0"), parser: true, schema: true},
		{name: "a provisioned class", file: aurora("instanceClass: db.r6g.large"), parser: true, schema: true},
		{name: "pooled tenants", file: acmeWith("database: {isolation: schema}"), parser: true, schema: true},
		{name: "backup kept ten years", file: acmeWith("backup: {schedule: 'cron(0 3 * * ? *)', retentionDays: 3650}"), parser: true, schema: true},
		{name: "stack-wide keys", file: snippet("  tenancy:regions: [eu-west-1, us-east-1]\n  tenancy:movedOut: [globex]\n  tenancy:quotas: {amplifyApps: 100, repositoryWebhooks: 0}\n"+
			"  tenancy:network: {eu-west-1: {subnetGroup: shared-db, securityGroupIds: [sg-0123abcd]}}\n"+
			"  tenancy:tiers: {starter: {isolation: schema}, enterprise: {account: {roleArn: 'arn:aws:iam::210987654321:role/deployer'}}}\n"+
			"  tenancy:sharedCluster: {minCapacity: 1, maxCapacity: 8, instances: 2}\n", ""), parser: true, schema: true},

		// Refused by both.
		{name: "an unknown key", file: snippet("  tenancy:tenantz: []\n", "")},
		{name: "an unknown bare key", file: snippet("  protekt: true\n", "")},
		{name: "one key under two spellings", file: snippet("  protect: true\n  tenancy:protect: false\n", "")},
		{name: "protect neither true nor false", file: snippet("  tenancy:protect: sometimes\n", "")},
		{name: "production neither true nor false", file: snippet("  tenancy:production: yes please\n", "")},
		{name: "a secret in plain text", file: strings.Replace(snippet("", ""), "  tenancy:accessToken:\n    secure: v1:abc\n", "  tenancy:accessToken: ghp_x\n", 1)},
		{name: "a secret with more than its ciphertext", file: strings.Replace(snippet("", ""), "secure: v1:abc\n", "secure: v1:abc\n    extra: 1\n", 1)},
		{name: "no tenants", file: "config:\n  tenancy:repository: https://github.com/o/r\n"},
		{name: "no config", file: "encryptionsalt: v1:x\n"},
		{name: "tenants: null", file: snippet("", "    \n")},
		{name: "tenants not a list", file: strings.Replace(snippet("", ""), "  tenancy:tenants:\n    - {id: acme, name: Acme, region: eu-west-1}\n", "  tenancy:tenants: 5\n", 1)},
		{name: "a tenant not an object", file: snippet("", "    - acme\n")},
		{name: "a misspelt tenant field", file: acmeWith("regoin: eu-west-1")},
		{name: "no id", file: one("name: Acme, region: eu-west-1")},
		{name: "no name", file: one("id: acme, region: eu-west-1")},
		{name: "no region", file: one("id: acme, name: Acme")},
		{name: "an upper-case id", file: one("id: Acme, name: Acme, region: eu-west-1")},
		{name: "an id with --", file: one("id: a--b, name: Acme, region: eu-west-1")},
		{name: "an id too short", file: one("id: ab, name: Acme, region: eu-west-1")},
		{name: "an id too long", file: one("id: " + strings.Repeat("a", 33) + ", name: Acme, region: eu-west-1")},
		{name: "a number as a name", file: one("id: acme, name: 123, region: eu-west-1")},
		{name: "an empty name", file: one("id: acme, name: '', region: eu-west-1")},
		{name: "a name of two lines", file: one("id: acme, name: \"Acme\\nCorp\", region: eu-west-1")},
		{name: "a name too long", file: one("id: acme, name: " + strings.Repeat("a", 256) + ", region: eu-west-1")},
		{name: "a region without Amplify", file: one("id: acme, name: Acme, region: mars-1")},
		{name: "an unknown tier", file: acmeWith("tier: gold")},
		{name: "an unknown status", file: acmeWith("status: paused")},
		{name: "a platform in lower case", file: acmeWith("platform: web")},
		{name: "a branch with a space", file: acmeWith("branch: 'my branch'")},
		{name: "a domain in upper case", file: acmeWith("domain: Shop.Acme.com")},
		{name: "an environment name with a dash", file: acmeWith("environment: {FEATURE-FLAGS: x}")},
		{name: "a secret environment value", file: acmeWith("environment: {FLAGS: {secure: v1:abc}}")},
		{name: "a former id twice", file: acmeWith("formerIds: [acme-old, acme-old]")},
		{name: "a former id not an id", file: acmeWith("formerIds: [Old]")},
		{name: "confirmBackupRemoval as text", file: acmeWith("confirmBackupRemoval: 'yes'")},
		{name: "an unknown engine", file: acmeWith("database: {engine: mysql}")},
		{name: "an unknown isolation", file: acmeWith("database: {isolation: tenant}")},
		{name: "a misspelt database field", file: aurora("maxCapcity: 4")},
		{name: "a quarter ACU", file: aurora("minCapacity: 0.25")},
		{name: "a negative ACU", file: aurora("minCapacity: -1")},
		{name: "too many ACUs", file: aurora("maxCapacity: 300")},
		{name: "a maximum under 1 ACU", file: aurora("minCapacity: 0, maxCapacity: 0.5")},
		{name: "17 instances", file: aurora("instances: 17")},
		{name: "no instance", file: aurora("instances: 0")},
		{name: "a fraction of an instance", file: aurora("instances: 1.5")},
		{name: "36 days of backups", file: aurora("backupRetentionDays: 36")},
		{name: "a minor engine version", file: aurora("engineVersion: '16.1'")},
		{name: "an instance class without db.", file: aurora("instanceClass: r6g.large")},
		{name: "a backup without schedule", file: acmeWith("backup: {retentionDays: 7}")},
		{name: "a backup kept no day", file: acmeWith("backup: {schedule: 'cron(0 3 * * ? *)', retentionDays: 0}")},
		{name: "a backup kept too long", file: acmeWith("backup: {schedule: 'cron(0 3 * * ? *)', retentionDays: 3651}")},
		{name: "an account without a role", file: acmeWith("account: {externalId: ext-1}")},
		{name: "an account of no role ARN", file: acmeWith("account: {roleArn: deployer}")},
		{name: "an external ID too short", file: acmeWith("account: {roleArn: 'arn:aws:iam::210987654321:role/deployer', externalId: x}")},
		{name: "regions without Amplify", file: snippet("  tenancy:regions: [mars-1]\n", "")},
		{name: "a region twice", file: snippet("  tenancy:regions: [eu-west-1, eu-west-1]\n", "")},
		{name: "movedOut not an id", file: snippet("  tenancy:movedOut: [Globex]\n", "")},
		{name: "no Amplify app allowed", file: snippet("  tenancy:quotas: {amplifyApps: 0}\n", "")},
		{name: "an unknown quota", file: snippet("  tenancy:quotas: {lambdas: 5}\n", "")},
		{name: "a network without security groups", file: snippet("  tenancy:network: {eu-west-1: {subnetGroup: shared-db}}\n", "")},
		{name: "a network with no security group", file: snippet("  tenancy:network: {eu-west-1: {subnetGroup: shared-db, securityGroupIds: []}}\n", "")},
		{name: "17 security groups", file: snippet("  tenancy:network: {eu-west-1: {subnetGroup: shared-db, securityGroupIds: [sg-00000000, sg-00000001, sg-00000002, sg-00000003, sg-00000004, sg-00000005, sg-00000006, sg-00000007, sg-00000008, sg-00000009, sg-0000000a, sg-0000000b, sg-0000000c, sg-0000000d, sg-0000000e, sg-0000000f, sg-00000010]}}\n", "")},
		{name: "a security group of no ID", file: snippet("  tenancy:network: {eu-west-1: {subnetGroup: shared-db, securityGroupIds: [default]}}\n", "")},
		{name: "a network in no Amplify region", file: snippet("  tenancy:network: {mars-1: {subnetGroup: shared-db, securityGroupIds: [sg-0123abcd]}}\n", "")},
		{name: "an unknown tier's defaults", file: snippet("  tenancy:tiers: {gold: {isolation: schema}}\n", "")},
		{name: "a tier's unknown isolation", file: snippet("  tenancy:tiers: {starter: {isolation: pool}}\n", "")},
		{name: "a shared cluster too large", file: snippet("  tenancy:sharedCluster: {maxCapacity: 300}\n", "")},
		{name: "a misspelt shared cluster field", file: snippet("  tenancy:sharedCluster: {instance: 2}\n", "")},

		// The schema cannot say it.
		{name: "two tenants of one id", file: snippet("", "    - {id: acme, name: Acme, region: eu-west-1}\n    - {id: acme, name: Acme 2, region: eu-west-1}\n"),
			schema: true, why: "gap: uniqueness of a field across list items"},
		{name: "two tenants of one domain", file: snippet("", "    - {id: acme, name: Acme, region: eu-west-1, domain: acme.com}\n    - {id: globex, name: Globex, region: eu-west-1, domain: www.acme.com}\n"),
			schema: true, why: "gap: a rule across tenants"},
		{name: "capacity for DynamoDB", file: acmeWith("database: {minCapacity: 1}"), schema: true, why: "gap: a rule across fields (engine and capacity)"},
		{name: "a minimum above the maximum", file: aurora("minCapacity: 8, maxCapacity: 4"), schema: true, why: "gap: comparing two fields"},
		{name: "a secret-looking variable", file: acmeWith("environment: {DB_PASSWORD: x}"), schema: true, why: "gap: internal/secretrules' name and value rules"},
		{name: "a secret of another namespace", file: snippet("  aws:secretKey: abc\n", ""), schema: true, why: "gap: internal/secretrules' name and value rules"},
		{name: "a repository that is no URL", file: strings.Replace(snippet("", ""), "https://github.com/o/r", "o/r", 1),
			schema: true, why: "gap: tenant's repository rules"},
		{name: "a backup schedule that is no cron", file: acmeWith("backup: {schedule: daily, retentionDays: 7}"), schema: true, why: "gap: internal/awsrules' cron rules"},
		{name: "movedOut naming a deployed tenant", file: snippet("  tenancy:movedOut: [acme]\n", ""), schema: true, why: "gap: a rule across keys"},

		// The schema flags what the parser lets by.
		{name: "a null tier", file: acmeWith("tier: null"), parser: true,
			why: "stricter: the parser reads null as left out; the editor asks to leave the key out"},
		{name: "an encrypted branch", file: snippet("  tenancy:branch:\n    secure: v1:abc\n", ""), parser: true,
			why: "stricter: offline commands cannot decrypt it and read the default branch instead"},
		{name: "an encrypted quotas", file: snippet("  tenancy:quotas:\n    secure: v1:abc\n", ""), parser: true,
			why: "stricter: offline commands cannot decrypt it and check against the default quotas"},
		{name: "a top-level key Pulumi ignores", file: "confg: {}\n" + snippet("", ""), parser: true,
			why: "stricter: Pulumi and the parser ignore it, so a misspelt secretsprovider: would go unnoticed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := []byte(tt.file)
			parsed := parserVerdict("dev", data)
			checked := schemaVerdict(t, data)
			if (parsed == nil) != tt.parser {
				t.Fatalf("the parser no longer %s it: %v\n%s", verb(tt.parser), orOK(parsed), tt.file)
			}
			if (checked == nil) != tt.schema {
				t.Errorf("the schema %s it, the parser %s (%s): %v\n%s", verb(checked == nil), verb(parsed == nil), tt.why, orOK(checked), tt.file)
			}
			if tt.parser != tt.schema && tt.why == "" {
				t.Errorf("parser and schema differ without a reason")
			}
		})
	}
}

func verb(accepts bool) string {
	if accepts {
		return "accepts"
	}
	return "refuses"
}
