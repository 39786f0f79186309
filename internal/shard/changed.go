package shard

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"

	"github.com/amplify-tenancy/tenancy/internal/gitref"
	"github.com/amplify-tenancy/tenancy/internal/stackconfig"
)

// Changed returns, in lock order, the shards of env whose deployment may
// differ between the git ref baseRef and the working tree in dir: those
// with a tenant whose entry in the fleet file was added, removed or
// edited (a rename marks the shard through the lock), a tenant the lock
// moved in or out (both shards), no such shard at baseRef, or a stack file
// Pulumi.<shard>.yaml that differs (a rotated secret). A change to any
// stack-wide setting of the fleet file (every key but tenants) marks every
// shard, and so does a base without a fleet file or lock, or one that no
// longer parses. Reordering tenants or editing comments marks nothing.
// Program code is not compared: a change to it reaches every shard.
//
// baseRef reaches git only after --end-of-options; a ref starting with "-"
// is refused (gitref). The files at baseRef are read with git show.
func Changed(dir, env, baseRef string) ([]string, error) {
	cur, err := Read(dir, env) // refuses an env that is no stack name
	if err != nil {
		return nil, err
	}
	if cur == nil {
		return nil, fmt.Errorf("environment %s has no %s: it is a single stack, not sharded", env, FileName(env))
	}
	curFleet, err := stackconfig.ReadFile(filepath.Join(dir, StackFileName(env)))
	if err != nil {
		return nil, err
	}
	commit, err := gitref.Commit(dir, baseRef)
	if err != nil {
		return nil, fmt.Errorf("--base %s: %w", baseRef, err)
	}
	all := cur.Names()
	show := func(name string) ([]byte, bool, error) {
		data, found, err := gitref.Show(dir, commit, name)
		if err != nil {
			return nil, false, fmt.Errorf("--base %s: %w", baseRef, err)
		}
		return data, found, nil
	}

	data, found, err := show(FileName(env))
	if err != nil || !found {
		return all, err
	}
	base, err := Parse(env, data)
	if err != nil {
		return all, nil
	}
	if data, found, err = show(StackFileName(env)); err != nil || !found {
		return all, err
	}
	baseFleet, err := stackconfig.ParseFile(env, data)
	if err != nil {
		return all, nil
	}
	if !sameSettings(baseFleet, curFleet) {
		return all, nil
	}
	baseEntries, errBase := entries(baseFleet)
	curEntries, errCur := entries(curFleet)
	if errBase != nil || errCur != nil {
		return all, nil
	}

	marked := map[string]bool{}
	mark := func(l *Lock, id string) {
		if s, ok := l.ShardOf(id); ok {
			marked[s.Name] = true
		}
	}
	for _, id := range slices.Sorted(maps.Keys(baseEntries)) {
		if !bytes.Equal(baseEntries[id], curEntries[id]) {
			mark(base, id)
			mark(cur, id)
		}
	}
	for _, id := range slices.Sorted(maps.Keys(curEntries)) {
		if _, ok := baseEntries[id]; !ok {
			mark(base, id)
			mark(cur, id)
		}
	}
	for _, s := range cur.Shards {
		was, ok := base.Shard(s.Name)
		if !ok || was.place() != s.place() || !slices.Equal(slices.Sorted(slices.Values(was.Tenants)), slices.Sorted(slices.Values(s.Tenants))) {
			marked[s.Name] = true
			continue
		}
		if marked[s.Name] {
			continue
		}
		now, err := os.ReadFile(filepath.Join(dir, StackFileName(s.Name)))
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, err
		}
		then, found, err := show(StackFileName(s.Name))
		if err != nil {
			return nil, err
		}
		if !found || !bytes.Equal(then, now) {
			marked[s.Name] = true
		}
	}
	var out []string
	for _, name := range all {
		if marked[name] {
			out = append(out, name)
		}
	}
	return out, nil
}

// sameSettings reports whether two versions of a fleet file set the same
// stack-wide settings: every key but tenants, secrets by their ciphertext's
// presence.
func sameSettings(a, b *stackconfig.File) bool {
	values := func(f *stackconfig.File) map[string]string {
		m := maps.Clone(f.Values)
		delete(m, stackconfig.KeyTenants)
		return m
	}
	return maps.Equal(values(a), values(b)) && maps.Equal(a.Secrets, b.Secrets) && maps.Equal(a.Other, b.Other)
}

// entries returns each tenant entry of a fleet file by id, as canonical
// JSON (keys sorted), so only an edit of the entry changes it.
func entries(f *stackconfig.File) (map[string][]byte, error) {
	raw, ok := f.Values[stackconfig.KeyTenants]
	if !ok {
		return map[string][]byte{}, nil
	}
	var list []map[string]any
	if err := json.Unmarshal([]byte(raw), &list); err != nil {
		return nil, err
	}
	out := make(map[string][]byte, len(list))
	for i, e := range list {
		id, _ := e["id"].(string)
		if id == "" {
			return nil, fmt.Errorf("tenants[%d] has no id", i)
		}
		canonical, err := json.Marshal(e)
		if err != nil {
			return nil, err
		}
		if _, dup := out[id]; dup {
			return nil, fmt.Errorf("tenant %q is listed twice", id)
		}
		out[id] = canonical
	}
	return out, nil
}
