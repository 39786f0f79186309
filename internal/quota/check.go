package quota

import (
	"fmt"
	"maps"
	"slices"

	"github.com/amplify-tenancy/tenancy/tenant"
)

// lowerAuroraDefaults are the regions whose default DB instance quota is
// below the usual 40 (Aurora User Guide, "Quotas and constraints": 20 in
// ap-south-1). They apply while the account keeps the default quota.
var lowerAuroraDefaults = map[string]int{"ap-south-1": 20}

// usage counts what a fleet takes from one region's quotas.
type usage struct {
	apps, auroraInstances, tables int
}

// Check returns one message per quota the tenants exceed, sorted by region
// then repository, or nil. The tenants are those one stack deploys into one
// account; args need not have their defaults applied.
func Check(tenants []tenant.TenantStackArgs, l Limits) []string {
	regions := map[string]*usage{}
	webhooks := map[string]int{}
	for _, a := range tenants {
		a = a.WithDefaults()
		u := regions[a.Region]
		if u == nil {
			u = &usage{}
			regions[a.Region] = u
		}
		if a.Status != tenant.StatusOffboarded {
			u.apps++
			webhooks[a.Repository]++
		}
		if a.Database.Engine == tenant.EngineAuroraPostgreSQL {
			u.auroraInstances += *a.Database.Instances
		} else {
			u.tables++
		}
	}
	defaults := Defaults()
	var out []string
	above := func(scope string, got int, what string, limit, defaultLimit int) {
		if limit <= 0 || got <= limit {
			return
		}
		kind := "configured"
		if limit == defaultLimit {
			kind = "default"
		}
		out = append(out, fmt.Sprintf("%s: %d %s, above the %s quota of %d", scope, got, what, kind, limit))
	}
	for _, region := range slices.Sorted(maps.Keys(regions)) {
		u, scope := regions[region], "region "+region
		aurora, auroraDefault := l.AuroraInstances, defaults.AuroraInstances
		if lower, ok := lowerAuroraDefaults[region]; ok && aurora == auroraDefault {
			aurora, auroraDefault = lower, lower
		}
		above(scope, u.apps, "Amplify apps", l.AmplifyApps, defaults.AmplifyApps)
		above(scope, u.auroraInstances, "Aurora DB instances", aurora, auroraDefault)
		above(scope, u.tables, "DynamoDB tables", l.DynamoDBTables, defaults.DynamoDBTables)
	}
	for _, repo := range slices.Sorted(maps.Keys(webhooks)) {
		if n := webhooks[repo]; l.RepositoryWebhooks > 0 && n > l.RepositoryWebhooks {
			out = append(out, fmt.Sprintf("repository %s: %d Amplify apps adding a webhook each, above the limit of %d webhooks per event", repo, n, l.RepositoryWebhooks))
		}
	}
	return out
}
