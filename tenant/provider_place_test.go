package tenant

import (
	"strings"
	"testing"

	"github.com/amplify-tenancy/tenancy/internal/mockcloud"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// TestWrongProviderRegistersNothing: a provider NewRegionProvider or
// NewAccountProvider made for another region or account is refused before
// the tenant (or the region's shared resources) registers anything; the
// program's own provider is all there is.
func TestWrongProviderRegistersNothing(t *testing.T) {
	other := &AccountArgs{RoleArn: "arn:aws:iam::210987654321:role/tenancy"}
	cases := []struct {
		name    string
		account *AccountArgs // the provider's
		region  string       // the provider's
		edit    func(*TenantStackArgs)
		shared  bool // NewRegionShared rather than NewTenantStack
		want    string
	}{
		{"other region", nil, "us-east-1", nil, false, `tenant "acme": region: the aws provider passed in is for region "us-east-1", not "eu-west-1"`},
		{"own account for another's tenant", nil, "eu-west-1", func(a *TenantStackArgs) { a.Account = other },
			false, `tenant "acme": account: the aws provider passed in is for the deployer's own account, not account 210987654321`},
		{"another account for an own tenant", other, "eu-west-1", nil, false,
			`tenant "acme": account: the aws provider passed in is for account 210987654321, not the deployer's own account`},
		{"shared, other region", nil, "us-east-1", nil, true, `region: the aws provider passed in is for region "us-east-1", not "eu-west-1"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := validArgs()
			if c.edit != nil {
				c.edit(&a)
			}
			cloud, err := mockcloud.Run(func(ctx *pulumi.Context) error {
				p, err := NewAccountProvider(ctx, c.account, c.region)
				if err != nil {
					return err
				}
				a.Provider = p
				if c.shared {
					_, err = NewRegionShared(ctx, &SharedArgs{Region: a.Region, Provider: p, Table: true})
					return err
				}
				_, err = NewTenantStack(ctx, "acme", &a)
				return err
			}, mockcloud.Options{Project: "lib", Stack: "test"})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("want %q, got %v", c.want, err)
			}
			for _, r := range cloud.Resources() {
				if r.Type != "pulumi:pulumi:Stack" && r.Type != "pulumi:providers:aws" {
					t.Errorf("registered %s %s", r.Type, r.Name)
				}
			}
		})
	}
}

// TestForeignProviderIsStillRefusedLate: a provider the package did not
// make has a region known only once registered; the wrong one still fails
// the program, after the children are registered (the documented limit).
func TestForeignProviderIsStillRefusedLate(t *testing.T) {
	a := validArgs()
	cloud, err := mockcloud.Run(func(ctx *pulumi.Context) error {
		p, err := aws.NewProvider(ctx, "mine", &aws.ProviderArgs{Region: pulumi.String("us-east-1")})
		if err != nil {
			return err
		}
		a.Provider = p
		_, err = NewTenantStack(ctx, "acme", &a)
		return err
	}, mockcloud.Options{Project: "lib", Stack: "test"})
	want := `tenant "acme": region: the aws provider passed in is for region "us-east-1", not "eu-west-1"`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("want %q, got %v", want, err)
	}
	if _, ok := cloud.Find(TypeToken, "acme"); !ok {
		t.Error("the tenant was not registered: the limit is gone, update the Provider doc")
	}
}
