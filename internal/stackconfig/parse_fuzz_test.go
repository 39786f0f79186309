package stackconfig

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/amplify-tenancy/tenancy/tenant"
)

// FuzzParse feeds arbitrary tenants lists to the parser: it must never
// panic, and whatever it accepts must pass tenant validation. `go test`
// runs the seed corpus; `go test -fuzz FuzzParse ./internal/stackconfig`
// explores.
func FuzzParse(f *testing.F) {
	for _, stack := range []string{"dev", "prod"} {
		file, err := ReadFile(filepath.Join("..", "..", "Pulumi."+stack+".yaml"))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(file.Values[KeyTenants])
	}
	for _, seed := range []string{
		``, `null`, `{}`, `[]`, `[null]`, `[1]`, `"x"`, `[{"id": 3}]`,
		`[{"id":"a","name":"A","region":"eu-west-1","database":{"engine":"aurora-postgresql","minCapacity":-1,"maxCapacity":1e309}}]`,
		`[{"id":"aa","name":"A","region":"eu-west-1","database":"x","environment":[1],"backup":{"retentionDays":"x"}}]`,
		`[{"id":"abc","name":"A","region":"eu-west-1","formerIds":["abc"]},{"id":"abc"}]`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, tenants string) {
		fleet, err := Parse(mapSource(map[string]string{
			KeyRepository: "https://github.com/example/app",
			KeyTenants:    tenants,
		}))
		if fleet == nil {
			t.Fatal("nil fleet")
		}
		for _, e := range tenant.Unjoin(err) {
			var fe *tenant.FieldError
			if !errors.As(e, &fe) {
				t.Errorf("problem %q is not a FieldError", e)
			}
		}
		if err != nil {
			return
		}
		for _, tn := range fleet.Tenants {
			if verr := errors.Join(tenant.ValidateID(tn.ID), tn.Args.Validate()); verr != nil {
				t.Errorf("accepted tenant %q fails validation: %v", tn.ID, verr)
			}
		}
	})
}
