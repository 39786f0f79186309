package main

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/amplify-tenancy/tenancy/internal/mockcloud"
	"github.com/amplify-tenancy/tenancy/tenant"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// dataTypes are the resource types that hold or unlock tenant data.
var dataTypes = map[string]bool{
	"aws:kms/key:Key":                                true,
	"aws:dynamodb/table:Table":                       true,
	"aws:rds/cluster:Cluster":                        true,
	"aws:rds/clusterInstance:ClusterInstance":        true,
	"aws:secretsmanager/secret:Secret":               true,
	"aws:secretsmanager/secretVersion:SecretVersion": true,
	"aws:backup/vault:Vault":                         true,
}

func TestDataIsProtectedInProdOnly(t *testing.T) {
	for _, stack := range stackFiles {
		t.Run(stack, func(t *testing.T) {
			cloud, _ := runStack(t, stack)
			prod := stack == "prod"
			found := map[string]int{}
			for _, r := range cloud.Resources() {
				if r.DeleteBeforeReplace || len(r.ReplaceOnChanges) > 0 || r.DeletedWith != "" {
					t.Errorf("%s (%s): deleteBeforeReplace=%v replaceOnChanges=%v deletedWith=%q; none may be set",
						r.Name, r.Type, r.DeleteBeforeReplace, r.ReplaceOnChanges, r.DeletedWith)
				}
				if !dataTypes[r.Type] {
					if r.Protect {
						t.Errorf("%s (%s) is protected but holds no data", r.Name, r.Type)
					}
					continue
				}
				found[r.Type]++
				if r.Protect != prod || r.RetainOnDelete != prod {
					t.Errorf("%s (%s): protect=%v retainOnDelete=%v, want %v", r.Name, r.Type, r.Protect, r.RetainOnDelete, prod)
				}
			}
			if len(found) < 6 {
				t.Errorf("found data types %v, want at least key, table, cluster, instance, secret, version", found)
			}
		})
	}
}

// input reads a nested input by dotted path.
func input(r mockcloud.Resource, path string) resource.PropertyValue {
	v := resource.NewObjectProperty(r.Inputs)
	for _, k := range strings.Split(path, ".") {
		if !v.IsObject() {
			return resource.NewNullProperty()
		}
		v = v.ObjectValue()[resource.PropertyKey(k)]
	}
	return v
}

func TestAWSSideGuards(t *testing.T) {
	cases := []struct {
		stack, typ, path string
		want             any
	}{
		{"prod", "aws:dynamodb/table:Table", "deletionProtectionEnabled", true},
		{"dev", "aws:dynamodb/table:Table", "deletionProtectionEnabled", false},
		{"prod", "aws:dynamodb/table:Table", "pointInTimeRecovery.enabled", true},
		{"dev", "aws:dynamodb/table:Table", "pointInTimeRecovery.enabled", true},
		{"prod", "aws:dynamodb/table:Table", "serverSideEncryption.enabled", true},
		{"prod", "aws:rds/cluster:Cluster", "deletionProtection", true},
		{"dev", "aws:rds/cluster:Cluster", "deletionProtection", false},
		{"prod", "aws:rds/cluster:Cluster", "skipFinalSnapshot", false},
		{"prod", "aws:rds/cluster:Cluster", "copyTagsToSnapshot", true},
		{"prod", "aws:rds/cluster:Cluster", "storageEncrypted", true},
		{"prod", "aws:rds/cluster:Cluster", "enableHttpEndpoint", true},
		{"prod", "aws:rds/cluster:Cluster", "preferredBackupWindow", "03:00-04:00"},
		{"dev", "aws:rds/cluster:Cluster", "backupRetentionPeriod", 1.0},
		{"prod", "aws:kms/key:Key", "deletionWindowInDays", 30.0},
		{"prod", "aws:kms/key:Key", "enableKeyRotation", true},
		{"prod", "aws:rds/clusterInstance:ClusterInstance", "publiclyAccessible", false},
	}
	clouds := map[string]*mockcloud.Cloud{}
	for _, s := range stackFiles {
		clouds[s], _ = runStack(t, s)
	}
	for _, c := range cases {
		t.Run(c.stack+"/"+c.typ+"/"+c.path, func(t *testing.T) {
			n := 0
			for _, r := range clouds[c.stack].Resources() {
				if r.Type != c.typ {
					continue
				}
				n++
				if got := input(r, c.path).V; got != c.want {
					t.Errorf("%s: %s = %v, want %v", r.Name, c.path, got, c.want)
				}
			}
			if n == 0 {
				t.Errorf("no %s in %s", c.typ, c.stack)
			}
		})
	}
	// Retention comes from config in prod (acme: 14) and defaults to 7.
	// A region's shared cluster has the shared cluster's settings, and its
	// snapshots the shared prefix.
	fleet := parsedFleet(t, "prod")
	retention := map[string]float64{}
	for _, tn := range fleet.Tenants {
		if days := tn.Args.Database.BackupRetentionDays; days != nil {
			retention[tn.ID+"-db"] = float64(*days)
		}
		if tn.Args.Database.Isolation.Pooled() {
			shared := tenant.SharedPrefix(tn.Args.Account, tn.Args.Region)
			retention[shared+"-db"] = float64(*tenant.TenantStackArgs{Environment: fleet.Environment, Production: new(fleet.Production),
				Database: tenant.DatabaseArgs{Engine: tenant.EngineAuroraPostgreSQL, BackupRetentionDays: fleet.SharedCluster.BackupRetentionDays}}.WithDefaults().Database.BackupRetentionDays)
		}
	}
	for _, r := range clouds["prod"].Resources() {
		if r.Type != "aws:rds/cluster:Cluster" {
			continue
		}
		want, ok := retention[r.Name]
		if got := input(r, "backupRetentionPeriod").NumberValue(); !ok || got != want {
			t.Errorf("%s: backupRetentionPeriod %v, want %v", r.Name, got, want)
		}
		owner := tenantOf(r)
		if owner == "" {
			owner = strings.TrimSuffix(r.Name, "-db")
		}
		if id := input(r, "finalSnapshotIdentifier").StringValue(); !regexp.MustCompile(`^` + owner + `-final-[0-9a-f]{8}$`).MatchString(id) {
			t.Errorf("%s: finalSnapshotIdentifier %q, want %s-final-<8 hex>", r.Name, id, owner)
		}
	}
}

func TestBackupsStayInTheTenantAndItsRegion(t *testing.T) {
	cloud, _ := runStack(t, "prod")
	rs := byName(cloud.Resources())
	for _, c := range []struct {
		id    string
		days  float64
		email string
	}{{"acme", 35, "dba@acme.example.com"}, {"globex", 7, ""}, {"umbrella", 35, "ops@umbrella.example.com"}} {
		t.Run(c.id, func(t *testing.T) {
			db, key := rs[c.id+"-db"], rs[c.id+"-key"]
			selection := input(rs[c.id+"-backup-selection"], "resources").ArrayValue()
			if len(selection) != 1 || selection[0].StringValue() != db.Outputs["arn"].StringValue() {
				t.Errorf("selection %v, want exactly %s", selection, db.Outputs["arn"].StringValue())
			}
			if got := input(rs[c.id+"-backup-vault"], "kmsKeyArn").StringValue(); got != key.Outputs["arn"].StringValue() {
				t.Errorf("vault key %s, want the tenant key %s", got, key.Outputs["arn"].StringValue())
			}
			rules := input(rs[c.id+"-backup-plan"], "rules").ArrayValue()
			if len(rules) != 1 {
				t.Fatalf("%d rules, want 1", len(rules))
			}
			rule := rules[0].ObjectValue()
			if cp := rule["copyActions"]; cp.IsArray() && len(cp.ArrayValue()) > 0 {
				t.Errorf("plan copies backups elsewhere: %v", cp)
			}
			if got := rule["lifecycle"].ObjectValue()["deleteAfter"].NumberValue(); got != c.days {
				t.Errorf("retention %v, want %v", got, c.days)
			}
			for _, suffix := range []string{"-backup-vault", "-backup-plan", "-backup-selection"} {
				if got, want := cloud.Region(rs[c.id+suffix].Provider), cloud.Region(db.Provider); got != want {
					t.Errorf("%s in %s, database in %s", c.id+suffix, got, want)
				}
			}
			sub, ok := rs[c.id+"-backup-email"]
			if ok != (c.email != "") {
				t.Fatalf("email subscription present=%v, want %v", ok, c.email != "")
			}
			if ok && input(sub, "endpoint").StringValue() != c.email {
				t.Errorf("email %v, want %s", input(sub, "endpoint"), c.email)
			}
		})
	}
	for _, id := range []string{"initech", "hooli"} {
		if _, ok := rs[id+"-backup-plan"]; ok {
			t.Errorf("%s has a backup plan it did not ask for", id)
		}
	}
}

func TestNoReplicasOrCrossRegionCopies(t *testing.T) {
	forbidden := map[string][]string{
		"aws:dynamodb/table:Table": {"replicas"},
		"aws:rds/cluster:Cluster":  {"globalClusterIdentifier", "replicationSourceIdentifier", "sourceRegion"},
		"aws:kms/key:Key":          {"multiRegion"},
	}
	for _, stack := range stackFiles {
		cloud, _ := runStack(t, stack)
		for _, r := range cloud.Resources() {
			for _, k := range forbidden[r.Type] {
				if v, ok := r.Inputs[resource.PropertyKey(k)]; ok && !v.IsNull() && v.V != false {
					t.Errorf("%s/%s: %s = %v", stack, r.Name, k, v)
				}
			}
		}
	}
}

func TestPoliciesNameOnlyTheTenantsResources(t *testing.T) {
	for _, stack := range stackFiles {
		cloud, _ := runStack(t, stack)
		n := 0
		for _, r := range cloud.Resources() {
			if r.Type != "aws:iam/rolePolicy:RolePolicy" {
				continue
			}
			n++
			id, region := tenantOf(r), cloud.Region(r.Provider)
			for _, st := range policyStatements(t, input(r, "policy").StringValue()) {
				for _, arn := range st.Resource {
					if !strings.Contains(arn, ":"+region+":") && !isUnscopable(st.Action, arn) {
						t.Errorf("%s/%s: resource %q is outside %s", stack, r.Name, arn, region)
					}
					if id == "" {
						// A region's shared role (the provisioner) names no
						// tenant: it may act only on what tenancy tagged.
						if st.Condition["StringEquals"]["aws:ResourceTag/managed-by"] != "tenancy" {
							t.Errorf("%s/%s: resource %q is not limited to resources tagged managed-by=tenancy (actions %v)", stack, r.Name, arn, st.Action)
						}
						continue
					}
					if strings.Contains(arn, "/"+id+"-") || strings.Contains(arn, ":"+id+"-") {
						continue
					}
					if p := sharedGrantProblem(st, arn, region, id); p != "ours" {
						if p != "" {
							t.Errorf("%s/%s: %s", stack, r.Name, p)
						}
						continue
					}
					// Snapshot names of AWS Backup cannot name the tenant: only
					// creation (which also needs the tenant's cluster) or a
					// statement limited to the tenant's tag may use them.
					tagged := st.Condition["StringEquals"]["aws:ResourceTag/tenant"] == id
					createOnly := len(st.Action) > 0 && !slices.ContainsFunc(st.Action, func(a string) bool {
						return !slices.Contains([]string{"rds:CreateDBClusterSnapshot", "rds:AddTagsToResource", "rds:ListTagsForResource"}, a)
					}) && strings.HasSuffix(arn, ":cluster-snapshot:awsbackup:*")
					if !tagged && !createOnly && !isUnscopable(st.Action, arn) {
						t.Errorf("%s/%s: resource %q is not one of tenant %s's (actions %v)", stack, r.Name, arn, id, st.Action)
					}
				}
			}
		}
		if n == 0 {
			t.Errorf("%s: no policies checked", stack)
		}
	}
}

// sharedGrantProblem checks a tenant's grant on its region's shared
// resources: the shared table only for items under its own key prefix,
// the shared cluster only through the Data API (PostgreSQL's roles
// separate the tenants inside it), the shared key. It returns "ours" when
// arn is not a shared resource, "" when the grant is fine.
func sharedGrantProblem(st policyStatement, arn, region, id string) string {
	prefix := tenant.SharedPrefix(nil, region)
	if !strings.Contains(arn, "/"+prefix+"-") && !strings.Contains(arn, ":"+prefix+"-") {
		return "ours"
	}
	switch {
	case strings.Contains(arn, ":table/"):
		keys, _ := json.Marshal(st.Condition["ForAllValues:StringLike"]["dynamodb:LeadingKeys"])
		if string(keys) != `["`+id+`#*"]` || slices.Contains(st.Action, "dynamodb:Scan") {
			return fmt.Sprintf("%s: the shared table is granted beyond the tenant's items (leading keys %s, actions %v)", arn, keys, st.Action)
		}
	case strings.Contains(arn, ":cluster:"):
		if slices.ContainsFunc(st.Action, func(a string) bool { return !strings.HasPrefix(a, "rds-data:") }) {
			return fmt.Sprintf("%s: the shared cluster is granted more than the Data API: %v", arn, st.Action)
		}
	case strings.Contains(arn, ":key/"):
	default:
		return fmt.Sprintf("%s: a shared resource no tenant may be granted", arn)
	}
	return ""
}

// unscopable are the grants of the backup and restore roles that cannot
// name one tenant's resource, each reviewed: a grant that is not in this
// list and does not name the tenant fails the test above.
var unscopable = []struct {
	actions  []string
	resource string // "*" or the ARN's suffix
	why      string
}{
	{[]string{"tag:GetResources"}, "*", "a list action without resource-level permissions"},
	{[]string{"rds:DescribeDBClusters", "rds:DescribeDBInstances", "rds:DescribeDBClusterSnapshots"}, "*", "list actions"},
	{[]string{"backup:TagResource"}, ":recovery-point:*", "AWS Backup names recovery points; limited to this account"},
	{[]string{"rds:RestoreDBClusterFromSnapshot", "rds:RestoreDBClusterToPointInTime"}, ":subgrp:*", "a restore's subnet group is chosen when it runs"},
}

func isUnscopable(actions []string, arn string) bool {
	for _, u := range unscopable {
		if (arn == u.resource || (u.resource != "*" && strings.HasSuffix(arn, u.resource))) &&
			!slices.ContainsFunc(actions, func(a string) bool { return !slices.Contains(u.actions, a) }) {
			return true
		}
	}
	return false
}

func TestNoEnvironmentVariableCarriesASecret(t *testing.T) {
	for _, stack := range stackFiles {
		cloud, _ := runStack(t, stack)
		for _, r := range cloud.Resources() {
			vars := r.Inputs["environmentVariables"]
			if vars.IsNull() || !vars.IsObject() {
				continue
			}
			for k, v := range vars.ObjectValue() {
				if v.ContainsSecrets() || slices.Contains([]string{sentinelToken, sentinelPassword, sentinelBasicAuth}, v.StringValue()) {
					t.Errorf("%s/%s: environment variable %s carries a secret", stack, r.Name, k)
				}
			}
		}
	}
}
