package stackconfig

import (
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
)

// TestPulumiYAMLDeclaresEveryKey keeps Pulumi.yaml and the parser in step:
// the engine refuses a stack that sets an undeclared key, and treats a
// declared key without a default as required.
func TestPulumiYAMLDeclaresEveryKey(t *testing.T) {
	proj, err := workspace.LoadProject("../../Pulumi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := proj.Validate(); err != nil {
		t.Fatalf("Pulumi.yaml: %v", err)
	}
	required := []string{KeyAccessToken, KeyRepository, KeyTenants}
	var declared []string
	for full, decl := range proj.Config {
		key, ok := strings.CutPrefix(full, Project+":")
		if !ok {
			continue
		}
		declared = append(declared, key)
		if hasDefault := decl.Default != nil; hasDefault == slices.Contains(required, key) {
			t.Errorf("%s: default %v, but required keys are exactly %v", full, decl.Default, required)
		}
	}
	slices.Sort(declared)
	if want := slices.Sorted(slices.Values(stackKeys)); !slices.Equal(declared, want) {
		t.Errorf("Pulumi.yaml declares %v, the parser knows %v", declared, want)
	}
}
