//go:build engine

package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"gopkg.in/yaml.v3"
)

// configFile is the stack's Pulumi.<stack>.yaml in the temp project.
func (e *engineStack) configFile() string { return filepath.Join(e.dir, "Pulumi."+e.name+".yaml") }

// readConfig parses the stack file and its tenants list.
func (e *engineStack) readConfig() (original []byte, doc map[string]any, tenants []map[string]any) {
	e.t.Helper()
	original, err := os.ReadFile(e.configFile())
	if err != nil {
		e.t.Fatal(err)
	}
	if err := yaml.Unmarshal(original, &doc); err != nil {
		e.t.Fatal(err)
	}
	config, _ := doc["config"].(map[string]any)
	raw, err := json.Marshal(config["tenancy:tenants"])
	if err != nil {
		e.t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &tenants); err != nil {
		e.t.Fatal(err)
	}
	return original, doc, tenants
}

// editTenants rewrites the tenants list in the stack's Pulumi.<stack>.yaml,
// as a person editing the file would, and returns a function that puts the
// file back.
func (e *engineStack) editTenants(edit func([]map[string]any) []map[string]any) (restore func()) {
	e.t.Helper()
	original, doc, tenants := e.readConfig()
	doc["config"].(map[string]any)["tenancy:tenants"] = edit(tenants)
	out, err := yaml.Marshal(doc)
	if err != nil {
		e.t.Fatal(err)
	}
	e.writeConfig(out)
	return func() { e.writeConfig(original) }
}

func (e *engineStack) writeConfig(data []byte) {
	e.t.Helper()
	if err := os.WriteFile(e.configFile(), data, 0o644); err != nil {
		e.t.Fatal(err)
	}
}

// tenantIDs lists the ids in the stack's config file, sorted.
func (e *engineStack) tenantIDs() []string {
	e.t.Helper()
	_, _, tenants := e.readConfig()
	ids := make([]string, 0, len(tenants))
	for _, t := range tenants {
		ids = append(ids, fmt.Sprint(t["id"]))
	}
	slices.Sort(ids)
	return ids
}
