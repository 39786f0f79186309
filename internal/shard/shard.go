// Package shard deploys one environment's fleet as several stacks
// ("shards") of at most MaxTenants tenants each, every shard within one
// (account, region).
//
// The fleet stays one file per environment, Pulumi.<env>.yaml: its
// settings and the list of every tenant. Which shard deploys which tenant
// is recorded in a committed lock file, Pulumi.<env>.shards.json, written by
// Assign (`go run . fleet assign --env <env>`) and checked by Check (in
// `validate`, and by the program before it registers anything). A hash of
// the tenant id cannot both cap a shard's size and keep every tenant where
// it is when others come and go; the lock can: Assign never moves a tenant
// to another shard unless its account or region changed.
//
// A shard is a stack named <env>-<region>-<n> (n from 1), or
// <env>-<region>-<account id>-<n> for tenants in another AWS account. Its
// stack file Pulumi.<shard>.yaml holds only its secrets provider's salt,
// its encrypted secrets, and tenancy:fleet and tenancy:shard (InitStacks
// writes it; CheckStackFile refuses anything else). The program, run in a
// shard, reads the fleet file and the lock from its directory and deploys
// exactly the tenants the lock gives the shard (internal/deploy).
//
// Lock file format (JSON, written sorted, so the same assignment is the
// same bytes):
//
//	{
//	  "maxTenants": 15,
//	  "shards": [
//	    {
//	      "name": "prod-eu-central-1-1",
//	      "region": "eu-central-1",
//	      "account": "",
//	      "tenants": ["globex", "stark", "umbrella", "wayne"]
//	    }
//	  ]
//	}
//
// account is "" for the deployer's own account, else the 12-digit account
// ID of the tenants' account.roleArn. Shards are sorted by region, account
// and number, tenants by id. A shard left empty (its tenants removed)
// stays in the lock, so its name, and the state its stack holds, are never
// given to other tenants by accident; new tenants of its place fill it.
package shard

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/amplify-tenancy/tenancy/internal/stackconfig"
)

// DefaultMaxTenants is the most tenants a shard holds unless the lock says
// otherwise (`fleet assign --max-tenants`); a lock keeps the value it was
// written with. docs/performance.md, "Why 15", chose it with the engine
// benchmark (TestEngineFleet): a stack's fresh `up` grows with the square
// of its tenants (checkpoints are saved whole, about twice per resource),
// while each stack adds a fixed cost to every run. For 1,000 tenants over
// 17 regions, shards of 15 deployed fresh in 432 s, within the 8 minutes
// asked for, where shards of 20 took 501 s; a no-op run of the whole fleet
// costs 31% more in return (107 s against 82 s).
const DefaultMaxTenants = 15

// maxLockBytes bounds what Read reads: a lock of 10,000 tenants, the most a
// fleet file may list, is far smaller.
const maxLockBytes = 10 << 20

// Shard is one stack of a sharded environment.
type Shard struct {
	// Name is the stack name: <env>-<region>-<n>, or
	// <env>-<region>-<account>-<n> in another account.
	Name string `json:"name"`
	// Region is the region of every tenant of the shard.
	Region string `json:"region"`
	// Account is the 12-digit ID of the shard's AWS account, "" for the
	// deployer's own.
	Account string `json:"account"`
	// Tenants are the ids of the shard's tenants, sorted.
	Tenants []string `json:"tenants"`
}

// Lock is the assignment of an environment's tenants to shards, the
// contents of Pulumi.<env>.shards.json.
type Lock struct {
	// Env is the environment (the fleet file's stack name); it is not
	// written into the file, whose name holds it.
	Env string `json:"-"`
	// MaxTenants is the most tenants a shard may hold.
	MaxTenants int `json:"maxTenants"`
	// Shards in file order: by region, account, then number.
	Shards []Shard `json:"shards"`
}

// FileName is the lock file of env: Pulumi.<env>.shards.json.
func FileName(env string) string { return "Pulumi." + env + ".shards.json" }

// StackFileName is the stack file of a stack: Pulumi.<stack>.yaml.
func StackFileName(stack string) string { return "Pulumi." + stack + ".yaml" }

// Read reads the lock of env from dir. It returns (nil, nil) when env has
// no lock file: the environment is a single stack. The file is decoded
// strictly (an unknown or misspelt field is an error); whether it fits the
// fleet is Check's to say.
func Read(dir, env string) (*Lock, error) {
	if !ValidEnv(env) {
		return nil, fmt.Errorf("%q is not an environment's stack name (letters, digits, - and _)", env)
	}
	path := filepath.Join(dir, FileName(env))
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxLockBytes+1))
	if err != nil {
		return nil, err
	}
	l, err := Parse(env, data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", FileName(env), err)
	}
	return l, nil
}

// Parse decodes the contents of env's lock file.
func Parse(env string, data []byte) (*Lock, error) {
	if len(data) > maxLockBytes {
		return nil, fmt.Errorf("is larger than %d bytes", maxLockBytes)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	l := &Lock{}
	if err := dec.Decode(l); err != nil {
		return nil, fmt.Errorf("not a shard lock (%v); regenerate it with: go run . fleet assign --env %s", err, env)
	}
	if dec.More() {
		return nil, fmt.Errorf("holds more than one JSON value; regenerate it with: go run . fleet assign --env %s", env)
	}
	l.Env = env
	return l, nil
}

// Write writes the lock to dir as Pulumi.<env>.shards.json, sorted, so
// the same assignment always gives the same bytes.
func (l *Lock) Write(dir string) error {
	data, err := l.Marshal()
	if err != nil {
		return err
	}
	path := filepath.Join(dir, FileName(l.Env))
	tmp, err := os.CreateTemp(dir, ".shards-*.json")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// Marshal is the lock file's contents: the lock sorted, indented, with a
// final newline.
func (l *Lock) Marshal() ([]byte, error) {
	if !ValidEnv(l.Env) {
		return nil, fmt.Errorf("shard lock: %q is not an environment's stack name", l.Env)
	}
	out := Lock{Env: l.Env, MaxTenants: l.MaxTenants, Shards: make([]Shard, len(l.Shards))}
	for i, s := range l.Shards {
		s.Tenants = slices.Sorted(slices.Values(s.Tenants))
		if s.Tenants == nil {
			s.Tenants = []string{}
		}
		out.Shards[i] = s
	}
	sortShards(out.Shards)
	if out.Shards == nil {
		out.Shards = []Shard{}
	}
	data, err := json.MarshalIndent(&out, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(data, '\n'), nil
}

// ShardOf returns the shard that holds the tenant id.
func (l *Lock) ShardOf(id string) (Shard, bool) {
	if l == nil {
		return Shard{}, false
	}
	for _, s := range l.Shards {
		if slices.Contains(s.Tenants, id) {
			return s, true
		}
	}
	return Shard{}, false
}

// Home returns the home shard of an (account, region): its first shard,
// which owns the place's shared resources (the Aurora network and the
// RegionShared component) that its other shards read from its output.
// account is the account ID, "" for the deployer's own.
func (l *Lock) Home(region, account string) (Shard, bool) {
	if l == nil {
		return Shard{}, false
	}
	for _, s := range l.Shards { // in lock order: by region, account and number
		if s.Region == region && s.Account == account {
			return s, true
		}
	}
	return Shard{}, false
}

// Shard returns the shard named name.
func (l *Lock) Shard(name string) (Shard, bool) {
	if l == nil {
		return Shard{}, false
	}
	for _, s := range l.Shards {
		if s.Name == name {
			return s, true
		}
	}
	return Shard{}, false
}

// Names returns the shards' names in lock order.
func (l *Lock) Names() []string {
	if l == nil {
		return nil
	}
	out := make([]string, len(l.Shards))
	for i, s := range l.Shards {
		out[i] = s.Name
	}
	return out
}

// Name is the stack name of shard n (from 1) of env in region and account
// ("" for the deployer's own).
func Name(env, region, account string, n int) string {
	if account == "" {
		return fmt.Sprintf("%s-%s-%d", env, region, n)
	}
	return fmt.Sprintf("%s-%s-%s-%d", env, region, account, n)
}

// namePrefix is what the names of env's shards in region and account start
// with: the name without n.
func namePrefix(env, region, account string) string {
	return strings.TrimSuffix(Name(env, region, account, 0), "0")
}

// number is n of a shard named as Name names it for env, region and
// account, or 0 when the name is not such a name.
func number(name, env, region, account string) int {
	rest, ok := strings.CutPrefix(name, namePrefix(env, region, account))
	if !ok || rest == "" || rest[0] == '0' {
		return 0
	}
	n, err := strconv.Atoi(rest)
	if err != nil || n < 1 {
		return 0
	}
	return n
}

// place is one (account, region): the unit a shard lies within.
type place struct{ region, account string }

func (s Shard) place() place { return place{region: s.Region, account: s.Account} }

// placeOf is where a tenant of the fleet lives.
func placeOf(t *stackconfig.Tenant) place {
	p := place{region: t.Args.Region}
	if t.Args.Account != nil {
		p.account = t.Args.Account.AccountID()
	}
	return p
}

func (p place) String() string {
	if p.account == "" {
		return "region " + p.region
	}
	return "account " + p.account + " region " + p.region
}

// sortShards orders shards by region, account and number (then name, for
// names Check refuses).
func sortShards(shards []Shard) {
	slices.SortStableFunc(shards, func(a, b Shard) int {
		return cmp.Or(cmp.Compare(a.Region, b.Region), cmp.Compare(a.Account, b.Account),
			cmp.Compare(trailingNumber(a.Name), trailingNumber(b.Name)), cmp.Compare(a.Name, b.Name))
	})
}

// trailingNumber is the number after a name's last "-", 0 if none.
func trailingNumber(name string) int {
	i := strings.LastIndexByte(name, '-')
	n, err := strconv.Atoi(name[i+1:])
	if err != nil {
		return 0
	}
	return n
}
