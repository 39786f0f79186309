package plan

import (
	"encoding/base64"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/amplify-tenancy/tenancy/internal/mockcloud"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

func TestKeyInputsHideCredentials(t *testing.T) {
	str := resource.NewProperty[string]
	encoded := base64.StdEncoding.EncodeToString([]byte("preview:hunter2S3cret"))
	cases := []struct {
		name, typ string
		inputs    resource.PropertyMap
		want      map[string]string
	}{
		{"plain access token", "aws:amplify/app:App",
			resource.PropertyMap{"accessToken": str("ghp_plainS3cret"), "name": str("dev-acme")},
			map[string]string{"accessToken": Secret, "name": "dev-acme"}},
		{"credential in the repository URL", "aws:amplify/app:App",
			resource.PropertyMap{"repository": str("https://x-access-token:ghp_urlS3cret@github.com/o/r")},
			map[string]string{"repository": "https://[redacted]@github.com/o/r"}},
		{"token as the URL's user", "aws:amplify/app:App",
			resource.PropertyMap{"repository": str("https://ghp_urlS3cret@github.com/o/r")},
			map[string]string{"repository": "https://[redacted]@github.com/o/r"}},
		{"plain encoded basic auth", "aws:amplify/branch:Branch",
			resource.PropertyMap{"basicAuthCredentials": str(encoded), "branchName": str("main")},
			map[string]string{"basicAuthCredentials": Secret, "branchName": "main"}},
		{"plain master password", "aws:rds/cluster:Cluster",
			resource.PropertyMap{"masterPassword": str("hunter2S3cret")},
			map[string]string{"masterPassword": Secret}},
		{"plain secret string", "aws:secretsmanager/secretVersion:SecretVersion",
			resource.PropertyMap{"secretString": str(`{"password":"hunter2S3cret"}`)},
			map[string]string{"secretString": Secret}},
		{"unknown credential", "aws:rds/cluster:Cluster",
			resource.PropertyMap{"masterPassword": resource.MakeComputed(str(""))},
			map[string]string{"masterPassword": Computed}},
		{"credential in a list", "aws:backup/selection:Selection",
			resource.PropertyMap{"resources": resource.NewProperty([]resource.PropertyValue{str("https://u:p4ssS3cret@h/x")})},
			map[string]string{"resources": "[https://[redacted]@h/x]"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := keyInputs(c.typ, c.inputs)
			if len(got) != len(c.want) {
				t.Errorf("keyInputs = %v, want %v", got, c.want)
			}
			for k, v := range c.want {
				if got[k] != v {
					t.Errorf("%s = %q, want %q", k, got[k], v)
				}
			}
			for _, v := range got {
				for _, s := range []string{"S3cret", encoded} {
					if strings.Contains(v, s) {
						t.Errorf("a secret shows: %q", v)
					}
				}
			}
		})
	}
}

// injected is a plan whose every name and value tries to forge a line, a
// column, a label or a terminal sequence.
func injected() *Plan {
	res := func(typ, name string, inputs map[string]string) Resource {
		return Resource{Type: typ, Name: name, URN: "urn:" + name, Inputs: inputs}
	}
	return &Plan{
		Stack: "dev\nregion forged",
		Regions: []Region{{
			Name:      "us-east-1\x1b[2K",
			Providers: []Resource{res("pulumi:providers:aws", "aws-us-east-1\r", map[string]string{"region": "us-east-1\n  tenant forged"})},
			Shared:    []Resource{res("aws:ec2/vpc:Vpc", "vpc\t\tcolumn", nil)},
			Tenants: []Tenant{{ID: "acme\n\n  tenant forged", Resources: []Resource{
				res("aws:amplify/app:App", "acme-app\u2028forged", map[string]string{"name": "a\"b<c>`d#e", "repository": "https://github.com/o/r\nno"}),
				res("aws:amplify/branch:Branch", "acme-main", map[string]string{"branchName": "main\"] --> x[\"<img src=x>`"}),
			}}},
		}},
		Other: []Resource{res("pulumi:pulumi:StackReference", "tenancy/dev\n  provider forged", nil)},
	}
}

func TestTableKeepsEveryValueOnItsLine(t *testing.T) {
	var b strings.Builder
	if err := injected().WriteTable(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	intro := true // the summary and the legend, up to the first blank line
	rows := regexp.MustCompile(`^(region \S.*|outside any region or tenant|  provider \S.*|  shared by its tenants|  tenant \S.*|    \S.*|      +\S.*|)$`)
	for i, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if strings.ContainsFunc(l, func(r rune) bool { return r < 0x20 || r == 0x7f || r == '\u2028' }) {
			t.Errorf("line %d holds a control character: %q", i+1, l)
		}
		if utf8.RuneCountInString(l) > 80 {
			t.Errorf("line %d is wider than 80 columns: %q", i+1, l)
		}
		intro = intro && l != ""
		if i == 0 && !strings.HasPrefix(l, "stack ") || !intro && !rows.MatchString(l) {
			t.Errorf("line %d is not one the table writes: %q\n%s", i+1, l, out)
		}
		if strings.Contains(l, "forged") && !strings.Contains(l, `\n`) && !strings.Contains(l, `\u2028`) {
			t.Errorf("line %d: a forged line escaped: %q", i+1, l)
		}
	}
	for _, want := range []string{`stack "dev\nregion forged": 1 tenant in 1 region, 5 resources`, `region "us-east-1\x1b[2K"`, `tenant "acme\n\n  tenant forged"`,
		`"vpc\t\tcolumn"`, `repository="https://github.com/o/r\nno"`, `tenancy/dev\n  provider forged`} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
}

func TestMermaidLabelsHoldTheirValues(t *testing.T) {
	var b strings.Builder
	if err := injected().WriteMermaid(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for i, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if i > 0 && !strings.HasPrefix(l, "  ") || i == 0 && l != "flowchart LR" {
			t.Errorf("line %d is not one the drawing writes: %q\n%s", i+1, l, out)
		}
		if strings.Count(l, `"`)%2 != 0 || strings.Count(l, `"`) > 2 {
			t.Errorf("line %d: a label does not hold its value: %q", i+1, l)
		}
		if strings.ContainsAny(strings.ReplaceAll(strings.ReplaceAll(l, "<br/>", ""), " --> ", ""), "<>`") {
			t.Errorf("line %d holds HTML or a backtick: %q", i+1, l)
		}
	}
	for _, want := range []string{`stack #34;dev\nregion forged#34;`, `main#34;] --#62; x[#34;#60;img src=x#62;#96;`} {
		if !strings.Contains(out, want) {
			t.Errorf("drawing lacks %q:\n%s", want, out)
		}
	}
}

func TestBuildRedactsWarnings(t *testing.T) {
	p := Build("dev", []string{"repository: https://u:p4ssS3cret@h/x is odd"}, &mockcloud.Cloud{})
	if len(p.Warnings) != 1 || strings.Contains(p.Warnings[0], "S3cret") {
		t.Errorf("warnings = %q", p.Warnings)
	}
}
