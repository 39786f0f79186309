package stackconfig

import (
	"errors"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/amplify-tenancy/tenancy/tenant"
)

// FuzzParseFile feeds arbitrary stack files to ParseFile and Parse: they
// must never panic, every problem must be a *tenant.FieldError, and no
// problem may repeat the plain-text value of a secret key (SEEKRIT, when
// it is written only as such a value). `go test -fuzz FuzzParseFile
// ./internal/stackconfig` explores.
// plainSecret is a secret key of the config mapping with a plain value.
var plainSecret = regexp.MustCompile(`(?m)^  (tenancy:)?(accessToken|basicAuthPassword): SEEKRIT$`)

func FuzzParseFile(f *testing.F) {
	base, err := os.ReadFile("testdata/Pulumi.base.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(base))
	for _, seed := range []string{
		"", "config:", "config: 1", "[1]", "config: {tenants: null}", "config: {1: 2}",
		"config:\n  tenancy:accessToken: SEEKRIT\n",
		"config:\n  tenancy:accessToken: {secure: [SEEKRIT]}\n",
		"config:\n  tenancy:tenants: [{id: acme, name: A, region: eu-west-1, database: {maxCapacity: .nan}}]\n",
		"config:\n  tenancy:tenants: &a [*a]\n",
		"config:\n  x: &a {b: 1}\n  y: {<<: *a, c: 2}\n",
		"config:\n  <<: {tenancy:tenants: []}\n",
		"config:\n  tenancy:tenants:\n    - {id: acme, name: \xff}\n",
		"config:\n  :tenants: []\n  tenancy:: 1\n",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		file, err := ParseFile("fuzz", []byte(text))
		var problems []error
		if err == nil {
			_, err = Parse(file.Source())
		}
		problems = tenant.Unjoin(err)
		onlySecret := strings.Count(text, "SEEKRIT") == len(plainSecret.FindAllString(text, -1))
		for _, p := range problems {
			var fe *tenant.FieldError
			if !errors.As(p, &fe) {
				t.Errorf("problem %q is not a FieldError", p)
			}
			if onlySecret && strings.Contains(p.Error(), "SEEKRIT") {
				t.Errorf("problem repeats a secret: %v", p)
			}
		}
	})
}
