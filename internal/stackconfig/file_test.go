package stackconfig

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/amplify-tenancy/tenancy/internal/mockcloud"
	"github.com/amplify-tenancy/tenancy/tenant"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// baseFile is testdata/Pulumi.base.yaml, a small valid stack file.
func baseFile(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile("testdata/Pulumi.base.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// edited returns the base file with old replaced by new, failing the test
// when the base no longer holds old.
func edited(t *testing.T, old, new string) string {
	t.Helper()
	base := baseFile(t)
	if !strings.Contains(base, old) {
		t.Fatalf("testdata/Pulumi.base.yaml no longer contains %q", old)
	}
	return strings.Replace(base, old, new, 1)
}

// editedAll returns the base file with each pair's old replaced by its new,
// in order.
func editedAll(t *testing.T, edits ...[2]string) string {
	t.Helper()
	text := baseFile(t)
	for _, e := range edits {
		if !strings.Contains(text, e[0]) {
			t.Fatalf("the edited base file does not contain %q", e[0])
		}
		text = strings.Replace(text, e[0], e[1], 1)
	}
	return text
}

// parseEdited parses the base file, edited, as an offline command does:
// ParseFile, then Parse of its Source. It returns every problem.
func parseEdited(t *testing.T, text string) error {
	t.Helper()
	f, err := ParseFile("base", []byte(text))
	if err != nil {
		return err
	}
	_, err = Parse(f.Source())
	return err
}

// checkProblems fails unless err holds every want, and each of its
// problems is a *tenant.FieldError.
func checkProblems(t *testing.T, err error, wants ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("want problems %q, got none", wants)
	}
	for _, want := range wants {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not contain %q:\n%v", want, err)
		}
	}
	for _, p := range tenant.Unjoin(err) {
		var fe *tenant.FieldError
		if !errors.As(p, &fe) {
			t.Errorf("problem %q is not a *tenant.FieldError", p)
		}
	}
}

func TestBaseFileIsValid(t *testing.T) {
	if err := parseEdited(t, baseFile(t)); err != nil {
		t.Fatal(err)
	}
}

// A key set twice, under one spelling or two, would be read one way or the
// other depending on map order: refused, naming the key.
func TestKeySetTwiceIsRefused(t *testing.T) {
	const tenants = "  tenancy:tenants:\n"
	cases := []struct {
		name, old, new, want string
	}{
		{"tenants and tenancy:tenants", "  aws:defaultTags:", "  tenants: []\n  aws:defaultTags:",
			"tenants: is set twice, as tenancy:tenants on line 7 and as tenants on line"},
		{"bare tenants first", tenants, "  tenants: null\n" + tenants,
			"tenants: is set twice, as tenants on line 7 and as tenancy:tenants on line 8"},
		{"protect and tenancy:protect", "  tenancy:protect: true\n", "  tenancy:protect: true\n  protect: false\n",
			"protect: is set twice, as tenancy:protect on line 4 and as protect on line 5"},
		{"the same spelling twice", "  tenancy:protect: true\n", "  tenancy:protect: true\n  tenancy:protect: false\n",
			"protect: is set twice, as tenancy:protect on line 4 and as tenancy:protect on line 5"},
		{"a secret under two spellings", "  tenancy:protect: true\n", "  tenancy:protect: true\n  accessToken:\n    secure: v1:CCCC\n",
			"accessToken: is set twice, as accessToken on line 5 and as tenancy:accessToken on line"},
		{"another namespace twice", "  aws:defaultTags:", "  aws:region: eu-west-1\n  aws:region: eu-west-2\n  aws:defaultTags:",
			"aws:region: is set twice"},
		{"config twice", "config:\n", "config:\n  tenancy:branch: main\nconfig:\n",
			"config: is set twice, on lines 2 and 4"},
		{"a key twice inside a tenant", "      name: Globex\n", "      name: Globex\n      name: Globex Corp\n",
			`tenant "globex": name: line 17: mapping key "name" already defined at line 16`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, err := ParseFile("base", []byte(edited(t, c.old, c.new)))
			if f != nil {
				t.Errorf("got a file, want it refused")
			}
			checkProblems(t, err, c.want)
		})
	}
}

// A secret key written in plain text is refused by the offline commands
// and the program alike, and its value appears in no error or warning.
func TestPlainTextSecretIsRefusedWithoutItsValue(t *testing.T) {
	const value = "ghp_0123456789abcdefSECRET"
	secure := "  tenancy:accessToken:\n    secure: v1:AAAAAAAAAAAAAAAA:BBBBBBBBBBBBBBBBBBBBBBBB\n"
	cases := []struct {
		name, old, new, want string
	}{
		{"tenancy:accessToken", secure, "  tenancy:accessToken: " + value + "\n",
			"accessToken: is a secret but is written in plain text on line 5"},
		{"bare accessToken", secure, "  accessToken: " + value + "\n",
			"accessToken: is a secret but is written in plain text"},
		{"basicAuthPassword", "  tenancy:protect: true\n", "  tenancy:protect: true\n  tenancy:basicAuthPassword: " + value + "\n",
			"basicAuthPassword: is a secret but is written in plain text"},
		{"quoted", secure, "  tenancy:accessToken: \"" + value + "\"\n",
			"accessToken: is a secret"},
		{"a number", secure, "  tenancy:accessToken: 1234" + "5678901234567890\n",
			"accessToken: is a secret"},
		{"an object", secure, "  tenancy:accessToken:\n    token: " + value + "\n",
			"accessToken: is a secret"},
		{"case aside", secure, "  tenancy:accesstoken: " + value + "\n",
			"accesstoken: is a secret but is written in plain text on line 5; remove it from the stack file, rotate it, and set it with: pulumi config set --secret accessToken"},
		{"misspelt", secure, "  tenancy:acessToken: " + value + "\n",
			"acessToken: is a secret"},
		{"secure with a second key", secure, "  tenancy:accessToken:\n    secure: v1:AAAA\n    plain: " + value + "\n",
			"accessToken: line 5: a secret must be written as secure: <ciphertext> and nothing else"},
		{"secure without ciphertext", secure, "  tenancy:accessToken:\n    secure: \"\"\n",
			"accessToken: line 5: a secret must be written as secure"},
		{"plain and secure", secure, secure + "  accessToken: " + value + "\n",
			"accessToken: is set twice"},
		// Another namespace's secrets are refused as well, by the one rule
		// of what a secret's name looks like (internal/secretrules).
		{"aws:secretKey", "  tenancy:protect: true\n", "  tenancy:protect: true\n  aws:secretKey: " + value + "\n",
			"aws:secretKey: looks like a secret but is written in plain text on line 5; remove it from the stack file, rotate it, and set it with: pulumi config set --secret aws:secretKey"},
		{"aws:accessKey", "  tenancy:protect: true\n", "  tenancy:protect: true\n  aws:accessKey: " + value + "\n",
			"aws:accessKey: looks like a secret"},
		{"aws:token", "  tenancy:protect: true\n", "  tenancy:protect: true\n  aws:token: " + value + "\n",
			"aws:token: looks like a secret"},
		{"a token under another name", "  tenancy:protect: true\n", "  tenancy:protect: true\n  aws:profile: " + value + "0123456789012345\n",
			"aws:profile: holds what looks like a secret (a GitHub token) in plain text on line 5"},
		{"another namespace's password", "  tenancy:protect: true\n", "  tenancy:protect: true\n  postgresql:password: " + value + "\n",
			"postgresql:password: looks like a secret"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			text := edited(t, c.old, c.new)
			f, err := ParseFile("base", []byte(text))
			if f != nil {
				t.Fatalf("got a file, want it refused; Values %v", f.Values)
			}
			checkProblems(t, err, c.want)
			if strings.Contains(err.Error(), value) || strings.Contains(err.Error(), "1234567890") {
				t.Errorf("the error holds the secret's value:\n%v", err)
			}
		})
	}
}

// A File built by hand, or a running program, with a secret key in plain
// text: Parse refuses it without its value, and Config passes it to no
// program as a plain value.
func TestPlainTextSecretIsRefusedByParse(t *testing.T) {
	const value = "ghp_0123456789abcdefSECRET"
	f, err := ParseFile("base", []byte(baseFile(t)))
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range SecretKeys() {
		t.Run(key, func(t *testing.T) {
			hand := *f
			hand.Values = map[string]string{KeyBasicAuth: "false"}
			for k, v := range f.Values {
				hand.Values[k] = v
			}
			hand.Values[key] = value
			fleet, err := Parse(hand.Source())
			checkProblems(t, err, key+": is a secret but is set in plain text")
			printed := append([]string{err.Error()}, fleet.Warnings...)
			if containsValue(printed, value) {
				t.Errorf("error or warnings hold the value:\n%s", strings.Join(printed, "\n"))
			}
			values, _ := hand.Config(nil)
			if _, ok := values[Project+":"+key]; ok {
				t.Errorf("Config passes %s in plain text", key)
			}

			config := map[string]string{}
			for k, v := range values {
				config[k] = v
			}
			config[Project+":"+key] = value
			var perr error
			var warnings []string
			_, _ = mockcloud.Run(func(ctx *pulumi.Context) error {
				fleet, err := Parse(FromContext(ctx))
				perr, warnings = err, fleet.Warnings
				return nil
			}, mockcloud.Options{Project: Project, Stack: "base", Config: config})
			checkProblems(t, perr, key+": is a secret but is set in plain text")
			if containsValue(append([]string{perr.Error()}, warnings...), value) {
				t.Errorf("the program's error or warnings hold the value:\n%v", perr)
			}
		})
	}
}

func containsValue(printed []string, value string) bool {
	for _, p := range printed {
		if strings.Contains(p, value) {
			return true
		}
	}
	return false
}
