package shard

import (
	"fmt"
	"strings"
	"testing"

	"github.com/amplify-tenancy/tenancy/internal/stackconfig"
)

// tenantSpec is one tenant of a test fleet: "id region", optionally
// followed by "account=<12 digits>" and "former=<id>,<id>".
type tenantSpec = string

// fleetYAML is a fleet file listing the tenants, with extra stack-wide
// lines (each "  tenancy:key: value").
func fleetYAML(extra []string, tenants ...tenantSpec) string {
	var b strings.Builder
	b.WriteString("config:\n  tenancy:repository: https://github.com/example/app\n")
	for _, line := range extra {
		b.WriteString(line + "\n")
	}
	b.WriteString("  tenancy:tenants:\n")
	for _, spec := range tenants {
		f := strings.Fields(spec)
		fmt.Fprintf(&b, "    - id: %s\n      name: Tenant %s\n      region: %s\n", f[0], f[0], f[1])
		for _, opt := range f[2:] {
			k, v, _ := strings.Cut(opt, "=")
			switch k {
			case "account":
				fmt.Fprintf(&b, "      account: {roleArn: \"arn:aws:iam::%s:role/deployer\"}\n", v)
			case "former":
				fmt.Fprintf(&b, "      formerIds: [%s]\n", v)
			}
		}
	}
	return b.String()
}

// fleetOf parses a fleet of the given tenants as the program would.
func fleetOf(t testing.TB, tenants ...tenantSpec) *stackconfig.Fleet {
	t.Helper()
	return parseFleet(t, fleetYAML(nil, tenants...))
}

func parseFleet(t testing.TB, yaml string) *stackconfig.Fleet {
	t.Helper()
	f, err := stackconfig.ParseFile("prod", []byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	fleet, err := stackconfig.Parse(f.Source())
	if err != nil {
		t.Fatalf("%v\n%s", err, yaml)
	}
	return fleet
}

// mustAssign is Assign that fails the test on error, and checks that the
// result is what Check accepts.
func mustAssign(t testing.TB, prev *Lock, fleet *stackconfig.Fleet, max int) *Lock {
	t.Helper()
	l, err := Assign(prev, "prod", fleet, max)
	if err != nil {
		t.Fatal(err)
	}
	if errs := Check(l, "prod", fleet); len(errs) > 0 {
		t.Fatalf("Assign made a lock Check refuses: %v", errs)
	}
	return l
}

// shardsOf maps every tenant to its shard's name.
func shardsOf(l *Lock) map[string]string {
	out := map[string]string{}
	for _, s := range l.Shards {
		for _, id := range s.Tenants {
			out[id] = s.Name
		}
	}
	return out
}
