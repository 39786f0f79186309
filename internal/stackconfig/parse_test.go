package stackconfig

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/amplify-tenancy/tenancy/tenant"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// TestStackWideProblemsAreReportedOnce: a bad shared setting is one
// problem, named by its stack key and no tenant, however many tenants
// share it (two here, none when the tenants list is missing); a tenant's
// own branch is its own problem.
func TestStackWideProblemsAreReportedOnce(t *testing.T) {
	twoTenants := `[{"id":"one","name":"One","region":"eu-west-1","branch":"release"},
	                {"id":"two","name":"Two","region":"eu-west-1","status":"offboarded"}]`
	cases := []struct {
		name    string
		values  map[string]string
		secrets []string // set as secrets; accessToken unless listed as unset
		unset   bool     // accessToken not set
		want    string
		notWant string
	}{
		{"bad repository", map[string]string{KeyRepository: "git@github.com:x/y"}, nil, false, `repository: "git@github.com:x/y" must be an https:// repository URL`, `tenant "`},
		{"bad stack branch, tenant has its own good one", map[string]string{KeyBranch: "a b"}, nil, false, `branch: "a b" is not a valid git branch name`, `tenant "`},
		{"tenant's own bad branch", map[string]string{KeyTenants: `[{"id":"one","name":"One","region":"eu-west-1","branch":"x..y"}]`}, nil, false, `tenant "one": branch: "x..y"`, ""},
		{"bad environment", map[string]string{KeyEnvironment: "Prod"}, nil, false, `environment: "Prod" must be a lower-case name`, `tenant "`},
		{"secret in the build spec", map[string]string{KeyBuildSpec: "token: ghp_0123456789abcdefghij0123456789abcdef"}, nil, false, "buildSpec: holds what looks like a secret", `tenant "`},
		{"missing access token", nil, nil, true, "accessToken: is required", `tenant "`},
		{"basic auth without a password", map[string]string{KeyEnvironment: "dev", KeyBasicAuth: "true"}, nil, false, "basicAuthPassword: is required", `tenant "`},
		{"bad basic-auth user", map[string]string{KeyEnvironment: "dev", KeyBasicAuth: "true", KeyBasicAuthUsername: "a b"}, []string{KeyBasicAuthPassword}, false, `basicAuthUsername: "a b" must be 1 to 64`, `tenant "`},
		// The library and the stack agree: basic auth is refused in prod
		// whatever the tenants' status (both here are not active).
		{"basic auth in prod", map[string]string{KeyBasicAuth: "true", KeyTenants: `[{"id":"one","name":"One","region":"eu-west-1","status":"suspended"},{"id":"two","name":"Two","region":"eu-west-1","status":"offboarded"}]`}, []string{KeyBasicAuthPassword}, false, "basicAuth: is for non-production environments", `tenant "`},
		{"bad repository, no tenants listed", map[string]string{KeyRepository: "http://github.com/x/y", KeyTenants: ""}, nil, false, `repository: "http://github.com/x/y" must be an https:// repository URL`, `tenant "`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			values := map[string]string{KeyRepository: "https://github.com/example/app", KeyTenants: twoTenants}
			maps.Copy(values, c.values)
			src := mapSource(values)
			secrets := c.secrets
			if !c.unset {
				secrets = append(secrets, KeyAccessToken)
			}
			src.Secret = func(key string) pulumi.StringInput {
				if slices.Contains(secrets, key) {
					return pulumi.ToSecret(pulumi.String("s3cret-value")).(pulumi.StringOutput)
				}
				return nil
			}
			_, err := Parse(src)
			if err == nil {
				t.Fatal("want an error")
			}
			if n := strings.Count(err.Error(), c.want); n != 1 {
				t.Errorf("%q appears %d times, want once:\n%v", c.want, n, err)
			}
			for _, e := range tenant.Unjoin(err) {
				if strings.Contains(e.Error(), c.want) && c.notWant != "" && strings.Contains(e.Error(), c.notWant) {
					t.Errorf("the problem names a %s: %v", c.notWant, e)
				}
			}
		})
	}
}
