// Package secretrules is the one place that says what looks like a secret:
// by name (DB_PASSWORD, githubAccessToken, aws:secretKey) and by value
// shape (known token prefixes, key material, credentials in URLs). Tenant
// validation refuses variables by it, the stack file parser refuses
// plain-text secrets by it, and diff redacts by it.
//
// The rules err on the side of a secret; the exceptions are the common
// names that only look like secrets.
package secretrules

import (
	"encoding/base64"
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"unicode"
)

// Secret words in variable names, compared with the upper-cased words of a
// name (split at "_" and at camelCase changes).
var (
	// secretWordParts make a word secret wherever they appear in it, so
	// glued names (DBPASSWORD, githubAccessToken) are caught too.
	secretWordParts = []string{"PASSWORD", "PASSWD", "PASSPHRASE", "SECRET", "TOKEN", "CREDENTIAL"}
	// notSecretWords contain a secret word part but name no secret.
	notSecretWords = []string{"PASSWORDLESS", "TOKENIZER", "TOKENIZERS", "TOKENIZE", "TOKENIZED", "TOKENIZATION", "SECRETARY"}
	// secretWords are secret as whole words anywhere in the name.
	secretWords = []string{"CREDS", "PRIVATEKEY"}
	// lastSecretWords are short abbreviations, secret only as the last word:
	// DB_PASS, MYSQL_PWD, DB_PW, GITHUB_PAT, AUTH_SALT, but not
	// PASS_THROUGH, PW_TEST_HTML_REPORT_OPEN (Playwright) or SALT_ROUNDS.
	lastSecretWords = []string{"PASS", "PWD", "PW", "PAT", "SALT"}
	// keyWords are key-ish: secret unless they name a public or a lookup key.
	keyWords = []string{"KEY", "KEYS", "APIKEY", "APIKEYS", "ACCESSKEY"}
	// publicKeyWords before a key-ish word make it public (PUBLIC_KEY,
	// STRIPE_PUBLISHABLE_KEY, SUPABASE_ANON_KEY).
	publicKeyWords = []string{"PUBLIC", "PUBLISHABLE", "ANON"}
	// lookupKeyWords right before a key-ish word make it a key into data,
	// not a credential (CACHE_KEY, SORT_KEY, IDEMPOTENCY_KEY).
	lookupKeyWords = []string{"CACHE", "SORT", "PARTITION", "PRIMARY", "HASH", "RANGE", "FOREIGN", "IDEMPOTENCY", "STORAGE", "QUERY", "LOOKUP"}
	// aboutWords after a secret word make the name one about the secret,
	// not the secret: where it is (DB_SECRET_ARN, KMS_KEY_ID, TOKEN_URL) or
	// how it behaves (TOKEN_TTL, PASSWORD_MIN_LENGTH).
	aboutWords = []string{
		"ARN", "ID", "IDS", "NAME", "ALIAS", "PREFIX", "PATH", "FILE", "URL", "URI", "ENDPOINT", "HOST", "HEADER", "PARAM", "FIELD",
		"TTL", "EXPIRY", "EXPIRES", "EXPIRATION", "LIFETIME", "AGE", "LENGTH", "LEN", "MIN", "MAX", "LIMIT", "COUNT", "SIZE",
		"POLICY", "ROTATION", "RESET", "ENABLED", "DISABLED", "REQUIRED", "ISSUER", "AUDIENCE", "TYPE", "ALGORITHM", "ALG", "ROUNDS",
	}
	// countWords before a secret word make it a count (MAX_TOKENS,
	// OPENAI_MAX_OUTPUT_TOKENS).
	countWords = []string{"MAX", "MIN", "NUM", "TOTAL"}
	// browserPublicPrefixes start variables that web frameworks inline into
	// the browser bundle: the app publishes them, so a key there is public
	// by design (a Firebase web API key, a Stripe publishable key). Only the
	// key-ish rule gives way to them; a password, secret or token is still
	// refused, and every value is still checked.
	browserPublicPrefixes = []string{"NEXT_PUBLIC_", "NUXT_PUBLIC_", "EXPO_PUBLIC_", "PUBLIC_", "VITE_", "REACT_APP_", "VUE_APP_", "GATSBY_"}
)

// nameWords splits a variable name into upper-case words at "_" and at
// camelCase changes: dbPassword is DB PASSWORD, APIKey is API KEY.
func nameWords(name string) []string {
	var words []string
	for _, part := range strings.Split(name, "_") {
		r := []rune(part)
		start := 0
		for i := 1; i < len(r); i++ {
			lowerToUpper := !unicode.IsUpper(r[i-1]) && unicode.IsUpper(r[i])
			acronymEnd := unicode.IsUpper(r[i-1]) && unicode.IsUpper(r[i]) && i+1 < len(r) && unicode.IsLower(r[i+1])
			if lowerToUpper || acronymEnd {
				words = append(words, strings.ToUpper(string(r[start:i])))
				start = i
			}
		}
		if start < len(r) {
			words = append(words, strings.ToUpper(string(r[start:])))
		}
	}
	return words
}

// IsSecretName reports whether a name (of a variable, a config key) looks
// like it holds a secret.
func IsSecretName(name string) bool {
	words := nameWords(name)
	public := slices.ContainsFunc(browserPublicPrefixes, func(p string) bool { return strings.HasPrefix(name, p) })
	for i, w := range words {
		var secret bool
		end := i // the last word of the secret: KEY in PRIVATE_KEY
		switch {
		case slices.Contains(notSecretWords, w):
		case slices.ContainsFunc(secretWordParts, func(p string) bool { return strings.Contains(w, p) }),
			slices.Contains(secretWords, w),
			w == "PRIVATE" && i+1 < len(words) && slices.Contains(keyWords, words[i+1]):
			secret = true
			if w == "PRIVATE" {
				end = i + 1
			}
		case slices.Contains(lastSecretWords, w):
			secret = i == len(words)-1
		case slices.Contains(keyWords, w):
			secret = !public && !slices.ContainsFunc(words[:i], func(p string) bool { return slices.Contains(publicKeyWords, p) }) &&
				(i == 0 || !slices.Contains(lookupKeyWords, words[i-1]))
		}
		if !secret {
			continue
		}
		if end+1 < len(words) && slices.Contains(aboutWords, words[end+1]) {
			continue
		}
		if slices.ContainsFunc(words[:i], func(p string) bool { return slices.Contains(countWords, p) }) {
			continue
		}
		return true
	}
	return false
}

// secretValues are the shapes of credentials: tokens with a known prefix,
// key material, and passwords in URLs and connection strings. Each pattern
// is anchored by a prefix and a length, so ordinary values do not match.
// Google API keys (AIza...) are left out: Firebase web keys are public by
// design and belong in the browser bundle.
var secretValues = []struct {
	kind string
	re   *regexp.Regexp
}{
	{"a GitHub token", regexp.MustCompile(`\b(gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,})`)},
	{"a GitLab token", regexp.MustCompile(`\bgl(pat|dt|rt|ptt|cbt|oas)-[A-Za-z0-9_-]{20,}`)},
	{"a Slack token", regexp.MustCompile(`\b(xox[abposr]-[0-9]+|xapp-[0-9]-[A-Z0-9]+)-[A-Za-z0-9-]{8,}`)},
	{"a Slack or Discord webhook URL", regexp.MustCompile(`(?i)https://(hooks\.slack\.com/services|(discord|discordapp)\.com/api/webhooks)/[A-Za-z0-9_/-]{10,}`)},
	{"a Stripe secret key", regexp.MustCompile(`\b((sk|rk)_(live|test)_[A-Za-z0-9]{10,}|whsec_[A-Za-z0-9]{20,})`)},
	{"an npm token", regexp.MustCompile(`\bnpm_[A-Za-z0-9]{36}\b`)},
	{"an OpenAI or Anthropic key", regexp.MustCompile(`\bsk-(proj-|ant-|svcacct-|admin-)?[A-Za-z0-9_-]{32,}`)},
	{"an AWS access key id", regexp.MustCompile(`\b(AKIA|ASIA)[A-Z0-9]{16}\b`)},
	{"a private key", regexp.MustCompile(`-----BEGIN[A-Z0-9 ]*PRIVATE KEY`)},
	{"a JSON Web Token", regexp.MustCompile(`\beyJ[A-Za-z0-9_-]{8,}\.(eyJ[A-Za-z0-9_-]{8,})\.[A-Za-z0-9_-]*`)},
	{"a password in a URL", regexp.MustCompile(`(?i)\b[a-z][a-z0-9+.-]*://[^/?#\s@:]*:[^/?#\s@]+@`)},
	{"a password in a connection string", regexp.MustCompile(`(?i)(^|[;&?\s])(password|passwd|pwd)\s*=\s*[^;&\s]`)},
}

// ValueKind returns what kind of credential v looks like ("a GitHub
// token"), or "" when it looks like none.
func ValueKind(v string) string {
	for _, s := range secretValues {
		m := s.re.FindStringSubmatch(v)
		if m == nil {
			continue
		}
		if s.kind == "a JSON Web Token" && anonJWT(m[1]) {
			continue
		}
		return s.kind
	}
	return ""
}

// anonJWT reports whether a JWT payload carries the role "anon": a
// Supabase anon key, public by design (row-level security guards the
// data). Its sibling, the service_role key, is refused.
func anonJWT(payload string) bool {
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(payload, "="))
	if err != nil {
		return false
	}
	var claims struct {
		Role string `json:"role"`
	}
	return json.Unmarshal(raw, &claims) == nil && claims.Role == "anon"
}
