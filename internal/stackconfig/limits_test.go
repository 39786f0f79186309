package stackconfig

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/amplify-tenancy/tenancy/tenant"
)

// jsonList renders n items made by item as a JSON list.
func jsonList(t *testing.T, n int, item func(i int) any) string {
	t.Helper()
	items := make([]any, n)
	for i := range items {
		items[i] = item(i)
	}
	raw, err := json.Marshal(items)
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

// Absurd sizes are refused with one clear error, before any per-item
// check: every check is linear, and the caps keep the problem lists short.
// (Without the caps, 200,000 regions entries gave 200,000 problems, and
// before the duplicate checks used maps, took quadratic time.)
func TestAbsurdSizesAreRefused(t *testing.T) {
	tenants := tenantsIn(t, 1, "eu-central-1")
	one := func(extra map[string]any) string {
		e := map[string]any{"id": "acme", "name": "Acme", "region": "eu-west-1"}
		for k, v := range extra {
			e[k] = v
		}
		raw, _ := json.Marshal([]any{e})
		return string(raw)
	}
	network := func(regions int, groups int) string {
		n := map[string]any{}
		for i := range regions {
			var sgs []string
			for j := range groups {
				sgs = append(sgs, fmt.Sprintf("sg-%08x", j))
			}
			n[fmt.Sprintf("region-%d", i)] = map[string]any{"subnetGroup": "db", "securityGroupIds": sgs}
		}
		raw, _ := json.Marshal(n)
		return string(raw)
	}
	huge := one(map[string]any{"name": strings.Repeat("x", maxFileBytes)})
	cases := []struct {
		name   string
		values map[string]string
		want   string
	}{
		{"200,000 repeated regions", fleetConfig(tenants, KeyRegions, jsonList(t, 200_000, func(int) any { return "eu-central-1" })),
			"regions: has 200000 entries; at most 20 are allowed"},
		{"200,000 distinct region names", fleetConfig(tenants, KeyRegions, jsonList(t, 200_000, func(i int) any { return fmt.Sprint("r", i) })),
			"regions: has 200000 entries; at most 20 are allowed"},
		{"21 regions", fleetConfig(tenants, KeyRegions, jsonList(t, 21, func(i int) any { return "eu-central-1" })),
			"regions: has 21 entries; at most 20 are allowed"},
		{"200,000 movedOut ids", fleetConfig(tenants, KeyMovedOut, jsonList(t, 200_000, func(i int) any { return fmt.Sprintf("gone-%d", i) })),
			"movedOut: has 200000 entries; at most 10000 are allowed"},
		{"10,001 movedOut ids", fleetConfig(tenants, KeyMovedOut, jsonList(t, 10_001, func(i int) any { return "gone" })),
			"movedOut: has 10001 entries; at most 10000 are allowed"},
		{"10,001 tenants", fleetConfig(jsonList(t, 10_001, func(i int) any {
			return map[string]any{"id": fmt.Sprintf("t-%05d", i), "name": "T", "region": "eu-west-1"}
		})), "tenants: has 10001 tenants; a stack may have at most 10000"},
		{"101 former ids", fleetConfig(one(map[string]any{"formerIds": strings.Fields(strings.Repeat("old ", 101))})),
			`tenant "acme": formerIds: has 101 ids; a tenant may have at most 100`},
		{"21 networks", fleetConfig(tenants, KeyNetwork, network(21, 1)),
			"network: has 21 regions; there are 20 Amplify regions"},
		{"17 security groups", fleetConfig(tenants, KeyNetwork, strings.Replace(network(1, 17), "region-0", "eu-west-1", 1)),
			"network.eu-west-1.securityGroupIds: has 17 security groups; an Aurora instance can have at most 16"},
		{"a value over 10 MiB", fleetConfig(huge),
			fmt.Sprintf("tenants: is %d bytes long; a value may be at most 10485760 bytes (10 MiB)", len(huge))},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse(mapSource(c.values))
			checkProblems(t, err, c.want)
			if n := strings.Count(err.Error(), "\n") + 1; n > 2 {
				t.Errorf("%d problems, want the one about the size:\n%.500s", n, err)
			}
		})
	}
}

// What is within the caps, however long, parses: the caps are not hit by
// real fleets.
func TestLargeFleetsWithinTheCapsParse(t *testing.T) {
	tenants := jsonList(t, maxTenants, func(i int) any {
		return map[string]any{"id": fmt.Sprintf("t-%05d", i), "name": "T", "region": "eu-west-1",
			"formerIds": []string{fmt.Sprintf("old-%05d", i)}}
	})
	values := fleetConfig(tenants,
		KeyRegions, jsonList(t, maxRegions, func(i int) any { return tenant.AmplifyRegions()[i] }),
		KeyMovedOut, jsonList(t, maxMovedOut, func(i int) any { return fmt.Sprintf("gone-%05d", i) }),
		KeyQuotas, `{"amplifyApps": 20000}`)
	fleet, err := Parse(mapSource(values))
	if err != nil {
		t.Fatalf("%.1000v", err)
	}
	if len(fleet.Tenants) != maxTenants || len(fleet.MovedOut) != maxMovedOut {
		t.Errorf("%d tenants, %d moved out", len(fleet.Tenants), len(fleet.MovedOut))
	}
}

// A stack file over 10 MiB is refused, by ReadFile without reading it all.
func TestLargeStackFileIsRefused(t *testing.T) {
	data := []byte("config:\n  tenancy:buildSpec: " + strings.Repeat("x", maxFileBytes) + "\n")
	path := filepath.Join(t.TempDir(), "Pulumi.big.yaml")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	_, fromFile := ReadFile(path)
	_, fromData := ParseFile("big", data)
	for _, err := range []error{fromFile, fromData} {
		checkProblems(t, err, "stack big: the file is larger than 10485760 bytes (10 MiB)")
	}
}

// Hostile stack files are refused, or read, in time linear in their size;
// the assertions are on the outcome, not the time.
func TestHostileStackFiles(t *testing.T) {
	head := "config:\n  tenancy:repository: https://github.com/example/app\n"
	tenant := head + "  tenancy:tenants:\n    - id: acme\n      name: Acme\n      region: eu-west-1\n"
	repeat := func(n int, format string) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, format, i)
		}
		return b.String()
	}
	bomb := head + "  tenancy:buildSpec: x\n  a: &a [x, x, x, x, x, x, x, x, x, x]\n"
	for i, prev := 0, "a"; i < 9; i++ {
		name := fmt.Sprintf("b%d", i)
		bomb += fmt.Sprintf("  %s: &%s [%s]\n", name, name, strings.TrimSuffix(strings.Repeat("*"+prev+", ", 10), ", "))
		prev = name
	}
	cases := []struct {
		name, text string
		wants      []string // nil: the file must parse
	}{
		{"200,000 repeated regions entries", head + "  tenancy:tenants: []\n  tenancy:regions:\n" + strings.Repeat("    - eu-central-1\n", 200_000),
			[]string{"regions: has 200000 entries; at most 20 are allowed"}},
		{"100,000 environment variables", tenant + "      environment:\n" + repeat(100_000, "        VARIABLE_%d: x\n"), nil},
		{"100,000 keys, one of them twice", tenant + "      environment:\n" + repeat(100_000, "        VARIABLE_%d: x\n") + "        VARIABLE_7: y\n",
			[]string{`stack base: tenant "acme": environment.VARIABLE_7: line 100008: mapping key "VARIABLE_7" already defined at line 15`}},
		{"an alias bomb", bomb, []string{"aliases (*name) repeat values far beyond the size of the file; write them out"}},
		{"an alias inside its own anchor", head + "  tenancy:tenants: &a [*a]\n",
			[]string{`tenant "tenants[0]": [0]: line 3: the alias *a is inside its own anchor`}},
		{"a thousand .nan", tenant + "      formerIds: [" + strings.TrimSuffix(strings.Repeat(".nan, ", 1000), ", ") + "]\n",
			[]string{`tenant "acme": formerIds[99]: is .nan`, "and 900 more problems with values like the ones above"}},
		{"merge keys are read", head + "  aws:tags: &d {name: Default, region: eu-west-1, tier: starter}\n" +
			"  tenancy:tenants:\n    - <<: *d\n      id: acme\n      name: Acme\n", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := parseEdited(t, c.text)
			if c.wants == nil {
				if err != nil {
					t.Fatalf("%.1000v", err)
				}
				return
			}
			checkProblems(t, err, c.wants...)
			if n := strings.Count(err.Error(), "\n") + 1; n > 2*maxValueProblems {
				t.Errorf("%d problems", n)
			}
		})
	}
}
