package shard

import (
	"fmt"
	"slices"

	"github.com/amplify-tenancy/tenancy/internal/stackconfig"
)

// Assign returns the lock that deploys fleet, env's parsed fleet file, in
// shards of at most maxTenants tenants, starting from prev, the lock as
// it is (nil for a fleet not yet sharded). maxTenants 0 keeps prev's, or
// DefaultMaxTenants.
//
// It is stable: every tenant of prev still in the fleet, under its id or
// one of its formerIds (a rename), stays in its shard as long as its
// account and region are the shard's; adding, removing or reordering other
// tenants moves no one. A tenant removed from the fleet leaves the lock. A
// tenant new to the lock, or whose account or region changed, joins the
// first shard of its (account, region) with room, taken in fleet order, or
// else a new shard numbered one past the place's last. Shards left empty
// stay. The result depends only on its arguments.
//
// Assign refuses a fleet that selects regions (tenancy:regions is for
// hand-made splits; a sharded fleet deploys every region), a prev that
// puts one tenant in two shards, and a maxTenants below what a shard
// already holds: meeting it would move tenants.
func Assign(prev *Lock, env string, fleet *stackconfig.Fleet, maxTenants int) (*Lock, error) {
	if fleet == nil {
		return nil, fmt.Errorf("fleet %s: no fleet to assign", env)
	}
	if len(fleet.Selected) > 0 {
		return nil, fmt.Errorf("fleet %s: %s is set; a sharded fleet deploys every region through its shards, so remove it (it is for stacks split by hand, docs/performance.md)", env, stackconfig.KeyRegions)
	}
	if prev != nil && prev.Env != "" && prev.Env != env {
		return nil, fmt.Errorf("fleet %s: the lock given is environment %s's", env, prev.Env)
	}
	switch {
	case maxTenants < 0:
		return nil, fmt.Errorf("fleet %s: --max-tenants %d: must be at least 1", env, maxTenants)
	case maxTenants == 0 && prev != nil && prev.MaxTenants > 0:
		maxTenants = prev.MaxTenants
	case maxTenants == 0:
		maxTenants = DefaultMaxTenants
	}

	next := &Lock{Env: env, MaxTenants: maxTenants}
	was := map[string]int{} // tenant id in prev -> index of its shard
	if prev != nil {
		for i, s := range prev.Shards {
			for _, id := range s.Tenants {
				if j, dup := was[id]; dup && j != i {
					return nil, fmt.Errorf("fleet %s: %s puts tenant %q in two shards, %s and %s; keep it in the one whose stack holds its resources (pulumi stack --stack <shard> --show-urns) and remove it from the other by hand",
						env, FileName(env), id, prev.Shards[j].Name, s.Name)
				}
				was[id] = i
			}
			next.Shards = append(next.Shards, Shard{Name: s.Name, Region: s.Region, Account: s.Account})
		}
	}

	// Every tenant that keeps its shard, then the others in fleet order.
	var pending []*stackconfig.Tenant
	for i := range fleet.Tenants {
		t := &fleet.Tenants[i]
		at := -1
		for _, id := range append([]string{t.ID}, t.FormerIDs...) {
			if j, ok := was[id]; ok {
				at = j
				break
			}
		}
		if at >= 0 && next.Shards[at].place() == placeOf(t) {
			next.Shards[at].Tenants = append(next.Shards[at].Tenants, t.ID)
			continue
		}
		pending = append(pending, t)
	}
	for _, s := range next.Shards {
		if len(s.Tenants) > maxTenants {
			return nil, fmt.Errorf("fleet %s: shard %s keeps %d tenants, more than --max-tenants %d; a tenant leaves its shard only when it moves region, so the limit can be no lower than %d",
				env, s.Name, len(s.Tenants), maxTenants, len(s.Tenants))
		}
	}
	for _, t := range pending {
		p := placeOf(t)
		room, last := -1, 0
		for i, s := range next.Shards {
			if s.place() != p {
				continue
			}
			last = max(last, trailingNumber(s.Name))
			if len(s.Tenants) < maxTenants && (room < 0 || trailingNumber(s.Name) < trailingNumber(next.Shards[room].Name)) {
				room = i
			}
		}
		if room < 0 {
			n := last + 1
			for _, taken := next.Shard(Name(env, p.region, p.account, n)); taken; _, taken = next.Shard(Name(env, p.region, p.account, n)) {
				n++
			}
			next.Shards = append(next.Shards, Shard{Name: Name(env, p.region, p.account, n), Region: p.region, Account: p.account})
			room = len(next.Shards) - 1
		}
		next.Shards[room].Tenants = append(next.Shards[room].Tenants, t.ID)
	}
	for i := range next.Shards {
		slices.Sort(next.Shards[i].Tenants)
		if next.Shards[i].Tenants == nil {
			next.Shards[i].Tenants = []string{}
		}
	}
	sortShards(next.Shards)
	return next, nil
}
