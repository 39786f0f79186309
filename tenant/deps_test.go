package tenant

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// sdkModules are the modules the library means to depend on: whatever
// they need in turn is allowed, and nothing else.
var sdkModules = []string{
	"github.com/pulumi/pulumi/sdk/v3",
	"github.com/pulumi/pulumi-aws/sdk/v6",
	"github.com/pulumi/pulumi-random/sdk/v4",
}

// ownModule is this repository's module: the library's internal packages.
const ownModule = "github.com/amplify-tenancy/tenancy"

// TestLibraryPullsInOnlyTheSDKs: a team importing tenant builds no module
// beyond the Pulumi SDKs and what they import themselves (the standard
// library aside). It compares `go list -deps` of the library with that of
// the SDK packages the library uses, so an SDK upgrade moves the
// allowlist with it, and fails naming each module the library (or one of
// its internal packages) adds.
func TestLibraryPullsInOnlyTheSDKs(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	lib := deps(t, ".", "./tenanttest")
	var sdkPackages []string
	for pkg, module := range lib {
		if slices.Contains(sdkModules, module) {
			sdkPackages = append(sdkPackages, pkg)
		}
	}
	if len(sdkPackages) == 0 {
		t.Fatal("the library uses no SDK package: is go list broken?")
	}
	allowed := map[string]bool{ownModule: true}
	for _, m := range sdkModules {
		allowed[m] = true
	}
	for _, module := range deps(t, sdkPackages...) {
		allowed[module] = true
	}
	extra := map[string][]string{}
	for pkg, module := range lib {
		if !allowed[module] {
			extra[module] = append(extra[module], pkg)
		}
	}
	for module, pkgs := range extra {
		slices.Sort(pkgs)
		t.Errorf("the library pulls in %s (%s), which no Pulumi SDK needs", module, strings.Join(pkgs, ", "))
	}
}

// deps returns every non-standard package patterns depend on, with its
// module path.
func deps(t *testing.T, patterns ...string) map[string]string {
	t.Helper()
	args := append([]string{"list", "-deps", "-f", "{{if .Module}}{{.ImportPath}} {{.Module.Path}}{{end}}"}, patterns...)
	out, err := exec.Command("go", args...).Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			t.Fatalf("go list: %v\n%s", err, ee.Stderr)
		}
		t.Fatalf("go list: %v", err)
	}
	m := map[string]string{}
	for line := range strings.Lines(string(out)) {
		if pkg, module, ok := strings.Cut(strings.TrimSpace(line), " "); ok {
			m[pkg] = module
		}
	}
	return m
}
