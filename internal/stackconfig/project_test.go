package stackconfig

import (
	"fmt"
	"os"
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
	// repository and tenants have defaults for the engine's sake only: a
	// shard's stack file sets neither (its program reads them from the
	// fleet file), and the engine refuses a stack that lacks a key without
	// a default. The parser still requires both of a fleet file.
	required := []string{KeyAccessToken}
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

// TestDefaultsAgreeEverywhere keeps the defaults of the stack-wide settings
// one: what the parser starts from (the Default* constants) is what
// Pulumi.yaml declares and what README's config table says.
func TestDefaultsAgreeEverywhere(t *testing.T) {
	proj, err := workspace.LoadProject("../../Pulumi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	defaults := map[string]any{
		KeyBranch: DefaultBranch, KeyProtect: DefaultProtect,
		KeyBasicAuth: DefaultBasicAuth, KeyBasicAuthUsername: DefaultBasicAuthUsername,
	}
	for key, want := range defaults {
		if got := proj.Config[Project+":"+key].Default; fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("Pulumi.yaml: %s defaults to %v, the parser to %v", key, got, want)
		}
		row := fmt.Sprintf("| `%s` | ", key)
		i := strings.Index(string(readme), row)
		if i < 0 {
			t.Errorf("README's config table has no row for %s", key)
			continue
		}
		cells := strings.Split(strings.SplitN(string(readme[i:]), "\n", 2)[0], " | ")
		if len(cells) < 3 || cells[2] != fmt.Sprintf("`%v`", want) {
			t.Errorf("README: %s default %q, the parser's is `%v`", key, cells[2:], want)
		}
	}
	// A stack that sets none of them deploys exactly these.
	f, err := ParseFile("dev", []byte("config:\n  tenancy:repository: https://github.com/o/r\n"+
		"  tenancy:tenants:\n    - {id: acme, name: Acme, region: eu-west-1}\n"))
	if err != nil {
		t.Fatal(err)
	}
	src := f.Source()
	src.MissingSecretsAreWarnings = true
	fleet, err := Parse(src)
	if err != nil {
		t.Fatalf("a stack of defaults: %v", err)
	}
	a := fleet.Tenants[0].Args
	if a.Branch != DefaultBranch || a.Protect != DefaultProtect || (a.BasicAuth != nil) != DefaultBasicAuth {
		t.Errorf("deployed branch %q, protect %v, basic auth %v; want the defaults", a.Branch, a.Protect, a.BasicAuth != nil)
	}
}
