package stackconfig

import (
	"os"
	"strings"
	"testing"
)

// The parts of testdata/Pulumi.base.yaml the edits below change.
const (
	baseTenantsKey = "  tenancy:tenants:\n"
	baseGlobex     = "    - id: globex\n      name: Globex\n      region: eu-central-1\n"
	baseAcmeDomain = "      domain: shop.acme.example.com\n"
	baseAfterList  = "  aws:defaultTags:"
)

// Stack files that would deploy something other than what they seem to
// say are refused.
func TestAmbiguousStacksAreRefused(t *testing.T) {
	// noTenants replaces the tenants list with what follows tenants:.
	noTenants := func(t *testing.T, with string) string {
		text := baseFile(t)
		from, to := strings.Index(text, baseTenantsKey), strings.Index(text, baseAfterList)
		return text[:from] + with + text[to:]
	}
	cases := []struct {
		name  string
		text  func(t *testing.T) string
		wants []string
	}{
		// tenants: null (or nothing) used to read as no tenants at all.
		{"tenants: null", func(t *testing.T) string { return noTenants(t, "  tenancy:tenants: null\n") },
			[]string{"tenants: is null; it must list the stack's tenants"}},
		{"tenants: ~", func(t *testing.T) string { return noTenants(t, "  tenancy:tenants: ~\n") },
			[]string{"tenants: is null"}},
		{"tenants: with nothing after it", func(t *testing.T) string { return noTenants(t, baseTenantsKey) },
			[]string{"tenants: is null"}},
		{"bare tenants: with nothing after it", func(t *testing.T) string { return noTenants(t, "  tenants:\n") },
			[]string{"tenants: is null"}},
		// An entry that is not an object has no tenant to name: its place
		// in the list is the field.
		{"a null tenant", func(t *testing.T) string { return noTenants(t, "  tenancy:tenants: [null]\n") },
			[]string{"tenants[0]: must be an object with at least id, name and region, got null"}},
		{"a tenant that is a string, after a good one", func(t *testing.T) string {
			return noTenants(t, "  tenancy:tenants: [{id: acme, name: Acme, region: eu-west-1}, acme]\n")
		}, []string{`tenants[1]: must be an object with at least id, name and region, got string "acme"`}},

		// movedOut may name only tenants this stack does not deploy.
		{"movedOut names a deployed tenant", func(t *testing.T) string {
			return editedAll(t, [2]string{baseTenantsKey, "  tenancy:movedOut: [initech, globex]\n" + baseTenantsKey})
		}, []string{`movedOut[1]: "globex" is still deployed by this stack`}},
		{"movedOut names a deployed tenant twice", func(t *testing.T) string {
			return editedAll(t, [2]string{baseTenantsKey, "  tenancy:movedOut: [acme, acme]\n" + baseTenantsKey})
		}, []string{`movedOut[0]: "acme" is still deployed by this stack`, `movedOut[1]: "acme" is listed twice (first at movedOut[0])`}},
		{"movedOut names a former id of a deployed tenant", func(t *testing.T) string {
			return editedAll(t, [2]string{baseTenantsKey, "  tenancy:movedOut: [globex-old]\n" + baseTenantsKey},
				[2]string{baseGlobex, baseGlobex + "      formerIds: [globex-old]\n"})
		}, []string{`movedOut[0]: "globex-old" is a former id of tenant "globex", which this stack still deploys`}},

		// Every custom domain is served with www. in front too.
		{"one domain on two tenants", func(t *testing.T) string {
			return editedAll(t, [2]string{baseGlobex, baseGlobex + baseAcmeDomain})
		}, []string{`tenant "globex": domain: "shop.acme.example.com" is already the domain of tenant "acme"`}},
		{"the www. of another tenant's domain", func(t *testing.T) string {
			return editedAll(t, [2]string{baseGlobex, baseGlobex + "      domain: www.shop.acme.example.com\n"})
		}, []string{`tenant "globex": domain: "www.shop.acme.example.com" is already served by tenant "acme", whose domain "shop.acme.example.com" tenancy also serves with www. in front`}},
		{"a domain whose www. is another tenant's", func(t *testing.T) string {
			return editedAll(t, [2]string{baseAcmeDomain, "      domain: www.globex.example.com\n"},
				[2]string{baseGlobex, baseGlobex + "      domain: globex.example.com\n"})
		}, []string{`tenant "globex": domain: "globex.example.com" would also serve www.globex.example.com (tenancy adds www. to every custom domain), the domain of tenant "acme"`}},
		{"a tenant this stack does not deploy", func(t *testing.T) string {
			return editedAll(t, [2]string{baseTenantsKey, "  tenancy:regions: [eu-west-1]\n" + baseTenantsKey},
				[2]string{baseGlobex, baseGlobex + baseAcmeDomain})
		}, []string{`tenant "globex": domain: "shop.acme.example.com" is already the domain of tenant "acme"`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			checkProblems(t, parseEdited(t, c.text(t)), c.wants...)
		})
	}
}

// What the refusals above must still let through.
func TestNearMissesOfTheRefusalsAreAccepted(t *testing.T) {
	cases := []struct {
		name  string
		edits [][2]string
	}{
		{"movedOut names a tenant of another stack, listed here too", [][2]string{{baseTenantsKey, "  tenancy:regions: [eu-west-1]\n  tenancy:movedOut: [globex, initech]\n" + baseTenantsKey}}},
		{"a subdomain of another tenant's domain", [][2]string{{baseGlobex, baseGlobex + "      domain: eu.shop.acme.example.com\n"}}},
		{"the parent of another tenant's domain", [][2]string{{baseGlobex, baseGlobex + "      domain: acme.example.com\n"}}},
		{"www2", [][2]string{{baseGlobex, baseGlobex + "      domain: www2.shop.acme.example.com\n"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if err := parseEdited(t, editedAll(t, c.edits...)); err != nil {
				t.Fatal(err)
			}
		})
	}
	t.Run("an empty tenants list", func(t *testing.T) {
		if _, err := Parse(mapSource(fleetConfig("[]"))); err != nil {
			t.Fatal(err)
		}
	})
}

// CheckSplit refuses two files of one stack: they would be two versions of
// its config, merged by stack name.
func TestCheckSplitRefusesAStackGivenTwice(t *testing.T) {
	read := func(stack string) *File {
		data, err := os.ReadFile("../../docs/split-stacks/Pulumi." + stack + ".yaml")
		if err != nil {
			t.Fatal(err)
		}
		f, err := ParseFile(stack, data)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	renamed := func(f *File, stack string) *File {
		g := *f
		g.Stack = stack
		return &g
	}
	eu, world := read("prod-eu"), read("prod-world")
	cases := []struct {
		name  string
		files []*File
		want  string
	}{
		{"one file twice", []*File{eu, eu}, "stack prod-eu: is given 2 times; a split fleet names each stack once, with one file"},
		{"two files of one stack", []*File{eu, world, renamed(world, "prod-eu")}, "stack prod-eu: is given 2 times"},
		{"three times", []*File{world, world, world, eu}, "stack prod-world: is given 3 times"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := CheckSplit(c.files)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want it to contain %q", err, c.want)
			}
			if strings.Contains(err.Error(), "deployed by stacks") {
				t.Errorf("the stack given twice is also counted as two stacks:\n%v", err)
			}
		})
	}
	if err := CheckSplit([]*File{eu, world}); err != nil {
		t.Errorf("the example pair: %v", err)
	}
}
