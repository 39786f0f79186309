package deploy

import (
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"slices"

	"github.com/amplify-tenancy/tenancy/internal/guard"
	"github.com/amplify-tenancy/tenancy/internal/risk"
	"github.com/amplify-tenancy/tenancy/internal/shard"
	"github.com/amplify-tenancy/tenancy/internal/stackconfig"
	"github.com/amplify-tenancy/tenancy/tenant"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// shardRun is what a shard deploys: the fleet file's settings with the
// tenants the lock gives the shard, and the guard that knows the rest of
// the fleet.
type shardRun struct {
	name  string
	lock  *shard.Lock
	all   *stackconfig.Fleet // every tenant of the fleet file
	fleet *stackconfig.Fleet // the shard's tenants; the others Skipped
}

// readShard reads a shard's own stack file, the fleet file and the lock
// from dir, and refuses to go on unless all three agree: the stack file
// sets only tenancy:fleet, tenancy:shard and secrets, and names this
// stack; the fleet file parses; the lock fits the fleet (shard.Check) and
// has this shard.
func readShard(ctx *pulumi.Context, dir string) (*shardRun, error) {
	name := ctx.Stack()
	own, err := stackconfig.ReadFile(filepath.Join(dir, shard.StackFileName(name)))
	if err != nil {
		return nil, fmt.Errorf("shard %s: its stack file: %w (a shard's stack file is written by: go run . fleet init --env <env>)", name, err)
	}
	env, err := shard.CheckStackFile(own)
	if err != nil {
		return nil, err
	}
	if set, _ := ctx.GetConfig(stackconfig.Project + ":" + stackconfig.KeyFleet); set != env {
		return nil, fmt.Errorf("shard %s: the stack's config says %s %q, its stack file %q", name, stackconfig.KeyFleet, set, env)
	}
	file, err := stackconfig.ReadFile(filepath.Join(dir, shard.StackFileName(env)))
	if err != nil {
		return nil, fmt.Errorf("shard %s of fleet %s: the fleet file: %w", name, env, err)
	}
	all, err := stackconfig.Parse(stackconfig.ShardSource(ctx, file))
	if err != nil {
		return nil, err
	}
	lock, err := shard.Read(dir, env)
	if err != nil {
		return nil, fmt.Errorf("shard %s: %w", name, err)
	}
	if lock == nil {
		return nil, fmt.Errorf("shard %s: fleet %s has no %s, so it has no shards; restore it from git, or run: go run . fleet assign --env %s", name, env, shard.FileName(env), env)
	}
	if errs := shard.Check(lock, env, all); len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	mine, ok := lock.Shard(name)
	if !ok {
		return nil, fmt.Errorf("shard %s: %s has no shard %s; a shard's stack keeps the tenants it was given, so restore its entry, or move its tenants' resources to another shard with pulumi state move before removing it", name, shard.FileName(env), name)
	}
	in := map[string]bool{}
	for _, id := range mine.Tenants {
		in[id] = true
	}
	fleet := *all
	fleet.Tenants, fleet.Skipped = nil, slices.Clone(all.Skipped)
	for _, t := range all.Tenants {
		if in[t.ID] {
			fleet.Tenants = append(fleet.Tenants, t)
		} else {
			fleet.Skipped = append(fleet.Skipped, t.ID)
		}
	}
	return &shardRun{name: name, lock: lock, all: all, fleet: &fleet}, nil
}

// guard is guard.Check for a shard. A tenant its last deployment holds
// that the lock now gives another shard is either moving account or
// region, which the guard then checks as in a single stack (refused
// unless confirmMove names what it leaves), or was moved between two
// shards of one place, which only a hand edit of the lock does: refused,
// since deploying would delete it here and create it anew there.
func (s *shardRun) guard(fleet *stackconfig.Fleet, previous map[string]guard.Previous) error {
	listed := map[string]*stackconfig.Tenant{} // id or former id -> tenant
	for i := range s.all.Tenants {
		t := &s.all.Tenants[i]
		for _, id := range append([]string{t.ID}, t.FormerIDs...) {
			listed[id] = t
		}
	}
	checked := *fleet
	checked.Tenants = slices.Clone(fleet.Tenants)
	kept := maps.Clone(previous)
	var errs []error
	for _, id := range slices.Sorted(maps.Keys(previous)) {
		t := listed[id]
		if t == nil || slices.ContainsFunc(fleet.Tenants, func(d stackconfig.Tenant) bool { return d.ID == t.ID }) {
			continue // removed from the fleet, or still here
		}
		p := previous[id]
		other, _ := s.lock.ShardOf(t.ID)
		account := risk.AccountOf(t.Args.Account)
		if p.Region != t.Args.Region || (p.Account != "" && p.Account != account) {
			if !slices.ContainsFunc(checked.Tenants, func(d stackconfig.Tenant) bool { return d.ID == t.ID }) {
				checked.Tenants = append(checked.Tenants, *t)
			}
			continue
		}
		delete(kept, id)
		errs = append(errs, &tenant.FieldError{Tenant: t.ID, Field: "shard", Err: fmt.Errorf(
			"%s gives the tenant to shard %s, but this shard, %s, holds its resources and the tenant did not change account or region: deploying would delete it here and create it anew there. "+
				"Restore its entry in %s (git checkout; fleet assign never moves a tenant within its region), or move its resources first with pulumi state move --source %s --dest %s",
			shard.FileName(s.lock.Env), other.Name, s.name, shard.FileName(s.lock.Env), s.name, other.Name)})
	}
	if err := guard.Check(&checked, kept); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// ownership is a shard's: it owns the shared resources of the places it
// is the home shard of (the first shard of an account and region) and
// reads the others' from their home shards.
func (s *shardRun) ownership() ownership {
	return ownership{all: s.all.Tenants, home: func(account *tenant.AccountArgs, region string) string {
		id := ""
		if account != nil {
			id = account.AccountID()
		}
		if home, ok := s.lock.Home(region, id); ok && home.Name != s.name {
			return home.Name
		}
		return ""
	}}
}

// refuseSharded refuses to run env as a single stack once it has a lock:
// its tenants are deployed by its shards, and the single stack would
// create every one of them a second time.
func refuseSharded(dir, stack string) error {
	if !shard.ValidEnv(stack) {
		return nil
	}
	lock, err := shard.Read(dir, stack)
	if lock == nil && err == nil {
		return nil
	}
	return fmt.Errorf("stack %s: %s exists, so the fleet of %s is deployed by its shards: deploy them instead, with pulumi up --stack <shard> or go run . fleet up --env %s",
		stack, shard.FileName(stack), stack, stack)
}
