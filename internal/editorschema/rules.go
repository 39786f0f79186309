package editorschema

import (
	"maps"
	"slices"
	"strings"

	"github.com/amplify-tenancy/tenancy/tenant"
)

// rule constrains one scalar (or one object's required keys) of a stack
// file. The parser checks each of these in the tenant package or
// internal/stackconfig; the schema says the same so an editor flags it
// while the stack file is typed. TestSchemaAgreesWithParser holds each
// bound to the parser, on both sides of it.
type rule struct {
	enum             []string
	pattern, notLike string // notLike: a pattern the value must not match
	minLength        int
	maxLength        int
	minimum, maximum *float64
	multipleOf       float64
	// required are an object's required keys.
	required []string
}

// displayName is one line of text: no C0 or C1 control character, DEL, or
// line or paragraph separator (tenant's displayNameProblem, which also
// refuses the bidirectional formatting characters). The separators are
// written as themselves: \x{2028} is Go's syntax and not ECMA-262's.
const displayName = `^[^\x00-\x1f\x7f-\x9f` + "\u2028\u2029" + `]*$`

// tenantID is tenant.ValidateID: idPattern without "--", which RDS refuses
// in the identifiers a tenant ID goes into.
var tenantID = rule{pattern: `^[a-z][a-z0-9-]{1,30}[a-z0-9]$`, notLike: `--`}

// rules are keyed by a dotted path from the stack key: a struct field adds
// .field, a list's items keep the list's path, a map's values add .* and
// its keys are .*key. A key that names no stack key (account.roleArn)
// matches every path ending in it.
var rules = map[string]rule{
	"tenants":                  {required: []string{"id", "name", "region"}},
	"tenants.id":               tenantID,
	"tenants.formerIds":        tenantID,
	"movedOut":                 tenantID,
	"tenants.name":             {minLength: 1, maxLength: 255, pattern: displayName},
	"tenants.region":           {enum: tenant.AmplifyRegions()},
	"regions":                  {enum: tenant.AmplifyRegions()},
	"network.*key":             {enum: tenant.AmplifyRegions()},
	"tenants.tier":             {enum: tiers},
	"tiers.*key":               {enum: tiers},
	"tenants.status":           {enum: names(tenant.StatusActive, tenant.StatusSuspended, tenant.StatusOffboarded)},
	"tenants.platform":         {enum: names(tenant.PlatformWeb, tenant.PlatformWebCompute)},
	"tenants.branch":           {maxLength: 255, pattern: `^[A-Za-z0-9._/-]+$`},
	"tenants.domain":           {maxLength: 253, pattern: `^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$`},
	"tenants.environment.*key": {pattern: `^[A-Za-z_][A-Za-z0-9_]{0,127}$`},
	"database.engine":          {enum: names(tenant.EngineDynamoDB, tenant.EngineAuroraPostgreSQL)},
	"isolation":                {enum: names(tenant.Isolations()...)},
	// Aurora Serverless v2: 0 to 256 ACUs in steps of 0.5, at least 1 as
	// the maximum (Aurora User Guide, "Capacity for Aurora Serverless v2").
	"minCapacity":                {minimum: num(0), maximum: num(256), multipleOf: 0.5},
	"maxCapacity":                {minimum: num(1), maximum: num(256), multipleOf: 0.5},
	"instanceClass":              {pattern: `^db\.(serverless|[a-z]+[0-9]+[a-z0-9-]*\.[0-9]*[a-z]+)$`},
	"instances":                  {minimum: num(1), maximum: num(16)},
	"backupRetentionDays":        {minimum: num(1), maximum: num(35)},
	"engineVersion":              {pattern: `^[1-9][0-9]?$`},
	"tenants.backup":             {required: []string{"schedule", "retentionDays"}},
	"backup.retentionDays":       {minimum: num(1), maximum: num(3650)},
	"account":                    {required: []string{"roleArn"}},
	"account.roleArn":            {pattern: `^arn:aws(-[a-z]+)*:iam::([0-9]{12}):role/([\x21-\x7e]*/)?[A-Za-z0-9+=,.@_-]{1,64}$`},
	"account.externalId":         {minLength: 2, maxLength: 1224, pattern: `^[A-Za-z0-9_+=,.@:/-]+$`},
	"network.*":                  {required: []string{"subnetGroup", "securityGroupIds"}},
	"network.*.securityGroupIds": {pattern: `^sg-([0-9a-f]{8}|[0-9a-f]{17})$`},
	"quotas.amplifyApps":         {minimum: num(1)},
	"quotas.auroraInstances":     {minimum: num(1)},
	"quotas.dynamodbTables":      {minimum: num(1)},
	"quotas.repositoryWebhooks":  {minimum: num(0)},
}

// uniqueLists are the lists the parser refuses an item twice in.
var uniqueLists = []string{"regions", "movedOut", "tenants.formerIds", "network.*.securityGroupIds"}

// nonEmptyLists are the lists the parser refuses empty.
var nonEmptyLists = []string{"network.*.securityGroupIds"}

var tiers = names(tenant.TierStarter, tenant.TierStandard, tenant.TierEnterprise)

// ruleKey is the key of path's rule: its own, or the one whose key path
// ends with (after a dot), the first in sorted order.
func ruleKey(path string) (string, bool) {
	if _, ok := rules[path]; ok {
		return path, true
	}
	for _, k := range slices.Sorted(maps.Keys(rules)) {
		if strings.HasSuffix(path, "."+k) {
			return k, true
		}
	}
	return "", false
}

func names[T ~string](values ...T) []string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = string(v)
	}
	return out
}

func num(f float64) *float64 { return &f }
