package secretrules

import (
	"strings"
	"testing"
)

// The rules other packages refuse and redact by; their callers' tests
// cover them in context (tenant variables, stack files, diff).
func TestIsSecretName(t *testing.T) {
	for name, want := range map[string]bool{
		"DB_PASSWORD": true, "githubAccessToken": true, "secretKey": true, "token": true, "accessKey": true, "PRIVATE_KEY": true,
		"DB_PASS": true, "GITHUB_PAT": true,
		"region": false, "profile": false, "PASS_THROUGH": false, "CACHE_KEY": false, "SECRET_ARN": false, "MAX_TOKENS": false,
		"NEXT_PUBLIC_API_KEY": false, "defaultTags": false,
	} {
		if got := IsSecretName(name); got != want {
			t.Errorf("IsSecretName(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestValueKind(t *testing.T) {
	for v, want := range map[string]string{
		"ghp_" + strings.Repeat("a1B2", 9):        "a GitHub token",
		"AKIA" + strings.Repeat("A", 16):          "an AWS access key id",
		"postgres://app:hunter2@db.example.com/x": "a password in a URL",
		"Server=db;User Id=app;Password=hunter2;": "a password in a connection string",
		"https://github.com/example/app":          "",
		"eu-central-1":                            "",
	} {
		if got := ValueKind(v); got != want {
			t.Errorf("ValueKind(%q) = %q, want %q", v, got, want)
		}
	}
}
