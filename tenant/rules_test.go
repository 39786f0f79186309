package tenant

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"github.com/amplify-tenancy/tenancy/internal/awsrules"
)

// problems validates args and returns each problem's message by field.
func problems(t *testing.T, a TenantStackArgs) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, e := range Unjoin(a.Validate()) {
		var fe *FieldError
		if !errors.As(e, &fe) {
			t.Fatalf("problem %v is not a FieldError", e)
		}
		if strings.HasSuffix(fe.Err.Error(), ".") || fe.Err.Error() != strings.ToLower(fe.Err.Error()[:1])+fe.Err.Error()[1:] {
			t.Errorf("%s: %q must start lower-case and not end with a period", fe.Field, fe.Err)
		}
		out[fe.Field] = fe.Err.Error()
	}
	return out
}

// fake builds a credential-shaped test value at run time, so the source
// holds no string a secret scanner would flag.
// wantAccepted checks that each value, set on valid args by set, gives no
// problem at all.
func wantAccepted(t *testing.T, what string, values []string, set func(a *TenantStackArgs, v string)) {
	t.Helper()
	for _, v := range values {
		t.Run(v, func(t *testing.T) {
			a := validArgs()
			set(&a, v)
			if p := problems(t, a); len(p) != 0 {
				t.Errorf("want %s %q accepted, got %v", what, v, p)
			}
		})
	}
}

func fake(prefix string, n int) string { return prefix + strings.Repeat("a1B2", n/4+1)[:n] }

func jwt(claims string) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"HS256","typ":"JWT"}`)) + "." + enc([]byte(claims)) + "." + fake("", 43)
}

func TestSecretLookingVariableNames(t *testing.T) {
	refused := []string{
		"DB_PASSWORD", "DB_PASS", "DB_PWD", "MYSQL_PWD", "DB_PW", "PWD", "SMTP_PASS", "dbPassword", "dbPass", "DBPASSWORD",
		"SMTP_PASSPHRASE", "GITHUB_PAT", "gitlabPat", "CLIENT_SECRET", "STRIPE_SECRET_KEY", "SECRET_KEY_BASE", "NEXTAUTH_SECRET",
		"AUTH_TOKEN", "ID_TOKEN", "githubAccessToken", "GITHUBTOKEN", "GOOGLE_APPLICATION_CREDENTIALS", "DB_CREDS",
		"PRIVATE_KEY", "JWT_PRIVATE_KEY", "privateKey", "STRIPE_API_KEY", "apiKey", "APIKEY", "OPENAI_KEY", "SSH_KEY",
		"SIGNING_KEYS", "ACCESS_KEY", "ENCRYPTION_KEY_BASE64", "KEY", "AUTH_SALT",
		// A browser-public prefix excuses a key, never a secret or token.
		"NEXT_PUBLIC_STRIPE_SECRET", "NEXT_PUBLIC_GITHUB_TOKEN", "VITE_DB_PASSWORD", "NEXT_PUBLIC_JWT_PRIVATE_KEY",
	}
	accepted := []string{
		"PASSPORT_ENABLED", "BYPASS_CACHE", "PASS_THROUGH", "COMPASS_URL", "PW_TEST_HTML_REPORT_OPEN", "SALT_ROUNDS",
		"PASSWORDLESS_LOGIN", "TOKENIZER_MODEL", "MAX_TOKENS", "OPENAI_MAX_OUTPUT_TOKENS", "TOKEN_TTL", "OAUTH_TOKEN_URL",
		"PASSWORD_MIN_LENGTH", "DB_SECRET_ARN", "DB_SECRET_NAME", "KMS_KEY_ID", "KEY_PREFIX", "CACHE_KEY", "SORT_KEY",
		"IDEMPOTENCY_KEY", "PRIVATE_KEY_PATH", "JWT_PUBLIC_KEY", "STRIPE_PUBLISHABLE_KEY", "SUPABASE_ANON_KEY",
		"NEXT_PUBLIC_FIREBASE_API_KEY", "VITE_MAPS_API_KEY", "KEYCLOAK_REALM", "MONKEY_MODE", "FEATURE_FLAGS", "SENTRY_DSN",
	}
	for _, name := range refused {
		t.Run(name, func(t *testing.T) {
			a := validArgs()
			a.EnvironmentVariables = map[string]string{name: "x"}
			if msg := problems(t, a)["environment."+name]; !strings.HasPrefix(msg, "looks like a secret") {
				t.Errorf("want environment.%s refused as a secret, got %q", name, msg)
			}
		})
	}
	wantAccepted(t, "variable name", accepted, func(a *TenantStackArgs, name string) { a.EnvironmentVariables = map[string]string{name: "x"} })
}

func TestSecretLookingVariableValues(t *testing.T) {
	refused := []struct{ kind, value string }{
		{"GitHub", fake("ghp_", 36)},
		{"GitHub", fake("gho_", 36)},
		{"GitHub", fake("ghu_", 36)},
		{"GitHub", fake("ghs_", 36)},
		{"GitHub", fake("ghr_", 36)},
		{"GitHub", fake("github_pat_", 82)},
		{"GitHub", "Bearer " + fake("ghp_", 36)},
		{"GitLab", fake("glpat-", 20)},
		{"Slack", fake("xoxb-123456789012-", 40)},
		{"Slack", fake("xoxp-123456789012-", 40)},
		{"Slack", fake("xapp-1-A0123456789-1234567890123-", 40)},
		{"Slack", "https://hooks.slack.com/services/" + fake("T", 8) + "/" + fake("B", 8) + "/" + fake("", 24)},
		{"Stripe", fake("sk_live_", 24)},
		{"Stripe", fake("rk_live_", 24)},
		{"Stripe", fake("sk_test_", 24)},
		{"Stripe", fake("whsec_", 32)},
		{"npm", fake("npm_", 36)},
		{"OpenAI", fake("sk-proj-", 48)},
		{"AWS", "AKIA" + strings.ToUpper(fake("", 16))},
		{"AWS", "ASIA" + strings.ToUpper(fake("", 16))},
		{"private key", "-----BEGIN RSA PRIVATE KEY-----\n" + fake("MII", 60)},
		{"private key", "-----BEGIN OPENSSH PRIVATE KEY-----"},
		{"private key", "-----BEGIN PRIVATE KEY-----"},
		{"private key", "-----BEGIN PGP PRIVATE KEY BLOCK-----"},
		{"JSON Web Token", jwt(`{"role":"service_role","iss":"supabase"}`)},
		{"JSON Web Token", jwt(`{"sub":"1234567890","name":"ci"}`)},
		{"password in a URL", "postgres://user:pass@host/db"},
		{"password in a URL", "redis://:hunter2@cache:6379/0"},
		{"password in a URL", "mongodb+srv://app:hunter2@cluster0.example.net/shop"},
		{"password in a URL", "https://deploy:hunter2@registry.example.com/"},
		{"password in a connection string", "Server=db;User Id=app;Password=hunter2;"},
		{"password in a connection string", "jdbc:postgresql://db/shop?user=app&password=hunter2"},
	}
	accepted := []string{
		"beta-dashboard", "https://example.com:8080/path", "postgres://db.example.com:5432/shop", "ops@example.com",
		"https://" + fake("", 32) + "@o1.ingest.sentry.io/1", // a Sentry DSN: a public key, no password
		fake("pk_live_", 24),                    // a Stripe publishable key
		jwt(`{"role":"anon","iss":"supabase"}`), // a Supabase anon key
		"AIza" + fake("", 35),                   // a Firebase web key: public by design
		"xapp-config-for-production", "xoxb-", "sk-SK", "AKIA", "ghp_x", "eyJ", "-----BEGIN PUBLIC KEY-----", "password=", "the password is in Secrets Manager",
	}
	for _, c := range refused {
		t.Run(c.kind, func(t *testing.T) {
			a := validArgs()
			a.EnvironmentVariables = map[string]string{"CONFIG": c.value}
			err := a.Validate()
			msg := problems(t, a)["environment.CONFIG"]
			if !strings.Contains(msg, "looks like a secret") || !strings.Contains(msg, c.kind) {
				t.Errorf("want environment.CONFIG refused as %s, got %q", c.kind, msg)
			}
			if err != nil && (strings.Contains(err.Error(), c.value) || strings.Contains(err.Error(), "hunter2") || strings.Contains(err.Error(), fake("", 16))) {
				t.Errorf("error echoes the secret: %v", err)
			}
		})
	}
	wantAccepted(t, "variable value", accepted, func(a *TenantStackArgs, v string) { a.EnvironmentVariables = map[string]string{"CONFIG": v} })
}

func TestSecretInBuildSpec(t *testing.T) {
	a := validArgs()
	a.BuildSpec = "version: 1\nfrontend:\n  phases:\n    preBuild:\n      commands:\n        - git clone https://ci:hunter2@git.example.com/x/y\n"
	if msg := problems(t, a)["buildSpec"]; !strings.Contains(msg, "password in a URL") || strings.Contains(msg, "hunter2") {
		t.Errorf("want buildSpec refused without the password, got %q", msg)
	}
	a.BuildSpec = "version: 1\nfrontend:\n  phases:\n    build:\n      commands:\n        - npm run build\n"
	if p := problems(t, a); len(p) != 0 {
		t.Errorf("want a plain build spec accepted, got %v", p)
	}
}

func TestReservedVariablesInAnyCase(t *testing.T) {
	cases := []struct {
		name, want string
	}{
		{"tenantConfig", "set by tenancy"},
		{"TENANTCONFIG", "set by tenancy"},
		{"TenantConfig", "set by tenancy"},
		{"tenantconfig", "set by tenancy"},
		{"TENANCY_TABLE_NAME", "tenancy sets itself"},
		{"tenancy_table_name", "tenancy sets itself"},
		{"Tenancy_Anything", "tenancy sets itself"},
		{"AWS_REGION", "reserved by Amplify"},
		{"aws_region", "reserved by Amplify"},
		{"AwsRegion", "reserved by Amplify"},
		{"AWSREGION", "reserved by Amplify"},
		{"AMPLIFY_DIFF_DEPLOY", "reserved by Amplify"},
		{"amplify_diff_deploy", "reserved by Amplify"},
		{"MY_AWS_REGION", ""},
		{"TENANCYX", ""},
		{"AMPLIFYX", ""},
		{"MY_TENANT_CONFIG", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := validArgs()
			a.EnvironmentVariables = map[string]string{c.name: "x"}
			p := problems(t, a)
			if msg := p["environment."+c.name]; c.want == "" && len(p) != 0 || c.want != "" && !strings.Contains(msg, c.want) {
				t.Errorf("want %q, got %v", c.want, p)
			}
			// One rule: whatever Amplify refuses (awsrules), tenancy refuses.
			amplifyRefuses := len(awsrules.Check("aws:amplify/app:App", map[string]any{
				"environmentVariables": map[string]any{c.name: "x"}, "repository": "https://github.com/o/r", "accessToken": "t",
			})) != 0
			if amplifyRefuses && len(p) == 0 {
				t.Errorf("Amplify refuses %s but tenancy accepts it", c.name)
			}
		})
	}
}

func TestBranchNamesGitRefuses(t *testing.T) {
	refused := []string{
		"", "-x", "--force", "x.lock", "feature/x.lock", "feature/x.lock/y", ".hidden", "feature/.x", "a..b", "a@{1}", "@", "HEAD",
		`a\b`, "a\tb", "a\nb", "a\x00b", "a\x7fb", "a b", "a~1", "a^", "a:b", "a?", "a*", "a[b", "x/", "/x", "a//b", "x.",
		strings.Repeat("a", 256),
		"a@b", "@x", "é", "a+b", // git allows these; tenancy's character set does not
	}
	accepted := []string{"main", "develop", "feature/x", "release-1.2", "feature/longest-branch-name", "x.lockfile", "a.b/c_d",
		"lock.x", "v1.0.0", "a/b/c", strings.Repeat("a", 255)}
	for _, b := range refused {
		t.Run(b, func(t *testing.T) {
			a := validArgs()
			a.Branch = b
			msg := problems(t, a)["branch"]
			if !strings.Contains(msg, "is not a valid git branch name") {
				t.Errorf("want branch %q refused, got %q", b, msg)
			}
			if strings.ContainsAny(msg, "\x00\t\n\x7f") {
				t.Errorf("message %q holds a raw control character", msg)
			}
		})
	}
	wantAccepted(t, "branch", accepted, func(a *TenantStackArgs, b string) { a.Branch = b })
}

func TestDisplayNames(t *testing.T) {
	refused := []struct{ name, want string }{
		{"", "is required"},
		{" \t", "is required"},
		{"Acme\nCorp", "U+000A"},
		{"Acme\r\nCorp", "U+000D"},
		{"Acme\tCorp", "U+0009"},
		{"\x1b[31mAcme\x1b[0m", "U+001B"},
		{"Acme\x00", "U+0000"},
		{"Acme\x7f", "U+007F"},
		{"Acme\u0085Corp", "U+0085"}, // C1 next line
		{"Acme\u009b2J", "U+009B"},   // C1 control sequence introducer
		{"Acme\u2028Corp", "U+2028"}, // line separator
		{"\u202eemcA", "U+202E"},     // right-to-left override
		{"Acme\xff\xfe", "UTF-8"},
		{strings.Repeat("a", 256), "256 characters"},
		{strings.Repeat("é", 256), "256 characters"},
	}
	accepted := []string{
		"Acme Corporation", "Zoë's Café", "株式会社アクメ", "می\u200cخواهم", "\U0001F468\u200d\U0001F469\u200d\U0001F467 Family",
		strings.Repeat("a", 255), strings.Repeat("é", 255), strings.Repeat("日", 255), // 255 characters, up to 765 bytes
	}
	for _, c := range refused {
		t.Run(c.want, func(t *testing.T) {
			a := validArgs()
			a.DisplayName = c.name
			msg := problems(t, a)["name"]
			if !strings.Contains(msg, c.want) {
				t.Errorf("want name %q refused with %q, got %q", c.name, c.want, msg)
			}
			if strings.ContainsAny(msg, "\x1b\n\r\u2028\u202e") {
				t.Errorf("message %q holds a raw control character", msg)
			}
		})
	}
	wantAccepted(t, "display name", accepted, func(a *TenantStackArgs, n string) { a.DisplayName = n })
}

func TestRepositoryURLs(t *testing.T) {
	token := fake("ghp_", 36)
	refused := []struct{ url, want string }{
		{"", "must be an https:// repository URL"},
		{"http://github.com/o/r", "must be an https:// repository URL"},
		{"git@github.com:o/r", `"git@github.com:o/r" must be an https:// repository URL`},
		{"ssh://git@github.com/o/r", `"ssh://***@github.com/o/r" must be an https://`},
		{"https:github.com/o/r", "must be an https:// repository URL"},
		{"https:///o/r", "must name a host"},
		{"https://github.com", "must name a repository as https://github.com/<owner>/<name>"},
		{"https://github.com/", "must name a repository"},
		{"https://github.com/o", "must name a repository"},
		{"https://github.com/o/", "must name a repository"},
		{"https://github.com/o/r/", "must name a repository"},
		{"https://github.com/o//r", "must name a repository"},
		{"https://github.com/o/r/tree/main", "must name a repository"},
		{"https://bitbucket.org/o/r/src", "must name a repository"},
		{"https://github.com/o/..", "must name a repository"},
		{"https://github.com/o/.git", "must name a repository"},
		{"https://github.com/o/r%20x", "must name a repository"},
		{"https://github.com/o/r x", "must name a repository"},
		{"https://user:hunter2@github.com/o/r", `"https://***@github.com/o/r" must not carry credentials`},
		{"https://" + token + "@github.com/o/r", `"https://***@github.com/o/r" must not carry credentials`},
		{"https://x-access-token:" + token + "@github.com/o/r", `"https://***@github.com/o/r" must not carry credentials`},
		{"https://user@github.com/o/r", `"https://***@github.com/o/r" must not carry credentials`},
		{"user:hunter2@github.com/o/r", `"***@github.com/o/r" must be an https://`},
		{"https://github.com/o/r?access_token=hunter2", `"https://github.com/o/r?***" must not have a query or a fragment`},
		{"https://github.com/o/r?", "must not have a query"},
		{"https://github.com/o/r#readme", `"https://github.com/o/r#***" must not have a query or a fragment`},
		{"https://github.com/" + token + "/r", "not shown"},
	}
	accepted := []string{
		"https://github.com/example/app", "https://github.com/amplify-tenancy/storefront.git", "https://GitHub.com/o/r",
		"https://gitlab.com/group/sub/project", "https://gitlab.com/group/project.git", "https://bitbucket.org/o/r",
		"https://git-codecommit.us-east-1.amazonaws.com/v1/repos/app",
	}
	for _, c := range refused {
		t.Run(c.url, func(t *testing.T) {
			a := validArgs()
			a.Repository = c.url
			msg := problems(t, a)["repository"]
			if !strings.Contains(msg, c.want) {
				t.Errorf("want %q, got %q", c.want, msg)
			}
			if strings.Contains(msg, "hunter2") || strings.Contains(msg, token) {
				t.Errorf("message %q echoes a credential", msg)
			}
		})
	}
	wantAccepted(t, "repository", accepted, func(a *TenantStackArgs, u string) { a.Repository = u })
}

func TestInstanceClassShape(t *testing.T) {
	refused := []string{"db.", "db", "r6g.large", "db.r6g", "db.r6g.", "db..large", "db.r6g.large.x", "DB.R6G.LARGE",
		"db.r6g large", "db.r6g.0", "db.large", "db.serverless2", " db.r6g.large"}
	accepted := []string{"db.r6g.large", "db.t4g.medium", "db.x2iedn.24xlarge", "db.r7i.48xlarge", "db.r6gd.xlarge",
		"db.r5b.8xlarge", "db.m5.large"}
	for _, c := range refused {
		t.Run(c, func(t *testing.T) {
			a := validArgs()
			a.Database = DatabaseArgs{Engine: EngineAuroraPostgreSQL, InstanceClass: c}
			if msg := problems(t, a)["database.instanceClass"]; !strings.Contains(msg, "must be db.serverless or a provisioned class") {
				t.Errorf("want instance class %q refused, got %q", c, msg)
			}
		})
	}
	wantAccepted(t, "instance class", accepted, func(a *TenantStackArgs, c string) {
		a.Database = DatabaseArgs{Engine: EngineAuroraPostgreSQL, InstanceClass: c}
	})
	for _, c := range accepted {
		t.Run(c, func(t *testing.T) {
			// The stand-in checks apply the same rule to what is registered.
			if errs := awsrules.Check("aws:rds/clusterInstance:ClusterInstance", map[string]any{"instanceClass": c}); len(errs) != 0 {
				t.Errorf("awsrules refuses %q: %v", c, errs)
			}
		})
	}
}

// TestSharedAndOwnProblemsSplitValidate: ValidateShared and ValidateOwn
// together find exactly what Validate finds, and never the same field, so
// a loader checking shared settings once and tenants one by one misses
// nothing and repeats nothing.
func TestSharedAndOwnProblemsSplitValidate(t *testing.T) {
	a := TenantStackArgs{
		DisplayName: "", Region: "mars-1", Environment: "prod", Production: new(true), Tier: "gold", Status: "gone",
		Repository: "http://x", Branch: "a..b", Platform: "IOS", BuildSpec: fake("ghp_", 36),
		EnvironmentVariables: map[string]string{"AWS_X": "y"}, Domain: "Not A Domain",
		BasicAuth: &BasicAuthArgs{Username: "a b"},
		Database:  DatabaseArgs{Engine: EngineAuroraPostgreSQL, EngineVersion: "16.1"},
		Backup:    &BackupArgs{Schedule: "daily"},
	}
	fields := func(err error) map[string]bool {
		out := map[string]bool{}
		for _, e := range Unjoin(err) {
			var fe *FieldError
			if !errors.As(e, &fe) {
				t.Fatalf("%v is not a FieldError", e)
			}
			out[fe.Field] = true
		}
		return out
	}
	all, shared, own := fields(a.Validate()), fields(a.ValidateShared()), fields(a.ValidateOwn())
	if len(shared) == 0 || len(own) == 0 {
		t.Fatalf("want problems from both halves, got shared %v, own %v", shared, own)
	}
	for f := range shared {
		if own[f] {
			t.Errorf("%s is checked by both ValidateShared and ValidateOwn", f)
		}
	}
	for f := range all {
		if !shared[f] && !own[f] {
			t.Errorf("Validate finds %s, neither half does", f)
		}
	}
	if len(all) != len(shared)+len(own) {
		t.Errorf("Validate finds %d fields, the halves %d and %d", len(all), len(shared), len(own))
	}
}
