package main

import (
	"os"
	"testing"

	"github.com/amplify-tenancy/tenancy/internal/iampolicy"
)

// policyStacks are the stacks whose resource types the policies must
// cover: the committed ones, and the fixtures with every isolation level
// and every optional resource (backups, domains).
var policyStacks = []string{"dev", "prod", "levels", "longest"}

// TestPoliciesCoverWhatTheProgramRegisters runs the real program over
// every stack, collects each registered resource type (and the provider
// functions it calls), and checks docs/deployer-policy.json and
// docs/preview-policy.json against iampolicy.Table.
func TestPoliciesCoverWhatTheProgramRegisters(t *testing.T) {
	deployer, deployerSize := readPolicy(t, "docs/deployer-policy.json")
	preview, previewSize := readPolicy(t, "docs/preview-policy.json")
	for name, size := range map[string]int{"deployer": deployerSize, "preview": previewSize} {
		if size > iampolicy.MaxManagedPolicySize {
			t.Errorf("%s policy: %d characters without whitespace, above IAM's managed policy limit of %d", name, size, iampolicy.MaxManagedPolicySize)
		}
	}
	types := append([]string(nil), iampolicy.Invokes...)
	for _, stack := range policyStacks {
		cloud, _ := runStack(t, stack)
		for _, r := range cloud.Resources() {
			types = append(types, r.Type)
		}
	}
	for _, err := range iampolicy.Check(types, deployer, preview) {
		t.Error(err)
	}
}

func readPolicy(t *testing.T, path string) (*iampolicy.Document, int) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := iampolicy.Parse(data)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return doc, iampolicy.Size(data)
}
