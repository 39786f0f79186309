package stackconfig

import (
	"strings"
	"testing"
)

// TestProductionDefaultsFromTheEnvironment: tenancy:production unset (or
// empty, Pulumi.yaml's default) is true exactly in the environment named
// prod, as the name alone decided before the key existed; set, it wins,
// and every tenant and the shared resources get it.
func TestProductionDefaultsFromTheEnvironment(t *testing.T) {
	cases := []struct {
		stack, lines string
		want         bool
		wantErr      string
	}{
		{"prod", "", true, ""},
		{"dev", "", false, ""},
		{"prod", "  tenancy:production: \"\"\n", true, ""},
		{"prod", "  tenancy:production: false\n", false, ""},
		{"live", "  tenancy:production: true\n", true, ""},
		{"dev", "  tenancy:environment: prod\n", true, ""},
		{"live", "  tenancy:production: \"yes please\"\n", false, "production: \"yes please\" is not true or false"},
	}
	for _, c := range cases {
		t.Run(c.stack+"/"+strings.TrimSpace(c.lines), func(t *testing.T) {
			f, err := ParseFile(c.stack, []byte("config:\n  tenancy:repository: https://github.com/o/r\n"+c.lines+
				"  tenancy:tenants:\n    - {id: acme, name: Acme, region: eu-west-1}\n"))
			if err != nil {
				t.Fatal(err)
			}
			src := f.Source()
			src.MissingSecretsAreWarnings = true
			fleet, err := Parse(src)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("want %q, got %v", c.wantErr, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if fleet.Production != c.want || fleet.Tenants[0].Args.IsProduction() != c.want || fleet.Tenants[0].Args.Production == nil {
				t.Errorf("fleet production %v, tenant %v; want %v", fleet.Production, fleet.Tenants[0].Args.IsProduction(), c.want)
			}
		})
	}
}
