package migrate

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/amplify-tenancy/tenancy/internal/guard"
	"github.com/amplify-tenancy/tenancy/internal/shard"
	"github.com/amplify-tenancy/tenancy/tenant"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
)

// Types of the resources the split treats apart.
const (
	stackType     = string(resource.RootStackType) // pulumi:pulumi:Stack
	stackRefType  = "pulumi:pulumi:StackReference"
	providerTypes = "pulumi:providers:" // prefix
)

// networkName is what the names of a place's Aurora network resources
// are, after "<prefix>-db-" (tenant.NewAccountNetwork).
var networkName = regexp.MustCompile(`^(vpc|subnets|sg|subnet-[1-9][0-9]*)$`)

// Plan is the split of one deployment of the single stack <env> into the
// deployments of its shards.
type Plan struct {
	Env     string
	Project string
	// Shards in lock order.
	Shards []*ShardPlan
	// Tenants is every tenant of the deployment, sorted.
	Tenants []string

	version  int
	features []string
	manifest json.RawMessage
	// envSecrets is <env>'s secrets_providers, kept in what is left of it.
	envSecrets json.RawMessage
	envRoot    map[string]any
}

// ShardPlan is what one shard receives.
type ShardPlan struct {
	Name string
	// Home is true for the first shard of its (account, region): it owns
	// the place's Aurora network and RegionShared component.
	Home bool
	// Tenants are the shard's tenants that <env>'s deployment holds.
	Tenants []string
	// Moved is how many resources move into the shard (its root, copied
	// providers and stack references not counted); Shared how many of
	// them are the place's shared resources.
	Moved, Shared int
	// Providers are the URNs (in <env>) of the provider resources copied
	// into the shard.
	Providers []string
	// Dropped are the dependencies on a resource that stays in another
	// shard ("<urn> on <urn>", in <env>'s names), left out of the shard's
	// state: the program reads such resources through a stack reference,
	// so its next update records no dependency on them either.
	Dropped []string

	resources []map[string]any
}

// deployment is the shard's deployment with its own secrets provider
// (secrets, the secrets_providers of its empty stack), secrets in plain
// text, for `pulumi stack import`, which encrypts them with it.
func (p *Plan) deployment(resources []map[string]any, secrets json.RawMessage) (apitype.UntypedDeployment, error) {
	d := map[string]any{"manifest": p.manifest, "resources": resources}
	if len(secrets) > 0 && !bytes.Equal(secrets, []byte("null")) {
		d["secrets_providers"] = secrets
	}
	data, err := json.Marshal(d)
	if err != nil {
		return apitype.UntypedDeployment{}, err
	}
	return apitype.UntypedDeployment{Version: p.version, Features: p.features, Deployment: data}, nil
}

// ShardDeployment is the deployment imported into shard s.
func (p *Plan) ShardDeployment(s *ShardPlan, secrets json.RawMessage) (apitype.UntypedDeployment, error) {
	return p.deployment(s.resources, secrets)
}

// EnvDeployment is what is left of <env> once its shards hold its
// resources: its root stack resource alone, without outputs, under its
// own secrets provider.
func (p *Plan) EnvDeployment() (apitype.UntypedDeployment, error) {
	root := maps.Clone(p.envRoot)
	delete(root, "outputs")
	return p.deployment([]map[string]any{root}, p.envSecrets)
}

// deploymentV3 is the part of a deployment the split reads; every
// resource is kept as decoded, so fields this SDK does not know survive.
type deploymentV3 struct {
	Manifest          json.RawMessage   `json:"manifest"`
	SecretsProviders  json.RawMessage   `json:"secrets_providers"`
	Resources         []map[string]any  `json:"resources"`
	PendingOperations []json.RawMessage `json:"pending_operations"`
	Metadata          json.RawMessage   `json:"metadata"`
	Snippets          []json.RawMessage `json:"snippets"`
	Extensions        json.RawMessage   `json:"extensions"`
}

func decodeDeployment(d apitype.UntypedDeployment) (*deploymentV3, error) {
	dec := json.NewDecoder(bytes.NewReader(d.Deployment))
	dec.UseNumber() // numbers as written, not float64
	var out deploymentV3
	if err := dec.Decode(&out); err != nil {
		return nil, fmt.Errorf("not a deployment: %w", err)
	}
	return &out, nil
}

// place is one (account, region) of the lock.
type place struct{ region, account string }

// prefix names what a place shares: its region, or <region>-<account>.
func (p place) prefix() string {
	if p.account == "" {
		return p.region
	}
	return p.region + "-" + p.account
}

// providerName is the name of the place's aws provider (tenant.ProviderName).
func (p place) providerName() string { return "aws-" + p.prefix() }

// Split divides d, the deployment of the single stack env (exported with
// its secrets in plain text), among the shards of lock:
//
//   - each tenant's TenantStack component and everything below it (by
//     parent) goes to the tenant's shard;
//   - the Aurora network of an (account, region), <prefix>-db-vpc,
//     -subnet-N, -subnets and -sg, and its RegionShared component
//     <prefix>-shared with everything below it go to the place's home
//     shard, its first (shard.Lock.Home);
//   - every shard gets a copy of each provider resource its resources use
//     (same ID and inputs), and of the root stack resource, whose outputs
//     are <env>'s "tenants" output with the shard's tenants only (the
//     program's guard reads it back; the shard's first update writes the
//     other outputs, such as the shared resources a home shard hands over);
//   - stack references stay behind: each stack reads its own.
//
// Every URN, and every reference to one (parent, dependencies, property
// dependencies, provider, aliases, deletedWith, replaceWith), is renamed
// from stack env to the shard. A dependency on a resource another shard
// holds is dropped (ShardPlan.Dropped). Split refuses a deployment with
// pending operations, a resource it cannot place, a tenant the lock does
// not have or gives a shard of another account or region than the one the
// deployment has it in, and a resource whose provider is another place's.
func Split(env string, d apitype.UntypedDeployment, lock *shard.Lock) (*Plan, error) {
	if lock == nil {
		return nil, errors.New("no lock")
	}
	if d.Version != 3 && d.Version != 4 {
		return nil, fmt.Errorf("stack %s: deployment version %d; migrate knows versions 3 and 4", env, d.Version)
	}
	dep, err := decodeDeployment(d)
	if err != nil {
		return nil, fmt.Errorf("stack %s: %w", env, err)
	}
	if len(dep.PendingOperations) > 0 {
		return nil, fmt.Errorf("stack %s has %d pending operations (an update was interrupted): resolve them first (pulumi refresh --stack %s --clear-pending-creates, or pulumi cancel), then %s", env, len(dep.PendingOperations), env, deployFirst(env))
	}
	if len(dep.Snippets) > 0 || (len(dep.Extensions) > 0 && !bytes.Equal(dep.Extensions, []byte("null")) && !bytes.Equal(dep.Extensions, []byte("{}"))) {
		return nil, fmt.Errorf("stack %s: its deployment has snippets or extensions, which migrate does not know how to split", env)
	}

	p := &Plan{Env: env, version: d.Version, features: d.Features, manifest: dep.Manifest, envSecrets: dep.SecretsProviders}
	byURN := map[string]map[string]any{}
	for _, r := range dep.Resources {
		urn := str(r, "urn")
		if urn == "" {
			return nil, fmt.Errorf("stack %s: a resource without a URN", env)
		}
		if resource.URN(urn).Stack() != tokens.QName(env) {
			return nil, fmt.Errorf("stack %s: resource %s is another stack's", env, urn)
		}
		if _, dup := byURN[urn]; dup {
			return nil, fmt.Errorf("stack %s: resource %s is in the deployment twice (a pending replacement?): %s", env, urn, deployFirst(env))
		}
		if b, _ := r["delete"].(bool); b {
			return nil, fmt.Errorf("stack %s: resource %s is marked for deletion (an update that failed half way): %s", env, urn, deployFirst(env))
		}
		byURN[urn] = r
		if str(r, "type") == stackType && str(r, "parent") == "" {
			if p.envRoot != nil {
				return nil, fmt.Errorf("stack %s: two root stack resources", env)
			}
			p.envRoot = r
		}
	}
	if p.envRoot == nil {
		return nil, fmt.Errorf("stack %s holds no root stack resource: it was never deployed", env)
	}
	rootURN := str(p.envRoot, "urn")
	p.Project = string(resource.URN(rootURN).Project())

	// The lock's places and their home shards.
	shards := map[string]*ShardPlan{}
	placeOf := map[string]place{}
	homeOf := map[place]*ShardPlan{}
	prefixes := map[string]place{}
	for _, s := range lock.Shards {
		sp := &ShardPlan{Name: s.Name}
		shards[s.Name] = sp
		p.Shards = append(p.Shards, sp)
		pl := place{region: s.Region, account: s.Account}
		placeOf[s.Name] = pl
		prefixes[pl.prefix()] = pl
		if home, ok := lock.Home(s.Region, s.Account); ok && home.Name == s.Name {
			sp.Home = true
			homeOf[pl] = sp
		}
	}

	// The tenants the deployment has, and where it has them.
	deployed, err := deployedTenants(p.envRoot)
	if err != nil {
		return nil, fmt.Errorf("stack %s: %w", env, err)
	}

	// Where each resource goes: its top ancestor (below the root) decides.
	owner := map[string]*ShardPlan{} // urn -> shard; absent: copied or left
	var errs []error
	refused := map[string]bool{} // tops already reported
	tenantsSeen := map[string]bool{}
	for _, r := range dep.Resources {
		urn, typ := str(r, "urn"), str(r, "type")
		if urn == rootURN || typ == stackRefType && str(r, "parent") == rootURN {
			continue
		}
		top, err := topOf(byURN, rootURN, urn)
		if err != nil {
			errs = append(errs, fmt.Errorf("stack %s: %w", env, err))
			continue
		}
		topType, topName := str(byURN[top], "type"), resource.URN(top).Name()
		switch {
		case top == urn && strings.HasPrefix(typ, providerTypes):
			continue // copied into each shard that uses it
		case topType == tenant.TypeToken:
			s, ok := lock.ShardOf(topName)
			if !ok {
				if refused[top] {
					continue
				}
				refused[top] = true
				errs = append(errs, fmt.Errorf("tenant %q: stack %s holds it, but %s gives it no shard; run: go run . fleet assign --env %s (after deploying %s, if it was renamed or removed since)", topName, env, shard.FileName(env), env, env))
				continue
			}
			tenantsSeen[topName] = true
			owner[urn] = shards[s.Name]
			if top == urn {
				shards[s.Name].Tenants = append(shards[s.Name].Tenants, topName)
			}
		default:
			pl, ok := sharedPlace(topType, topName, byURN[top], prefixes)
			if !ok {
				if refused[top] {
					continue
				}
				refused[top] = true
				errs = append(errs, fmt.Errorf("stack %s: resource %s is neither a tenant's (under a %s) nor the shared resources of an account and region of %s: migrate cannot tell which shard owns it", env, urn, tenant.TypeToken, shard.FileName(env)))
				continue
			}
			home := homeOf[pl]
			owner[urn] = home
			home.Shared++
		}
		owner[urn].Moved++
	}
	for _, id := range slices.Sorted(maps.Keys(deployed)) {
		if !tenantsSeen[id] {
			if _, ok := lock.ShardOf(id); !ok {
				errs = append(errs, fmt.Errorf("tenant %q: stack %s's output has it, but %s gives it no shard; run: go run . fleet assign --env %s", id, env, shard.FileName(env), env))
			}
		}
		tenantsSeen[id] = true
	}
	// Each tenant in the shard of the account and region it is deployed in.
	for _, id := range slices.Sorted(maps.Keys(tenantsSeen)) {
		s, ok := lock.ShardOf(id)
		if !ok {
			continue
		}
		pl, known := deployed[id]
		if !known {
			errs = append(errs, fmt.Errorf("tenant %q: stack %s holds its resources but its %q output does not list it: %s", id, env, guard.OutputName, deployFirst(env)))
			continue
		}
		if want := placeOf[s.Name]; pl != want {
			errs = append(errs, fmt.Errorf("tenant %q: stack %s has it in %s, but %s gives it shard %s of %s: migrate moves what is deployed, so restore the tenant's region and account in %s, run fleet assign again and migrate, then make the move in the shards", id, env, describe(pl), shard.FileName(env), s.Name, describe(want), shard.StackFileName(env)))
		}
		p.Tenants = append(p.Tenants, id)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}

	// The providers each shard's resources use, copied into it, and those
	// of <env>'s stack references (the pulumi provider), copied into every
	// shard, since each has stack references of its own.
	copies := map[string][]*ShardPlan{} // provider urn -> the shards that use it
	for _, r := range dep.Resources {
		urn, ref := str(r, "urn"), str(r, "provider")
		users := []*ShardPlan{owner[urn]}
		if owner[urn] == nil {
			users = nil
			if str(r, "type") == stackRefType && str(r, "parent") == rootURN {
				users = p.Shards
			}
		}
		if ref == "" {
			continue
		}
		for _, o := range users {
			if err := p.copyProvider(env, r, ref, o, owner, byURN, copies, placeOf[o.Name]); err != nil {
				return nil, err
			}
		}
	}

	// Each shard's resources, in the deployment's order (dependencies
	// first, as the engine wrote them).
	in := map[*ShardPlan]map[string]bool{}
	renames := map[*ShardPlan]func(string) string{}
	for _, sp := range p.Shards {
		in[sp] = map[string]bool{rootURN: true}
		for _, purn := range sp.Providers {
			in[sp][purn] = true
		}
		renames[sp] = renamer(env, sp.Name, p.Project, rootURN)
		slices.Sort(sp.Providers)
		slices.Sort(sp.Tenants)
	}
	for urn, o := range owner {
		in[o][urn] = true
	}
	add := func(sp *ShardPlan, r map[string]any) error {
		out, dropped, err := rewrite(r, in[sp], renames[sp])
		if err != nil {
			return fmt.Errorf("stack %s, shard %s: %w", env, sp.Name, err)
		}
		sp.Dropped = append(sp.Dropped, dropped...)
		sp.resources = append(sp.resources, out)
		return nil
	}
	for _, r := range dep.Resources {
		urn := str(r, "urn")
		var to []*ShardPlan
		switch {
		case urn == rootURN:
			to = p.Shards
		case owner[urn] != nil:
			to = []*ShardPlan{owner[urn]}
		default:
			to = copies[urn]
		}
		for _, sp := range to {
			if err := add(sp, r); err != nil {
				return nil, err
			}
		}
	}
	for _, sp := range p.Shards {
		root := renames[sp](rootURN)
		for _, r := range sp.resources {
			if str(r, "urn") == root {
				filterTenants(r, sp.Tenants)
			}
		}
	}
	return p, nil
}

// copyProvider notes that shard o needs the provider ref of resource r
// (in <env>) copied, unless it has it.
func (p *Plan) copyProvider(env string, r map[string]any, ref string, o *ShardPlan, owner map[string]*ShardPlan,
	byURN map[string]map[string]any, copies map[string][]*ShardPlan, pl place) error {
	purn := providerURN(ref)
	if owner[purn] == o || slices.Contains(copies[purn], o) {
		return nil
	}
	pr, ok := byURN[purn]
	if !ok {
		return fmt.Errorf("stack %s: resource %s uses provider %s, which the deployment does not hold", env, str(r, "urn"), purn)
	}
	if want := pl.providerName(); str(pr, "type") == providerTypes+"aws" && resource.URN(purn).Name() != want {
		return fmt.Errorf("stack %s: resource %s, which goes to shard %s (%s), uses the aws provider %s, not its place's %s: %s",
			env, str(r, "urn"), o.Name, describe(pl), resource.URN(purn).Name(), want, deployFirst(env))
	}
	copies[purn] = append(copies[purn], o)
	o.Providers = append(o.Providers, purn)
	return nil
}

// deployedTenants reads the root's "tenants" output: id -> the account
// and region the tenant is deployed in.
func deployedTenants(root map[string]any) (map[string]place, error) {
	outputs, _ := root["outputs"].(map[string]any)
	raw, ok := outputs[guard.OutputName]
	if !ok {
		return map[string]place{}, nil
	}
	tenants, ok := raw.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("its %q output is not a map of tenants", guard.OutputName)
	}
	out := map[string]place{}
	for id, v := range tenants {
		t, _ := v.(map[string]any)
		region, _ := t["region"].(string)
		account, _ := t["account"].(string)
		if region == "" {
			return nil, fmt.Errorf("its %q output has tenant %q without a region", guard.OutputName, id)
		}
		out[id] = place{region: region, account: account}
	}
	return out, nil
}

// filterTenants leaves the root's outputs the "tenants" output with the
// shard's tenants only, what the program's guard reads back; the others
// are <env>'s, and the shard's first update writes its own.
func filterTenants(root map[string]any, keep []string) {
	outputs, _ := root["outputs"].(map[string]any)
	tenants, ok := outputs[guard.OutputName].(map[string]any)
	if !ok {
		delete(root, "outputs")
		return
	}
	outputs = map[string]any{}
	root["outputs"] = outputs
	kept := map[string]any{}
	for _, id := range keep {
		if v, ok := tenants[id]; ok {
			kept[id] = v
		}
	}
	outputs[guard.OutputName] = kept
}

// sharedPlace reports the place whose shared resources a top-level
// resource is: the RegionShared component <prefix>-shared, or a custom
// resource of the place's Aurora network, <prefix>-db-<what>.
func sharedPlace(typ, name string, r map[string]any, prefixes map[string]place) (place, bool) {
	if typ == tenant.SharedTypeToken {
		pl, ok := prefixes[strings.TrimSuffix(name, "-shared")]
		return pl, ok && strings.HasSuffix(name, "-shared")
	}
	if custom, _ := r["custom"].(bool); !custom {
		return place{}, false
	}
	for prefix, pl := range prefixes {
		if what, ok := strings.CutPrefix(name, prefix+"-db-"); ok && networkName.MatchString(what) {
			return pl, true
		}
	}
	return place{}, false
}

// topOf is the ancestor of urn just below the root (urn itself when its
// parent is the root).
func topOf(byURN map[string]map[string]any, root, urn string) (string, error) {
	seen := map[string]bool{}
	for cur := urn; ; {
		if seen[cur] {
			return "", fmt.Errorf("resource %s: its parents form a cycle", urn)
		}
		seen[cur] = true
		parent := str(byURN[cur], "parent")
		if parent == root || parent == "" {
			return cur, nil
		}
		if _, ok := byURN[parent]; !ok {
			return "", fmt.Errorf("resource %s: its parent %s is not in the deployment", urn, parent)
		}
		cur = parent
	}
}

// renamer renames a URN of stack env to stack to: the root stack resource
// is <project>-<stack> in every stack.
func renamer(env, to, project, root string) func(string) string {
	from := "urn:pulumi:" + env + "::"
	newRoot := string(resource.NewURN(tokens.QName(to), tokens.PackageName(project), "", resource.RootStackType, project+"-"+to))
	if resource.URN(root).Name() != project+"-"+env {
		newRoot = "urn:pulumi:" + to + "::" + strings.TrimPrefix(root, from)
	}
	return func(urn string) string {
		if urn == root {
			return newRoot
		}
		if rest, ok := strings.CutPrefix(urn, from); ok {
			return "urn:pulumi:" + to + "::" + rest
		}
		return urn
	}
}

// providerURN is the URN of a provider reference, "<urn>::<id>".
func providerURN(ref string) string {
	if i := strings.LastIndex(ref, "::"); i >= 0 {
		return ref[:i]
	}
	return ref
}

// rewrite copies r into a shard holding the resources in: every URN
// renamed, dependencies on resources outside dropped (reported as
// "<urn> on <dep>").
func rewrite(r map[string]any, in map[string]bool, rename func(string) string) (map[string]any, []string, error) {
	out := maps.Clone(r)
	urn := str(r, "urn")
	out["urn"] = rename(urn)
	var dropped []string
	keep := func(dep string) bool {
		if in[dep] {
			return true
		}
		dropped = append(dropped, urn+" on "+dep)
		return false
	}
	if parent := str(r, "parent"); parent != "" {
		if !in[parent] {
			return nil, nil, fmt.Errorf("resource %s: its parent %s stays in another stack", urn, parent)
		}
		out["parent"] = rename(parent)
	}
	if ref := str(r, "provider"); ref != "" {
		p := providerURN(ref)
		if !in[p] {
			return nil, nil, fmt.Errorf("resource %s: its provider %s is not in the shard", urn, p)
		}
		out["provider"] = rename(p) + ref[len(p):]
	}
	urns := func(key string, filter bool) error {
		v, ok := r[key]
		if !ok || v == nil {
			return nil
		}
		list, ok := v.([]any)
		if !ok {
			return fmt.Errorf("resource %s: %s is not a list", urn, key)
		}
		renamed := []any{}
		for _, e := range list {
			s, ok := e.(string)
			if !ok {
				return fmt.Errorf("resource %s: %s holds a %T", urn, key, e)
			}
			if filter && !keep(s) {
				continue
			}
			renamed = append(renamed, rename(s))
		}
		if len(renamed) == 0 && filter {
			delete(out, key)
			return nil
		}
		out[key] = renamed
		return nil
	}
	for key, filter := range map[string]bool{"dependencies": true, "replaceWith": true, "aliases": false} {
		if err := urns(key, filter); err != nil {
			return nil, nil, err
		}
	}
	if v, ok := r["propertyDependencies"]; ok && v != nil {
		props, ok := v.(map[string]any)
		if !ok {
			return nil, nil, fmt.Errorf("resource %s: propertyDependencies is not a map", urn)
		}
		renamed := map[string]any{}
		for _, k := range slices.Sorted(maps.Keys(props)) {
			list, ok := props[k].([]any)
			if !ok {
				return nil, nil, fmt.Errorf("resource %s: propertyDependencies.%s is not a list", urn, k)
			}
			deps := []any{}
			for _, e := range list {
				s, _ := e.(string)
				if keep(s) {
					deps = append(deps, rename(s))
				}
			}
			renamed[k] = deps
		}
		out["propertyDependencies"] = renamed
	}
	for _, key := range []string{"deletedWith", "viewOf"} {
		if s := str(r, key); s != "" {
			if key == "deletedWith" && !keep(s) {
				delete(out, key)
				continue
			}
			out[key] = rename(s)
		}
	}
	dropped = slices.Compact(slices.Sorted(slices.Values(dropped)))
	return out, dropped, nil
}

// deployFirst says how to bring <env>'s state up to its fleet file.
func deployFirst(env string) string {
	return fmt.Sprintf("deploy %s first, so its state is what %s deploys (move %s aside for that run: the program refuses to run %s as a single stack while it exists), then run fleet assign again",
		env, shard.StackFileName(env), shard.FileName(env), env)
}

func str(r map[string]any, key string) string {
	s, _ := r[key].(string)
	return s
}

func describe(p place) string {
	if p.account == "" {
		return "region " + p.region
	}
	return "account " + p.account + " region " + p.region
}
