// Package stackdiff compares two versions of a stack file, the way a
// reviewer reads a pull request: tenants added, removed, renamed and changed
// field by field, and every edit that would delete or replace a tenant's
// data-bearing resources (key, database, its instances, secret, backups)
// flagged as a data risk, by the rules the program's guard applies
// (internal/risk), each saying whether config confirms it.
package stackdiff

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	"github.com/amplify-tenancy/tenancy/internal/risk"
	"github.com/amplify-tenancy/tenancy/internal/stackconfig"
)

// Change is one field that differs. From is empty when the field is new, To
// when it is gone.
type Change struct {
	// Field is the dotted path as written in the stack file.
	Field string
	// From is the base value, as JSON for lists and objects.
	From string
	// To is the current value.
	To string
}

// TenantChange is a tenant present in both versions with edited fields.
type TenantChange struct {
	// ID is the current tenant ID.
	ID string
	// Changes are the edited fields, sorted.
	Changes []Change
}

// Report is the difference between two versions of one stack file.
type Report struct {
	// Stack is the stack name.
	Stack string
	// NewStack is true when the base has no such stack file.
	NewStack bool
	// Settings are changed stack-wide keys.
	Settings []Change
	// Added are IDs of new tenants.
	Added []string
	// Removed are IDs of tenants that are gone (renames excluded).
	Removed []string
	// Changed are tenants in both versions whose fields differ; a renamed
	// tenant is listed under its new ID with an "id" change.
	Changed []TenantChange
	// Risks are the data risks, stack-wide first.
	Risks []Risk
}

// Empty reports whether the two versions configure the same thing.
func (r *Report) Empty() bool {
	return len(r.Settings)+len(r.Added)+len(r.Removed)+len(r.Changed) == 0
}

// entry is one tenant as written: its fields flattened to dotted paths.
type entry struct {
	id     string
	fields map[string]string
}

// Version is one version of a stack file: as written, for the changes
// field by field, and as the program parses it, for the data risks.
type Version struct {
	// File is the stack file as written.
	File *stackconfig.File
	// Fleet is File parsed by stackconfig.Parse, which must accept it:
	// what it cannot parse has no risks to tell.
	Fleet *stackconfig.Fleet
}

// Compare compares base (nil for a stack file that is new) with current.
// The changes come from the files as written; the data risks from the
// fleets, by the program's own rules (internal/risk).
func Compare(base, current *Version) (*Report, error) {
	r := &Report{Stack: current.File.Stack, NewStack: base == nil}
	if base == nil {
		base = &Version{File: &stackconfig.File{Stack: current.File.Stack}, Fleet: &stackconfig.Fleet{}}
	}
	baseTenants, err := entries(base.File)
	if err != nil {
		return nil, fmt.Errorf("base: %w", err)
	}
	curTenants, err := entries(current.File)
	if err != nil {
		return nil, err
	}
	r.Settings = compareFields(settings(base.File), settings(current.File))
	for _, rk := range risk.Assess(risk.Deployed(base.Fleet), current.Fleet) {
		r.Risks = append(r.Risks, newRisk(rk))
	}

	renamedFrom := map[string]string{} // base id -> current id
	for _, t := range curTenants {
		for _, former := range formerIDs(t) {
			renamedFrom[former] = t.id
		}
	}
	baseByID := index(baseTenants)
	curByID := index(curTenants)
	for _, t := range curTenants {
		old, ok := baseByID[t.id]
		if !ok {
			old, ok = renamedBase(t, baseByID, curByID)
		}
		if !ok {
			r.Added = append(r.Added, t.id)
			continue
		}
		if changes := compareFields(old.fields, t.fields); len(changes) > 0 {
			r.Changed = append(r.Changed, TenantChange{ID: t.id, Changes: changes})
		}
	}
	for _, t := range baseTenants {
		if _, kept := curByID[t.id]; kept {
			continue
		}
		if to, renamed := renamedFrom[t.id]; renamed && !hasID(baseByID, to) {
			continue
		}
		r.Removed = append(r.Removed, t.id)
	}
	return r, nil
}

// renamedBase finds the base entry a current tenant was renamed from: an ID
// in its formerIds that the base has and the current version no longer does.
func renamedBase(t entry, baseByID, curByID map[string]entry) (entry, bool) {
	for _, former := range formerIDs(t) {
		if old, ok := baseByID[former]; ok && !hasID(curByID, former) {
			old.fields = maps.Clone(old.fields)
			old.fields["id"] = old.id
			return old, true
		}
	}
	return entry{}, false
}

func hasID(m map[string]entry, id string) bool { _, ok := m[id]; return ok }

func index(es []entry) map[string]entry {
	out := map[string]entry{}
	for _, e := range es {
		out[e.id] = e
	}
	return out
}

// entries reads the tenants list of a stack file as written.
func entries(f *stackconfig.File) ([]entry, error) {
	raw, ok := f.Values[stackconfig.KeyTenants]
	if !ok {
		return nil, nil
	}
	var list []map[string]any
	if err := json.Unmarshal([]byte(raw), &list); err != nil {
		return nil, fmt.Errorf("stack %s: %s: not a list of tenant objects: %w", f.Stack, stackconfig.KeyTenants, err)
	}
	out := make([]entry, 0, len(list))
	for i, t := range list {
		id, _ := t["id"].(string)
		if id == "" {
			id = fmt.Sprintf("tenants[%d]", i)
		}
		fields := map[string]string{}
		flatten("", t, fields)
		out = append(out, entry{id: id, fields: fields})
	}
	return out, nil
}

// flatten writes every leaf of an object under its dotted path; lists are
// leaves, rendered as JSON.
func flatten(prefix string, v map[string]any, into map[string]string) {
	for k, val := range v {
		path := prefix + k
		if obj, ok := val.(map[string]any); ok {
			flatten(path+".", obj, into)
			continue
		}
		into[path] = text(val)
	}
}

func text(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	out, _ := json.Marshal(v)
	return string(out)
}

// settings are the stack-wide keys: plain values as written, secrets as
// "[secret]" since only their presence can be compared.
func settings(f *stackconfig.File) map[string]string {
	out := map[string]string{}
	for k, v := range f.Values {
		if k != stackconfig.KeyTenants {
			out[k] = v
		}
	}
	for k := range f.Secrets {
		out[k] = secretMarker
	}
	maps.Copy(out, f.Other)
	return out
}

func compareFields(from, to map[string]string) []Change {
	var out []Change
	keys := slices.Sorted(maps.Keys(from))
	for k := range to {
		if _, ok := from[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		if from[k] != to[k] {
			f, t := redact(k, from[k]), redact(k, to[k])
			if f == t {
				t += " (changed)"
			}
			out = append(out, Change{Field: k, From: f, To: t})
		}
	}
	return out
}

// secretMarker is how settings shows a secret the file holds encrypted.
const secretMarker = "[secret]"

// redact hides what a value of field must not show: a secret written in
// plain text under a secret's name, a value holding a `secure:` one, the
// credentials of a URL. A report never holds them, whatever prints it.
func redact(field, v string) string {
	switch {
	case v == "" || v == secretMarker:
		return v
	case IsSecretName(field):
		return "[secret, in plain text]"
	case holdsSecret(v):
		return "[redacted: holds a secret]"
	}
	return RedactURLs(v)
}

func formerIDs(e entry) []string {
	var ids []string
	_ = json.Unmarshal([]byte(e.fields["formerIds"]), &ids)
	return ids
}
