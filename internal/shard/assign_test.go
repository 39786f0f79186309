package shard

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

const otherAccount = "210987654321"

// base is a fleet of seven tenants over two regions and two accounts.
var base = []tenantSpec{
	"acme eu-central-1", "globex eu-central-1", "initech us-east-1", "umbrella eu-central-1",
	"hooli eu-central-1", "stark us-east-1", "wayne eu-central-1 account=" + otherAccount,
}

func TestAssignFirstTime(t *testing.T) {
	l := mustAssign(t, nil, fleetOf(t, base...), 2)
	want := []Shard{
		{Name: "prod-eu-central-1-1", Region: "eu-central-1", Tenants: []string{"acme", "globex"}},
		{Name: "prod-eu-central-1-2", Region: "eu-central-1", Tenants: []string{"hooli", "umbrella"}},
		{Name: "prod-eu-central-1-" + otherAccount + "-1", Region: "eu-central-1", Account: otherAccount, Tenants: []string{"wayne"}},
		{Name: "prod-us-east-1-1", Region: "us-east-1", Tenants: []string{"initech", "stark"}},
	}
	if !slices.EqualFunc(l.Shards, want, func(a, b Shard) bool {
		return a.Name == b.Name && a.Region == b.Region && a.Account == b.Account && slices.Equal(a.Tenants, b.Tenants)
	}) {
		t.Errorf("got %+v\nwant %+v", l.Shards, want)
	}
	if l.MaxTenants != 2 || l.Env != "prod" {
		t.Errorf("max %d env %q", l.MaxTenants, l.Env)
	}
	if d := mustAssign(t, nil, fleetOf(t, base...), 0); d.MaxTenants != DefaultMaxTenants || len(d.Shards) != 3 {
		t.Errorf("default: max %d, %d shards; want %d and one shard per place", d.MaxTenants, len(d.Shards), DefaultMaxTenants)
	}
}

// TestAssignIsStable: each edit of the fleet moves exactly the tenants it
// should, never another, and no shard goes over the limit.
func TestAssignIsStable(t *testing.T) {
	without := func(ids ...string) []tenantSpec {
		return slices.DeleteFunc(slices.Clone(base), func(s string) bool { return slices.Contains(ids, strings.Fields(s)[0]) })
	}
	replace := func(id, spec string) []tenantSpec {
		out := slices.Clone(base)
		for i, s := range out {
			if strings.Fields(s)[0] == id {
				out[i] = spec
			}
		}
		return out
	}
	reversed := slices.Clone(base)
	slices.Reverse(reversed)
	cases := []struct {
		name  string
		fleet []tenantSpec
		max   int
		moved map[string]string // tenant -> the shard it must be in now; every other kept tenant stays
	}{
		{"nothing changes", base, 0, nil},
		{"a tenant added first", append([]tenantSpec{"newco eu-central-1"}, base...), 0, map[string]string{"newco": "prod-eu-central-1-3"}},
		{"a tenant added last", append(slices.Clone(base), "newco us-east-1"), 0, map[string]string{"newco": "prod-us-east-1-2"}},
		{"tenants removed", without("acme", "initech"), 0, nil},
		{"removed, then one added fills the hole", append(without("globex"), "newco eu-central-1"), 0, map[string]string{"newco": "prod-eu-central-1-1"}},
		{"reordered", reversed, 0, nil},
		{"renamed through formerIds", replace("hooli", "hooli-inc eu-central-1 former=hooli"), 0, map[string]string{"hooli-inc": "prod-eu-central-1-2"}},
		{"moved region", replace("acme", "acme us-west-2"), 0, map[string]string{"acme": "prod-us-west-2-1"}},
		{"moved to a full region", replace("acme", "acme us-east-1"), 0, map[string]string{"acme": "prod-us-east-1-2"}},
		{"moved to another account", replace("globex", "globex eu-central-1 account="+otherAccount), 0, map[string]string{"globex": "prod-eu-central-1-" + otherAccount + "-1"}},
		{"moved to the own account", replace("wayne", "wayne eu-central-1"), 0, map[string]string{"wayne": "prod-eu-central-1-3"}},
		{"renamed and moved", replace("stark", "stark-ind eu-west-1 former=stark"), 0, map[string]string{"stark-ind": "prod-eu-west-1-1"}},
		{"limit raised: no one moves, new tenants fill", append(slices.Clone(base), "aaa1 eu-central-1", "aaa2 eu-central-1"), 3, map[string]string{"aaa1": "prod-eu-central-1-1", "aaa2": "prod-eu-central-1-2"}},
	}
	prev := mustAssign(t, nil, fleetOf(t, base...), 2)
	before := shardsOf(prev)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fleet := fleetOf(t, c.fleet...)
			next := mustAssign(t, prev, fleet, c.max)
			after := shardsOf(next)
			for _, tn := range fleet.Tenants {
				want, moved := c.moved[tn.ID]
				if !moved {
					want = before[tn.ID]
				}
				if after[tn.ID] != want {
					t.Errorf("tenant %s: shard %q, want %q", tn.ID, after[tn.ID], want)
				}
			}
			for _, s := range prev.Shards {
				if _, ok := next.Shard(s.Name); !ok {
					t.Errorf("shard %s dropped from the lock", s.Name)
				}
			}
			if again := mustAssign(t, prev, fleet, c.max); !sameBytes(t, again, next) {
				t.Error("Assign gave two answers for one input")
			}
			if again := mustAssign(t, next, fleet, 0); !sameBytes(t, again, next) {
				t.Error("Assign over its own result changed it")
			}
		})
	}
}

func sameBytes(t *testing.T, a, b *Lock) bool {
	t.Helper()
	x, err := a.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	y, err := b.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Equal(x, y)
}

// TestAssignRandomEdits applies random sequences of edits (add, remove,
// reorder, rename, move) and checks after each that no tenant that kept
// its place changed shard, every tenant is in a shard of its place, and
// no shard is over the limit.
func TestAssignRandomEdits(t *testing.T) {
	regions := []string{"eu-central-1", "us-east-1", "ap-southeast-2"}
	for seed := range uint64(20) {
		rng := rand.New(rand.NewPCG(seed, 11))
		type tn struct{ id, region, account, former string }
		var fleet []tn
		next := 0
		add := func() {
			next++
			a := ""
			if rng.IntN(5) == 0 {
				a = otherAccount
			}
			fleet = slices.Insert(fleet, rng.IntN(len(fleet)+1), tn{id: fmt.Sprintf("t%03d", next), region: regions[rng.IntN(len(regions))], account: a})
		}
		for range 12 {
			add()
		}
		specs := func() []tenantSpec {
			var out []tenantSpec
			for _, x := range fleet {
				s := x.id + " " + x.region
				if x.account != "" {
					s += " account=" + x.account
				}
				if x.former != "" {
					s += " former=" + x.former
				}
				out = append(out, s)
			}
			return out
		}
		limit := 1 + rng.IntN(4)
		lock := mustAssign(t, nil, fleetOf(t, specs()...), limit)
		for step := range 25 {
			type where struct{ region, account, shard string }
			was := map[string]where{}
			for _, x := range fleet {
				was[x.id] = where{x.region, x.account, shardsOf(lock)[x.id]}
			}
			renamedFrom := map[string]string{}
			for i := range fleet {
				fleet[i].former = ""
			}
			switch op := rng.IntN(5); {
			case op == 0 || len(fleet) < 3:
				add()
			case op == 1:
				i := rng.IntN(len(fleet))
				fleet = slices.Delete(fleet, i, i+1)
			case op == 2:
				rng.Shuffle(len(fleet), func(i, j int) { fleet[i], fleet[j] = fleet[j], fleet[i] })
			case op == 3:
				i := rng.IntN(len(fleet))
				next++
				renamedFrom[fmt.Sprintf("t%03d", next)] = fleet[i].id
				fleet[i].former, fleet[i].id = fleet[i].id, fmt.Sprintf("t%03d", next)
			default:
				i := rng.IntN(len(fleet))
				fleet[i].region = regions[rng.IntN(len(regions))]
			}
			parsed := fleetOf(t, specs()...)
			lock = mustAssign(t, lock, parsed, 0)
			now := shardsOf(lock)
			for _, x := range fleet {
				old := x.id
				if from, ok := renamedFrom[x.id]; ok {
					old = from
				}
				w, ok := was[old]
				if ok && w.region == x.region && w.account == x.account && now[x.id] != w.shard {
					t.Fatalf("seed %d step %d: tenant %s moved from %s to %s without changing place", seed, step, x.id, w.shard, now[x.id])
				}
			}
			for _, s := range lock.Shards {
				if len(s.Tenants) > limit {
					t.Fatalf("seed %d step %d: shard %s holds %d tenants, limit %d", seed, step, s.Name, len(s.Tenants), limit)
				}
			}
		}
	}
}

func TestAssignRefuses(t *testing.T) {
	fleet := fleetOf(t, base...)
	prev := mustAssign(t, nil, fleet, 2)
	twice := mustAssign(t, nil, fleet, 2)
	twice.Shards[1].Tenants = append(twice.Shards[1].Tenants, "acme")
	selected := parseFleet(t, fleetYAML([]string{"  tenancy:regions: [eu-central-1]"}, base...))
	cases := []struct {
		name string
		prev *Lock
		env  string
		max  int
		want string
	}{
		{"a limit below a shard's size", prev, "prod", 1, "shard prod-eu-central-1-1 keeps 2 tenants, more than --max-tenants 1"},
		{"a negative limit", nil, "prod", -1, "must be at least 1"},
		{"another environment's lock", prev, "dev", 0, "environment prod's"},
		{"a tenant in two shards", twice, "prod", 0, `tenant "acme" in two shards, prod-eu-central-1-1 and prod-eu-central-1-2`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Assign(c.prev, c.env, fleet, c.max)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("got %v, want %q", err, c.want)
			}
		})
	}
	if _, err := Assign(nil, "prod", selected, 0); err == nil || !strings.Contains(err.Error(), "regions is set") {
		t.Errorf("a fleet selecting regions: %v", err)
	}
}
