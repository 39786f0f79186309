package tenanttest_test

import (
	"testing"

	"github.com/amplify-tenancy/tenancy/tenant"
	"github.com/amplify-tenancy/tenancy/tenant/tenanttest"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// program deploys one tenant through a shared provider for region.
func program(region string) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		p, err := tenant.NewRegionProvider(ctx, region)
		if err != nil {
			return err
		}
		_, err = tenant.NewTenantStack(ctx, "acme", &tenant.TenantStackArgs{
			DisplayName: "Acme", Region: region, Environment: "dev",
			Repository: "https://github.com/example/storefront", Branch: "main",
			AccessToken: pulumi.ToSecret(pulumi.String("token")).(pulumi.StringOutput), Provider: p,
		})
		return err
	}
}

// TestLookups: each lookup finds what the program registered and nothing
// else.
func TestLookups(t *testing.T) {
	cloud, err := tenanttest.Run(program("eu-west-1"), tenanttest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	component, ok := cloud.Find(tenant.TypeToken, "acme")
	if !ok {
		t.Fatal("no TenantStack acme")
	}
	app, _ := cloud.Find("aws:amplify/app:App", "acme-app")
	cases := []struct {
		name      string
		got, want any
	}{
		{"one provider", len(cloud.ByType("pulumi:providers:aws")), 1},
		{"one app", len(cloud.ByType("aws:amplify/app:App")), 1},
		{"no such type", len(cloud.ByType("aws:s3/bucket:Bucket")), 0},
		{"app's parent", app.Parent, component.URN},
		{"app's region", cloud.Region(app.Provider), "eu-west-1"},
		{"app's name input", app.Input("name"), "dev-acme"},
		{"secret input unwrapped", app.Input("accessToken"), "token"},
		{"not a string", app.Input("environmentVariables"), ""},
		{"app among the children", contains(cloud.Children(component.URN), app.URN), true},
		{"every URN listed", len(cloud.URNs()), len(cloud.Resources())},
		{"default stack", component.URN, "urn:pulumi:test::test::" + tenant.TypeToken + "::acme"},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("%s: got %v, want %v", c.name, c.got, c.want)
		}
	}
	if _, ok := cloud.Find("aws:amplify/app:App", "globex-app"); ok {
		t.Error("found an app nobody registered")
	}
}

// TestPreviewLeavesComputedOutputsUnknown: in a preview the provider's
// outputs are Unknown; in an update they are known.
func TestPreviewLeavesComputedOutputsUnknown(t *testing.T) {
	for _, preview := range []bool{false, true} {
		cloud, err := tenanttest.Run(program("us-east-1"), tenanttest.Options{Preview: preview})
		if err != nil {
			t.Fatal(err)
		}
		key, _ := cloud.Find("aws:kms/key:Key", "acme-key")
		arn := key.Outputs["arn"].StringValue()
		if tenanttest.IsUnknown(arn) != preview {
			t.Errorf("preview %v: key ARN %q", preview, arn)
		}
	}
}

func contains(rs []tenanttest.Resource, urn string) bool {
	for _, r := range rs {
		if r.URN == urn {
			return true
		}
	}
	return false
}
