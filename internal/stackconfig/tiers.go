package stackconfig

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/amplify-tenancy/tenancy/tenant"
)

// TierDefaults are what tenancy:tiers gives every tenant of a tier that
// does not say otherwise: a free tier pooled, an enterprise tier in its
// own clusters or its own account.
type TierDefaults struct {
	// Isolation is the tier's default database isolation.
	Isolation string `json:"isolation"`
	// Account is the tier's default account.
	Account *accountEntry `json:"account"`
}

// parseTiers reads tenancy:tiers, a map from tier to its defaults.
func parseTiers(src Source) (map[tenant.Tier]TierDefaults, []error) {
	raw, ok := src.Get(KeyTiers)
	if !ok {
		return nil, nil
	}
	fail := func(field, format string, v ...any) error {
		return &tenant.FieldError{Field: field, Err: fmt.Errorf(format, v...)}
	}
	var tiers map[string]TierDefaults
	problems := decodeStrict([]byte(raw), &tiers)
	if len(problems) > 0 && problems[0].field == "" {
		return nil, []error{fail(KeyTiers, "must map tiers to {isolation, account}, %s", strings.TrimPrefix(problems[0].msg, "want an object, "))}
	}
	var errs []error
	for _, p := range problems {
		errs = append(errs, fail(KeyTiers+"."+p.field, "%s", p.msg))
	}
	out := map[tenant.Tier]TierDefaults{}
	known := []tenant.Tier{tenant.TierStarter, tenant.TierStandard, tenant.TierEnterprise}
	for _, name := range slices.Sorted(maps.Keys(tiers)) {
		tier := tenant.Tier(name)
		if !slices.Contains(known, tier) {
			errs = append(errs, fail(KeyTiers+"."+name, "is not a tier; tiers are starter, standard, enterprise"))
			continue
		}
		d := tiers[name]
		field := KeyTiers + "." + name
		// A bad default is reported once, here, and not given to the
		// tenants of the tier, which would report it once each.
		if d.Isolation != "" && !slices.Contains(tenant.Isolations(), tenant.Isolation(d.Isolation)) {
			errs = append(errs, fail(field+".isolation", "%q is not one of schema, database, cluster", d.Isolation))
			d.Isolation = ""
		}
		if d.Account != nil {
			if problems := tenant.Unjoin(d.Account.args().Validate()); len(problems) > 0 {
				for _, e := range problems {
					errs = append(errs, relabel("", field+"."+fieldOf(e), e))
				}
				d.Account = nil
			}
		}
		out[tier] = d
	}
	return out, errs
}

// sharedClusterEntry is tenancy:sharedCluster exactly as written in a stack
// file. Its json tags are the only keys accepted.
type sharedClusterEntry struct {
	MinCapacity              *float64 `json:"minCapacity"`
	MaxCapacity              *float64 `json:"maxCapacity"`
	Instances                *int     `json:"instances"`
	BackupRetentionDays      *int     `json:"backupRetentionDays"`
	EngineVersion            string   `json:"engineVersion"`
	AllowMajorVersionUpgrade bool     `json:"allowMajorVersionUpgrade"`
}

// parseSharedCluster reads tenancy:sharedCluster, the size and version of
// every region's shared Aurora cluster; the tenant package's rules check
// it (tenant.NewRegionShared), as they check a tenant's own cluster.
func parseSharedCluster(src Source, production bool) (tenant.SharedClusterArgs, []error) {
	var c sharedClusterEntry
	raw, ok := src.Get(KeySharedCluster)
	if !ok {
		return tenant.SharedClusterArgs{}, nil
	}
	var errs []error
	for _, p := range decodeStrict([]byte(raw), &c) {
		field := KeySharedCluster
		if p.field != "" {
			field += "." + p.field
		}
		errs = append(errs, &tenant.FieldError{Field: field, Err: fmt.Errorf("%s", p.msg)})
	}
	args := tenant.SharedClusterArgs{MinCapacity: c.MinCapacity, MaxCapacity: c.MaxCapacity, Instances: c.Instances,
		BackupRetentionDays: c.BackupRetentionDays, EngineVersion: c.EngineVersion, AllowMajorVersionUpgrade: c.AllowMajorVersionUpgrade}
	if len(errs) > 0 {
		return args, errs
	}
	for _, e := range tenant.Unjoin(args.Validate(production)) {
		errs = append(errs, relabel("", KeySharedCluster+"."+strings.TrimPrefix(fieldOf(e), "database."), e))
	}
	return args, errs
}

// checkAccounts refuses two ways into one account: every tenant (or tier)
// naming an account must name it with the same role and external ID,
// since one provider serves each (account, region). Linear: one map of
// account IDs.
func checkAccounts(tenants []Tenant) []error {
	first := map[string]Tenant{}
	var errs []error
	for _, t := range tenants {
		a := t.Args.Account
		if a == nil || a.AccountID() == "" {
			continue
		}
		other, seen := first[a.AccountID()]
		if !seen {
			first[a.AccountID()] = t
			continue
		}
		o := other.Args.Account
		field := "account.roleArn"
		if o.RoleArn == a.RoleArn {
			field = "account.externalId"
		}
		if o.RoleArn != a.RoleArn || o.ExternalID != a.ExternalID {
			errs = append(errs, &tenant.FieldError{Tenant: t.ID, Field: field, Err: fmt.Errorf(
				"account %s is already reached through another role or external ID by tenant %q; one provider serves each account and region, so every tenant of an account names the same roleArn and externalId", a.AccountID(), other.ID)})
		}
	}
	return errs
}
