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
	region                        string
	apps, auroraInstances, tables int
}

// Check returns one message per quota the tenants exceed, sorted by
// account and region, then repository, or nil. The tenants are those one
// stack deploys; args need not have their defaults applied. Pooled tenants
// count no database of their own: their (account, region) counts its
// shared cluster, of sharedInstances instances, and its shared table once.
func Check(tenants []tenant.TenantStackArgs, sharedInstances int, l Limits) []string {
	regions := map[string]*usage{}
	webhooks := map[string]int{}
	pooledAurora, pooledTable := map[string]bool{}, map[string]bool{}
	for _, a := range tenants {
		a = a.WithDefaults()
		place := "region " + a.Region
		if a.Account != nil {
			place = "account " + a.Account.AccountID() + " " + place
		}
		u := regions[place]
		if u == nil {
			u = &usage{region: a.Region}
			regions[place] = u
		}
		if a.Status != tenant.StatusOffboarded {
			u.apps++
			webhooks[a.Repository]++
		}
		d := a.Database
		switch {
		case d.Engine == tenant.EngineAuroraPostgreSQL && d.Isolation.Pooled():
			if !pooledAurora[place] {
				pooledAurora[place] = true
				u.auroraInstances += sharedInstances
			}
		case d.Isolation.Pooled():
			if !pooledTable[place] {
				pooledTable[place] = true
				u.tables++
			}
		case d.Engine == tenant.EngineAuroraPostgreSQL:
			u.auroraInstances += *d.Instances
		default:
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
	for _, scope := range slices.Sorted(maps.Keys(regions)) {
		u := regions[scope]
		aurora, auroraDefault := l.AuroraInstances, defaults.AuroraInstances
		if lower, ok := lowerAuroraDefaults[u.region]; ok && aurora == auroraDefault {
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
