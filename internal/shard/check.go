package shard

import (
	"fmt"
	"regexp"

	"github.com/amplify-tenancy/tenancy/internal/stackconfig"
	"github.com/amplify-tenancy/tenancy/tenant"
)

// accountID is the form of Shard.Account in another account.
var accountID = regexp.MustCompile(`^[0-9]{12}$`)

// Check reports every way l, env's lock, does not fit fleet, env's parsed
// fleet file: a tenant of the fleet in no shard, or in a shard of another
// (account, region); a tenant in two shards, or in none of the fleet's
// (removed, or renamed); a shard over MaxTenants, or named otherwise than
// <env>-<region>[-<account>]-<n>; a fleet that selects regions. Each
// problem is a *tenant.FieldError naming the tenant, or the lock file and
// shard, and says what to run. A nil lock (a single stack) has none.
func Check(l *Lock, env string, fleet *stackconfig.Fleet) []error {
	if l == nil {
		return nil
	}
	file := FileName(env)
	assign := "run: go run . fleet assign --env " + env
	var errs []error
	lockErr := func(field, format string, v ...any) {
		errs = append(errs, &tenant.FieldError{Field: file + ": " + field, Err: fmt.Errorf(format, v...)})
	}
	tenantErr := func(id, format string, v ...any) {
		errs = append(errs, &tenant.FieldError{Tenant: id, Field: "shard", Err: fmt.Errorf(format, v...)})
	}
	if l.Env != env {
		lockErr("", "is the lock of environment %q, not %q", l.Env, env)
	}
	if l.MaxTenants < 1 {
		lockErr("maxTenants", "%d: a shard must be allowed at least 1 tenant; %s --max-tenants N", l.MaxTenants, assign)
	}
	if fleet != nil && len(fleet.Selected) > 0 {
		errs = append(errs, &tenant.FieldError{Field: stackconfig.KeyRegions, Err: fmt.Errorf(
			"is set, but %s shards this fleet: a sharded fleet deploys every region through its shards; remove %s (it is for stacks split by hand)", file, stackconfig.KeyRegions)})
	}

	names := map[string]bool{}
	in := map[string]string{} // tenant id -> the first shard listing it
	for _, s := range l.Shards {
		field := "shard " + s.Name
		if s.Name == "" {
			field = fmt.Sprintf("shard of region %s with tenants %v", s.Region, s.Tenants)
		}
		if names[s.Name] {
			lockErr(field, "is listed twice; merge the two entries by hand, keeping each tenant in the shard whose stack holds its resources")
		}
		names[s.Name] = true
		if !tenant.IsAmplifyRegion(s.Region) {
			lockErr(field+".region", "%q is not a region with Amplify Hosting", s.Region)
		}
		if s.Account != "" && !accountID.MatchString(s.Account) {
			lockErr(field+".account", "%q is not a 12-digit AWS account ID (\"\" is the deployer's own account)", s.Account)
		}
		if number(s.Name, env, s.Region, s.Account) == 0 {
			lockErr(field, "is not named %s<n>, %s's shard n of its account and region; shard names are fixed once a stack holds them, so fix the entry by hand", namePrefix(env, s.Region, s.Account), env)
		}
		if l.MaxTenants >= 1 && len(s.Tenants) > l.MaxTenants {
			lockErr(field, "holds %d tenants, more than maxTenants %d; %s (it never moves a tenant, so raise --max-tenants or move tenants with pulumi state move)", len(s.Tenants), l.MaxTenants, assign)
		}
		for _, id := range s.Tenants {
			if first, dup := in[id]; dup {
				tenantErr(id, "is in shard %s and in shard %s of %s; keep it in the one whose stack holds its resources (pulumi stack --stack <shard> --show-urns) and remove it from the other by hand", first, s.Name, file)
				continue
			}
			in[id] = s.Name
		}
	}
	if fleet == nil || len(fleet.Selected) > 0 {
		return errs
	}

	listed := map[string]*stackconfig.Tenant{}  // id -> tenant
	renamed := map[string]*stackconfig.Tenant{} // former id -> tenant
	for i := range fleet.Tenants {
		t := &fleet.Tenants[i]
		listed[t.ID] = t
		for _, former := range t.FormerIDs {
			renamed[former] = t
		}
		name, ok := in[t.ID]
		if !ok {
			tenantErr(t.ID, "is in no shard of %s; %s", file, assign)
			continue
		}
		s, _ := l.Shard(name)
		if p := placeOf(t); s.place() != p {
			tenantErr(t.ID, "is in shard %s of %s, but the tenant is in %s; %s", s.Name, s.place(), p, assign)
		}
	}
	for _, s := range l.Shards {
		for _, id := range s.Tenants {
			if listed[id] != nil {
				continue
			}
			if t := renamed[id]; t != nil {
				tenantErr(id, "shard %s lists %q, which tenant %q has in formerIds; %s", s.Name, id, t.ID, assign)
				continue
			}
			tenantErr(id, "shard %s lists a tenant the fleet file no longer has; %s", s.Name, assign)
		}
	}
	return errs
}
