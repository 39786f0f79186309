package main

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/amplify-tenancy/tenancy/internal/awsrules"
	"github.com/amplify-tenancy/tenancy/internal/mockcloud"
	"github.com/amplify-tenancy/tenancy/tenant"
)

// awsStacks are the stacks whose every input is read as AWS reads it: the
// committed ones and the longest names tenancy accepts.
var awsStacks = []string{"dev", "prod", "longest"}

// autoName is a name as pulumi-aws makes one: the logical name, "-" and
// 7 hex characters.
func autoName(logical string) string { return logical + "-0a1b2c3" }

// TestEveryNameAndInputPassesAWSRules checks every input of every resource
// against the rules AWS applies at create time (internal/awsrules), and
// every auto-name at its longest.
func TestEveryNameAndInputPassesAWSRules(t *testing.T) {
	for _, stack := range awsStacks {
		t.Run(stack, func(t *testing.T) {
			cloud, _ := runStack(t, stack)
			checked := 0
			for _, r := range cloud.Resources() {
				if !r.Custom {
					continue
				}
				in := awsrules.Plain(r.Inputs)
				for _, err := range awsrules.Check(r.Type, in) {
					t.Errorf("%s: %v", r.Name, err)
				}
				for _, rule := range awsrules.NameRules(r.Type) {
					checked++
					if _, explicit := in[rule.Property]; explicit || !rule.AutoNamed {
						continue
					}
					if err := rule.Check(autoName(r.Name)); err != nil {
						t.Errorf("%s: auto-name: %v", r.Name, err)
					}
				}
			}
			if checked == 0 {
				t.Fatal("no name checked")
			}
		})
	}
}

// TestLongNamesAreFittedAndShortOnesKept proves the explicit names exist
// only where an auto-name would overflow: a resource that exists keeps its
// auto-name, and its name input stays absent.
func TestLongNamesAreFittedAndShortOnesKept(t *testing.T) {
	fitted := map[string]bool{}
	for _, stack := range awsStacks {
		cloud, _ := runStack(t, stack)
		for _, r := range cloud.Resources() {
			for _, rule := range awsrules.NameRules(r.Type) {
				if !rule.AutoNamed {
					continue
				}
				_, explicit := r.Inputs[mustKey(rule.Property)]
				overflows := len(autoName(r.Name)) > rule.Max
				if explicit != overflows {
					t.Errorf("%s/%s: explicit name %v, auto-name overflows %v", stack, r.Name, explicit, overflows)
				}
				if explicit {
					fitted[r.Type] = true
				}
			}
		}
	}
	for _, typ := range []string{"aws:backup/vault:Vault", "aws:backup/plan:Plan", "aws:backup/selection:Selection"} {
		if !fitted[typ] {
			t.Errorf("no %s was given a fitted name: the longest stack no longer reaches the limit", typ)
		}
	}
}

// TestAppVariablesNameItsOwnData checks, for every tenant of every stack,
// that its app's variables and tenantConfig.database name its own table or
// cluster and secret, in its region, and no other tenant's.
func TestAppVariablesNameItsOwnData(t *testing.T) {
	clouds := map[string]*mockcloud.Cloud{"generated-60": runFleet(t, 60)}
	for _, stack := range awsStacks {
		clouds[stack], _ = runStack(t, stack)
	}
	for stack, cloud := range clouds {
		t.Run(stack, func(t *testing.T) {
			rs := cloud.Resources()
			apps := 0
			for _, app := range rs {
				if app.Type != "aws:amplify/app:App" {
					continue
				}
				apps++
				id := tenantOf(app)
				vars := awsrules.Plain(app.Inputs)["environmentVariables"].(map[string]any)
				want := ownData(t, rs, id)
				for k, v := range want {
					if vars[k] != v {
						t.Errorf("%s: %s = %v, want %q", app.Name, k, vars[k], v)
					}
				}
				for k := range vars {
					if strings.HasPrefix(k, "TENANCY_") && want[k] == "" {
						t.Errorf("%s: %s is set but names nothing of tenant %s", app.Name, k, id)
					}
				}
				var cfg struct {
					Region, Name string
					Database     map[string]string
				}
				if err := json.Unmarshal([]byte(vars[tenant.TenantConfigVariable].(string)), &cfg); err != nil {
					t.Fatalf("%s: tenantConfig: %v", app.Name, err)
				}
				db := map[string]string{
					tenant.VariableDatabaseEngine: cfg.Database["engine"], tenant.VariableDatabaseRegion: cfg.Database["region"],
					tenant.VariableTableName: cfg.Database["tableName"], tenant.VariableTableArn: cfg.Database["tableArn"],
					tenant.VariableClusterArn: cfg.Database["clusterArn"], tenant.VariableSecretArn: cfg.Database["secretArn"],
					tenant.VariableDatabaseName: cfg.Database["databaseName"], tenant.VariableIsolation: cfg.Database["isolation"],
					tenant.VariableSchema: cfg.Database["schema"], tenant.VariableKeyPrefix: cfg.Database["keyPrefix"],
				}
				for k, v := range want {
					if db[k] != v {
						t.Errorf("%s: tenantConfig.database says %s = %q, want %q", app.Name, k, db[k], v)
					}
				}
			}
			if apps == 0 {
				t.Fatal("no app")
			}
		})
	}
}

// ownData is what tenant id's app must be told: read from the tenant's own
// table or cluster and secret, as registered.
func ownData(t *testing.T, rs []mockcloud.Resource, id string) map[string]string {
	t.Helper()
	want := map[string]string{}
	for _, r := range rs {
		if tenantOf(r) != id {
			continue
		}
		out := awsrules.Plain(r.Outputs)
		region := strings.Split(fmt.Sprint(out["arn"]), ":")
		switch r.Type {
		case "aws:dynamodb/table:Table":
			want[tenant.VariableDatabaseEngine], want[tenant.VariableIsolation] = "dynamodb", "cluster"
			want[tenant.VariableTableName], want[tenant.VariableTableArn] = out["name"].(string), out["arn"].(string)
			want[tenant.VariableDatabaseRegion] = region[3]
		case "aws:amplify/app:App":
			// A schema-level DynamoDB tenant has no table of its own: its
			// data is its region's shared table.
			vars := awsrules.Plain(r.Inputs)["environmentVariables"].(map[string]any)
			if vars[tenant.VariableIsolation] == "schema" && vars[tenant.VariableDatabaseEngine] == "dynamodb" {
				region := strings.Split(fmt.Sprint(out["arn"]), ":")[3]
				var shared map[string]any // the shared table of the app's account and region
				for _, t := range rs {
					if t.Type == "aws:dynamodb/table:Table" && t.Provider == r.Provider && strings.HasSuffix(t.Name, "-shared-table") {
						shared = awsrules.Plain(t.Outputs)
					}
				}
				if shared == nil {
					t.Fatalf("%s: no shared table beside the app", r.Name)
				}
				want[tenant.VariableDatabaseEngine], want[tenant.VariableIsolation] = "dynamodb", "schema"
				want[tenant.VariableTableName], want[tenant.VariableTableArn] = shared["name"].(string), shared["arn"].(string)
				want[tenant.VariableDatabaseRegion], want[tenant.VariableKeyPrefix] = region, id+"#"
			}
		case "aws:lambda/invocation:Invocation":
			// Every Aurora tenant's app role: where its data is, at any level.
			var in map[string]string
			if err := json.Unmarshal([]byte(awsrules.Plain(r.Inputs)["input"].(string)), &in); err != nil {
				t.Fatalf("%s: input: %v", r.Name, err)
			}
			want[tenant.VariableDatabaseEngine], want[tenant.VariableIsolation] = "aurora-postgresql", in["isolation"]
			want[tenant.VariableClusterArn], want[tenant.VariableDatabaseName] = in["clusterArn"], in["database"]
			want[tenant.VariableDatabaseRegion] = strings.Split(in["clusterArn"], ":")[3]
			if in["isolation"] == "schema" {
				want[tenant.VariableSchema] = "tenant-" + id
			}
		case "aws:secretsmanager/secret:Secret":
			// The app reads its own role's credentials, never the master's.
			if strings.HasSuffix(r.Name, "-db-app-secret") {
				want[tenant.VariableSecretArn] = out["arn"].(string)
			}
		}
	}
	if want[tenant.VariableDatabaseEngine] == "" {
		t.Fatalf("tenant %s has no database", id)
	}
	return want
}

// TestServiceTrustIsPinnedToTheAccount checks every role's trust policy
// and the backup topic's policy: a service principal acts only for this
// account, and Amplify only for apps in the tenant's region.
func TestServiceTrustIsPinnedToTheAccount(t *testing.T) {
	for _, stack := range awsStacks {
		cloud, _ := runStack(t, stack)
		rs := cloud.Resources()
		roles := 0
		for _, r := range rs {
			var raw string
			switch r.Type {
			case "aws:iam/role:Role":
				raw = awsrules.Plain(r.Inputs)["assumeRolePolicy"].(string)
			case "aws:sns/topicPolicy:TopicPolicy":
				raw = awsrules.Plain(r.Inputs)["policy"].(string)
			default:
				continue
			}
			roles++
			region := regionOf(t, cloud, r)
			for _, st := range policyStatements(t, raw) {
				service := fmt.Sprint(st.Principal["Service"])
				if got := st.Condition["StringEquals"]["aws:SourceAccount"]; got != mockcloud.AccountID {
					t.Errorf("%s/%s: %s trusted without aws:SourceAccount = the account (got %v)", stack, r.Name, service, got)
				}
				wantArn := map[string]string{
					"amplify.amazonaws.com": fmt.Sprintf("arn:aws:amplify:%s:%s:apps/*", region, mockcloud.AccountID),
				}[service]
				if wantArn != "" && st.Condition["ArnLike"]["aws:SourceArn"] != wantArn {
					t.Errorf("%s/%s: amplify trusted for %v, want %s", stack, r.Name, st.Condition["ArnLike"], wantArn)
				}
				if r.Type == "aws:sns/topicPolicy:TopicPolicy" && !strings.Contains(fmt.Sprint(st.Condition["ArnEquals"]["aws:SourceArn"]), ":backup-vault:") {
					t.Errorf("%s/%s: topic policy not limited to the tenant's vault: %v", stack, r.Name, st.Condition)
				}
			}
		}
		if roles == 0 {
			t.Errorf("%s: no trust policy checked", stack)
		}
	}
}

// regionOf is the region of a resource's provider.
func regionOf(t *testing.T, cloud *mockcloud.Cloud, r mockcloud.Resource) string {
	t.Helper()
	region := cloud.Region(r.Provider)
	if region == "" {
		t.Fatalf("%s has no regional provider", r.Name)
	}
	return region
}

// TestKeysAreUsedOnlyThroughTheDataServices checks every key policy: the
// account administers the key, and uses it only through the services of
// the tenant's region that hold its data.
func TestKeysAreUsedOnlyThroughTheDataServices(t *testing.T) {
	use := []string{"kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:CreateGrant", "kms:*", "kms:Create*"}
	for _, stack := range awsStacks {
		cloud, _ := runStack(t, stack)
		keys := 0
		for _, r := range cloud.Resources() {
			if r.Type != "aws:kms/key:Key" {
				continue
			}
			keys++
			region := regionOf(t, cloud, r)
			admin := false
			for _, st := range policyStatements(t, awsrules.Plain(r.Inputs)["policy"].(string)) {
				if st.Principal["AWS"] != "arn:aws:iam::"+mockcloud.AccountID+":root" {
					t.Errorf("%s/%s: principal %v, want the account", stack, r.Name, st.Principal)
				}
				admin = admin || slices.Contains(st.Action, "kms:PutKeyPolicy")
				if !slices.ContainsFunc(st.Action, func(a string) bool { return slices.Contains(use, a) }) {
					continue
				}
				via := fmt.Sprint(st.Condition["StringEquals"]["kms:ViaService"])
				for _, s := range []string{"dynamodb", "rds", "secretsmanager", "backup"} {
					if !strings.Contains(via, s+"."+region+".amazonaws.com") {
						t.Errorf("%s/%s: use not through %s in %s: %v", stack, r.Name, s, region, via)
					}
				}
				if strings.Count(via, ".amazonaws.com") != 4 || slices.Contains(st.Action, "kms:PutKeyPolicy") {
					t.Errorf("%s/%s: statement %s mixes use with more: %v %v", stack, r.Name, st.Sid, st.Action, via)
				}
			}
			if !admin {
				t.Errorf("%s/%s: nobody may put the key policy again: KMS's lockout check fails", stack, r.Name)
			}
		}
		if keys == 0 {
			t.Errorf("%s: no key", stack)
		}
	}
}

// TestAuroraClustersKeepTheirNetworkAndMinorVersion checks that a cluster
// is created in its region's network, that the network and AWS's minor
// upgrades never replace or downgrade an existing cluster, and that a
// major upgrade happens only when allowed.
func TestAuroraClustersKeepTheirNetworkAndMinorVersion(t *testing.T) {
	for _, stack := range awsStacks {
		cloud, _ := runStack(t, stack)
		rs := cloud.Resources()
		clusters := 0
		for _, r := range rs {
			if r.Type != "aws:rds/cluster:Cluster" {
				continue
			}
			clusters++
			in := awsrules.Plain(r.Inputs)
			// The subnet group of the cluster's account and region: the
			// one its provider created.
			var group mockcloud.Resource
			for _, g := range rs {
				if g.Type == "aws:rds/subnetGroup:SubnetGroup" && g.Provider == r.Provider {
					group = g
				}
			}
			if group.Type == "" || in["dbSubnetGroupName"] != awsrules.Plain(group.Outputs)["name"] {
				t.Errorf("%s/%s: dbSubnetGroupName %v, want the name of the subnet group of its account and region (%s)", stack, r.Name, in["dbSubnetGroupName"], regionOf(t, cloud, r))
			}
			for _, fixed := range []string{"dbSubnetGroupName", "vpcSecurityGroupIds", "engineVersion"} {
				if !slices.Contains(r.IgnoreChanges, fixed) {
					t.Errorf("%s/%s: %s is not ignored after create: %v", stack, r.Name, fixed, r.IgnoreChanges)
				}
			}
			if in["engineVersion"] != "16" || in["allowMajorVersionUpgrade"] != false || in["applyImmediately"] != true {
				t.Errorf("%s/%s: engineVersion %v, allowMajorVersionUpgrade %v, applyImmediately %v", stack, r.Name,
					in["engineVersion"], in["allowMajorVersionUpgrade"], in["applyImmediately"])
			}
		}
		if clusters == 0 {
			t.Errorf("%s: no cluster", stack)
		}
		for _, r := range rs {
			if r.Type == "aws:ec2/securityGroup:SecurityGroup" && (r.Inputs.HasValue("ingress") || r.Inputs.HasValue("egress")) {
				t.Errorf("%s/%s: the cluster's security group has rules: %v", stack, r.Name, r.Inputs)
			}
			if strings.HasPrefix(r.Type, "aws:ec2/internetGateway") || strings.HasPrefix(r.Type, "aws:ec2/natGateway") {
				t.Errorf("%s/%s: the database network reaches the internet", stack, r.Name)
			}
		}
	}
}

// TestRolesCanDoTheirJob checks the Amplify service role (AWS's backend
// deployment policy, bounded) and the backup and restore roles (the actions
// AWS Backup needs for the tenant's engine).
func TestRolesCanDoTheirJob(t *testing.T) {
	for _, stack := range awsStacks {
		cloud, _ := runStack(t, stack)
		names := byName(cloud.Resources())
		for _, r := range cloud.Resources() {
			if r.Type != tenant.TypeToken {
				continue
			}
			id := r.Name
			role, app := names[id+"-service"], names[id+"-app"]
			if app.Name != "" {
				if got := awsrules.Plain(app.Inputs)["iamServiceRoleArn"]; got == nil || got != awsrules.Plain(role.Outputs)["arn"] {
					t.Errorf("%s/%s: iamServiceRoleArn %v, want %s's ARN", stack, app.Name, got, role.Name)
				}
				boundary := names[id+"-service-boundary"]
				if awsrules.Plain(role.Inputs)["permissionsBoundary"] != awsrules.Plain(boundary.Outputs)["arn"] {
					t.Errorf("%s/%s: not bounded by %s", stack, role.Name, boundary.Name)
				}
				attach := awsrules.Plain(names[id+"-service-backend"].Inputs)
				if attach["policyArn"] != "arn:aws:iam::aws:policy/service-role/AmplifyBackendDeployFullAccess" {
					t.Errorf("%s/%s: backend policy %v", stack, role.Name, attach["policyArn"])
				}
				checkBoundary(t, stack, id, regionOf(t, cloud, boundary), awsrules.Plain(boundary.Inputs)["policy"].(string))
			}
			if n := names[id+"-backup-notifications"]; n.Name != "" {
				for _, e := range awsrules.Plain(n.Inputs)["backupVaultEvents"].([]any) {
					if !slices.Contains(awsrules.BackupVaultEvents, e.(string)) {
						t.Errorf("%s/%s: %v is deprecated: AWS never sends it", stack, n.Name, e)
					}
				}
			}
			backup, restore := names[id+"-backup-access"], names[id+"-restore-access"]
			if backup.Name == "" {
				continue
			}
			engine := "dynamodb"
			if _, ok := names[id+"-db-1"]; ok {
				engine = "aurora"
			}
			need := map[string][2][]string{
				"dynamodb": {{"dynamodb:StartAwsBackupJob", "dynamodb:CreateBackup", "dynamodb:DescribeTable", "dynamodb:ListTagsOfResource", "backup:CopyIntoBackupVault", "kms:CreateGrant"},
					{"dynamodb:RestoreTableFromAwsBackup", "dynamodb:PutItem", "dynamodb:BatchWriteItem", "kms:CreateGrant", "kms:Encrypt"}},
				"aurora": {{"rds:CreateDBClusterSnapshot", "rds:DescribeDBClusters", "rds:ModifyDBCluster", "rds:AddTagsToResource", "rds:DeleteDBClusterSnapshot", "kms:CreateGrant"},
					{"rds:RestoreDBClusterFromSnapshot", "rds:CreateDBInstance", "rds:AddTagsToResource", "kms:CreateGrant"}},
			}[engine]
			for i, p := range []mockcloud.Resource{backup, restore} {
				var actions []string
				for _, st := range policyStatements(t, awsrules.Plain(p.Inputs)["policy"].(string)) {
					actions = append(actions, st.Action...)
				}
				for _, a := range need[i] {
					if !slices.Contains(actions, a) {
						t.Errorf("%s/%s: lacks %s, which AWS Backup needs for %s", stack, p.Name, a, engine)
					}
				}
			}
		}
	}
}

// checkBoundary checks the service role's boundary: nothing outside the
// tenant's region but the global services, nothing on another tenant's data
// and no change to tenancy's IAM.
func checkBoundary(t *testing.T, stack, id, region, raw string) {
	t.Helper()
	sids := map[string]bool{}
	for _, st := range policyStatements(t, raw) {
		sids[st.Sid] = true
		switch st.Sid {
		case "DenyOtherRegions":
			if st.Effect != "Deny" || st.Condition["StringNotEquals"]["aws:RequestedRegion"] != region || slices.Contains(st.NotAction, "*") {
				t.Errorf("%s/%s: region statement %+v", stack, id, st)
			}
		case "DenyOtherTenantsData":
			if st.Effect != "Deny" || st.Condition["StringNotEquals"]["aws:ResourceTag/tenant"] != id ||
				!slices.Contains(st.Action, "dynamodb:*") || !slices.Contains(st.Action, "secretsmanager:*") {
				t.Errorf("%s/%s: data statement %+v", stack, id, st)
			}
		case "DenyChangesToTenancyIAM":
			if st.Effect != "Deny" || !slices.Contains(st.Action, "iam:*") {
				t.Errorf("%s/%s: iam statement %+v", stack, id, st)
			}
		}
	}
	for _, want := range []string{"DenyOtherRegions", "DenyOtherTenantsData", "DenyChangesToTenancyIAM"} {
		if !sids[want] {
			t.Errorf("%s/%s: boundary lacks %s", stack, id, want)
		}
	}
}

// TestExistingNetworkIsUsedInsteadOfANewOne checks tenancy:network: the
// region it names gets no network of tenancy's, and its clusters use the
// subnet group and security groups named there.
func TestExistingNetworkIsUsedInsteadOfANewOne(t *testing.T) {
	config, secrets := stackConfig(t, "prod")
	config["tenancy:network"] = `{"us-east-1": {"subnetGroup": "shared-db", "securityGroupIds": ["sg-0123456789abcdef0"]}}`
	cloud, _, err := run(t, "prod", config, secrets, nil)
	if err != nil {
		t.Fatal(err)
	}
	names := byName(cloud.Resources())
	if r, ok := names["us-east-1-db-vpc"]; ok {
		t.Errorf("%s created although tenancy:network names one for us-east-1", r.Name)
	}
	if _, ok := names["eu-central-1-db-subnets"]; !ok {
		t.Error("eu-central-1, not in tenancy:network, got no network")
	}
	in := awsrules.Plain(names["acme-db"].Inputs)
	if in["dbSubnetGroupName"] != "shared-db" || fmt.Sprint(in["vpcSecurityGroupIds"]) != "[sg-0123456789abcdef0]" {
		t.Errorf("acme-db: subnet group %v, security groups %v", in["dbSubnetGroupName"], in["vpcSecurityGroupIds"])
	}
}
