package tenant_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/amplify-tenancy/tenancy/tenant"
	"github.com/amplify-tenancy/tenancy/tenant/tenanttest"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// TestUnjoinListsEachProblemFromRunErr: what pulumi.RunErr gives back (a
// go-multierror around the program's error) comes apart into one error per
// problem, each still a *tenant.FieldError naming its tenant and field.
func TestUnjoinListsEachProblemFromRunErr(t *testing.T) {
	bad := &tenant.TenantStackArgs{DisplayName: "Acme", Region: "mars-1", Environment: "dev",
		Repository: "https://github.com/example/app", Branch: "a..b"} // and no access token
	cases := []struct {
		name    string
		program pulumi.RunFunc
		want    []string // tenant.field of each problem, in order
	}{
		{"one tenant", func(ctx *pulumi.Context) error {
			_, err := tenant.NewTenantStack(ctx, "acme", bad)
			return err
		}, []string{"acme.branch", "acme.accessToken", "acme.region"}},
		{"two tenants joined", func(ctx *pulumi.Context) error {
			_, e1 := tenant.NewTenantStack(ctx, "acme", bad)
			_, e2 := tenant.NewTenantStack(ctx, "globex", bad)
			return errors.Join(e1, e2)
		}, []string{"acme.branch", "acme.accessToken", "acme.region", "globex.branch", "globex.accessToken", "globex.region"}},
		{"wrapped by the program", func(ctx *pulumi.Context) error {
			_, err := tenant.NewTenantStack(ctx, "acme", bad)
			return fmt.Errorf("fleet: %w", err)
		}, []string{"acme.branch", "acme.accessToken", "acme.region"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := tenanttest.Run(c.program, tenanttest.Options{})
			if err == nil {
				t.Fatal("the program did not fail")
			}
			var got []string
			for _, e := range tenant.Unjoin(err) {
				var fe *tenant.FieldError
				if !errors.As(e, &fe) {
					t.Fatalf("%q is not a FieldError", e)
				}
				got = append(got, fe.Tenant+"."+fe.Field)
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("problems %v, want %v (from %q)", got, c.want, err)
			}
		})
	}
}

// TestUnjoinKeepsAWrappersText: a wrapper around several problems puts its
// text before each; a single problem, wrapped or not, stays as it is.
func TestUnjoinKeepsAWrappersText(t *testing.T) {
	a, b := errors.New("a"), errors.New("b")
	cases := []struct {
		name string
		err  error
		want []string
	}{
		{"nil", nil, nil},
		{"one", a, []string{"a"}},
		{"joined", errors.Join(a, b), []string{"a", "b"}},
		{"nested", errors.Join(a, errors.Join(b, a)), []string{"a", "b", "a"}},
		{"wrapped join", fmt.Errorf("fleet: %w", errors.Join(a, b)), []string{"fleet: a", "fleet: b"}},
		{"wrapped one", fmt.Errorf("fleet: %w", a), []string{"fleet: a"}},
		{"two %w", fmt.Errorf("%w and %w", a, b), []string{"a", "b"}},
	}
	for _, c := range cases {
		var got []string
		for _, e := range tenant.Unjoin(c.err) {
			got = append(got, e.Error())
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}
