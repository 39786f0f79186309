package plan

import (
	"testing"

	"github.com/amplify-tenancy/tenancy/internal/mockcloud"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

func TestRenderHidesSecretsAndMarksUnknowns(t *testing.T) {
	str := resource.NewProperty[string]
	cases := []struct {
		name string
		v    resource.PropertyValue
		want string
	}{
		{"string", str("us-east-1"), "us-east-1"},
		{"bool", resource.NewProperty(true), "true"},
		{"number", resource.NewProperty(0.5), "0.5"},
		{"secret", resource.MakeSecret(str("ghp_token")), Secret},
		{"secret object", resource.MakeSecret(resource.NewProperty(resource.PropertyMap{"a": str("b")})), Secret},
		{"computed", resource.MakeComputed(str("")), Computed},
		{"unknown output", resource.NewProperty(resource.Output{Known: false}), Computed},
		{"secret output", resource.NewProperty(resource.Output{Known: true, Secret: true, Element: str("x")}), Secret},
		{"known output", resource.NewProperty(resource.Output{Known: true, Element: str("x")}), "x"},
		{"built from an unknown", str("arn:" + mockcloud.Unknown + "/key"), Computed},
		{"list", resource.NewProperty([]resource.PropertyValue{str("a"), resource.MakeSecret(str("b"))}), "[a, " + Secret + "]"},
		{"object", resource.NewProperty(resource.PropertyMap{"z": str("1"), "a": str("2")}), "{a: 2, z: 1}"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Render(c.v); got != c.want {
				t.Errorf("Render = %q, want %q", got, c.want)
			}
		})
	}
}

func TestKeyInputsFollowNestedPaths(t *testing.T) {
	inputs := resource.PropertyMap{
		"billingMode":         resource.NewProperty("PAY_PER_REQUEST"),
		"pointInTimeRecovery": resource.NewProperty(resource.PropertyMap{"enabled": resource.NewProperty(true)}),
		"tags":                resource.NewProperty(resource.PropertyMap{"tenant": resource.NewProperty("acme")}),
	}
	got := keyInputs("aws:dynamodb/table:Table", inputs)
	want := map[string]string{"billingMode": "PAY_PER_REQUEST", "pointInTimeRecovery.enabled": "true"}
	if len(got) != len(want) {
		t.Fatalf("keyInputs = %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
}
