package stackdiff

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/amplify-tenancy/tenancy/internal/secretrules"
	"github.com/amplify-tenancy/tenancy/internal/stackconfig"
)

// What the offline commands print comes from stack files anyone can edit in
// a pull request, and the diff is posted as a pull-request comment. Every
// value taken from a stack file goes through the functions below before it
// is printed, so that a value can neither start a line of its own (a forged
// "no data risk"), nor open an HTML comment or a code span that hides the
// rest of a report, nor move a terminal's cursor, nor show a credential.
// Packages plan and cli use them too.

// Redacted replaces a credential, or a value that holds one.
const Redacted = "[redacted]"

// Text renders a value from a stack file for a terminal or a log: as it is
// when it is plain printable text, else Go-quoted (strconv.Quote), so that
// control characters, line and paragraph separators, invisible format
// characters (bidirectional overrides, zero-width spaces), invalid UTF-8 and
// leading or trailing spaces show as escapes and the value stays on its
// line. Credentials in URLs are redacted first.
func Text(v string) string { return quote(RedactURLs(v)) }

func quote(v string) string {
	if plain(v) {
		return v
	}
	return strconv.Quote(v)
}

// plain reports whether v can be printed as it is: valid UTF-8, printable,
// no space at either end, and not starting with a quote (which would read as
// a quoted, escaped value).
func plain(v string) bool {
	if !utf8.ValidString(v) || strings.HasPrefix(v, `"`) || strings.TrimSpace(v) != v {
		return false
	}
	for _, r := range v {
		if !unicode.IsPrint(r) {
			return false
		}
	}
	return true
}

// Line makes a whole message safe to print as one line: every character
// that is not printable is replaced by its Go escape (\n, \x1b, \u2028),
// everything else is left as it is. Use it for messages that embed values
// (errors, warnings); for a single value use Text.
func Line(msg string) string {
	msg = RedactURLs(msg)
	var b strings.Builder
	for i := 0; i < len(msg); {
		r, size := utf8.DecodeRuneInString(msg[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			fmt.Fprintf(&b, `\x%02x`, msg[i])
		case unicode.IsPrint(r):
			b.WriteRune(r)
		default:
			q := strconv.QuoteRune(r) // '\n', '\x1b', '\u2028'
			b.WriteString(q[1 : len(q)-1])
		}
		i += size
	}
	return b.String()
}

// Markdown renders a value as inline markdown that GitHub shows as the
// value, as text: quoted like Text when it is not plain, then every
// character markdown, GitHub or HTML gives a meaning inside a line is
// escaped, so the value cannot open an HTML comment (<!--), a code span, a
// link, emphasis, math or a table cell, mention a person or reference an
// issue. Where a value starts a list item,
// BlockSafe guards the start of the line too.
func Markdown(v string) string { return mdEscape(Text(v)) }

// mdEscape escapes the inline markdown and HTML metacharacters of s, which
// must already be on one line.
func mdEscape(s string) string {
	var b strings.Builder
	for i, r := range s {
		switch r {
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '&':
			b.WriteString("&amp;")
		case '@':
			// GitHub turns @name into a mention that notifies name, and
			// #123 into a cross-reference on issue 123; an entity shows
			// the same character and does neither.
			b.WriteString("&#64;")
		case '#':
			if i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9' {
				b.WriteString("&#35;")
			} else {
				b.WriteRune(r)
			}
		case '\\', '`', '*', '_', '[', ']', '|', '~', '$':
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// BlockSafe escapes what would make a markdown line, already escaped by
// Markdown, start a block of its own (a heading, a list, a thematic break,
// a setext underline) when it begins a list item or a paragraph.
func BlockSafe(line string) string {
	if line == "" {
		return line
	}
	if strings.ContainsRune("#-+=", rune(line[0])) {
		return `\` + line
	}
	// "1. x" and "1) x" start an ordered list.
	if n := len(line) - len(strings.TrimLeft(line, "0123456789")); n > 0 && n < len(line) && (line[n] == '.' || line[n] == ')') {
		return line[:n] + `\` + line[n:]
	}
	return line
}

// Code renders a value as a markdown code span, the way ordinary values
// (IDs, regions, field names) read best. A value a code span cannot hold
// safely (a backtick, a pipe, HTML, a backslash, anything Text would quote)
// is rendered as escaped text instead (Markdown): markdown escapes do not
// work inside a code span.
func Code(v string) string {
	v = RedactURLs(v)
	if !plain(v) || strings.ContainsAny(v, "`|<>&\\") {
		return Markdown(v)
	}
	return "`" + v + "`"
}

// urlAuthority finds "scheme://" and what follows up to the path; its user
// information is everything up to the last "@".
var urlAuthority = regexp.MustCompile(`(?i)[a-z][a-z0-9+.\-]*://[^/?#\s]*`)

// schemeless finds "user:password@host", a credential git and browsers
// accept without a scheme (url.Parse reads "user" as the scheme).
var schemeless = regexp.MustCompile(`(?i)(^|[\s"'(\[{<=,;])([a-z][a-z0-9+.\-]*:[^\s/@"'<>]+)@`)

// RedactURLs replaces the user information of every URL in s (the token in
// https://x-access-token:TOKEN@github.com/o/r, or https://TOKEN@host) with
// Redacted.
func RedactURLs(s string) string {
	if !strings.Contains(s, "@") {
		return s
	}
	s = urlAuthority.ReplaceAllStringFunc(s, func(m string) string {
		at := strings.LastIndex(m, "@")
		if at < 0 {
			return m
		}
		scheme := strings.Index(m, "://") + len("://")
		return m[:scheme] + Redacted + m[at:]
	})
	return schemeless.ReplaceAllString(s, "${1}"+Redacted+"@")
}

// IsSecretName reports whether a setting or field (a key, a dotted path, a
// namespaced key) names a secret: one of the stack's secret keys, a name
// that looks like one (internal/secretrules), or "secure", in any part.
func IsSecretName(name string) bool {
	for _, part := range strings.FieldsFunc(name, func(r rune) bool { return r == '.' || r == ':' }) {
		if part == "secure" || secretrules.IsSecretName(part) || slices.Contains(stackconfig.SecretKeys(), part) {
			return true
		}
	}
	return false
}

// holdsSecret reports whether a value written as JSON (a list or an object
// flattened to text) holds a `secure:` value or a secret-named key.
func holdsSecret(v string) bool {
	if !strings.ContainsAny(v, "{") {
		return false
	}
	var decoded any
	if json.Unmarshal([]byte(v), &decoded) != nil {
		// Not JSON: a string that merely contains braces.
		return false
	}
	var walk func(any) bool
	walk = func(x any) bool {
		switch x := x.(type) {
		case map[string]any:
			for k, e := range x {
				if IsSecretName(k) || walk(e) {
					return true
				}
			}
		case []any:
			for _, e := range x {
				if walk(e) {
					return true
				}
			}
		}
		return false
	}
	return walk(decoded)
}
