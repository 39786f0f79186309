package tenant

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxDisplayNameLength is Amplify's limit on the app description, which
// holds the display name: 255 characters, counted as characters (runes),
// not bytes.
const maxDisplayNameLength = 255

// displayNameProblem returns why a display name is refused, or "". A
// display name is one line of printable text: it is shown in the Amplify
// console, in tenantConfig and in terminals, where a newline forges a log
// line and an escape sequence rewrites the screen.
func displayNameProblem(s string) string {
	if strings.TrimSpace(s) == "" {
		return "is required"
	}
	if !utf8.ValidString(s) {
		return "is not valid UTF-8"
	}
	for _, r := range s {
		if unsafeTextRune(r) {
			return fmt.Sprintf("contains the control character U+%04X; use one line of printable text", r)
		}
	}
	if n := utf8.RuneCountInString(s); n > maxDisplayNameLength {
		return fmt.Sprintf("is %d characters long; Amplify allows %d", n, maxDisplayNameLength)
	}
	return ""
}

// unsafeTextRune reports whether r is a control character: C0 (newline,
// tab, ESC, ...), DEL and C1, the Unicode line and paragraph separators,
// and the bidirectional formatting characters that reorder what a reader
// sees. Other format characters stay allowed: the zero-width joiner builds
// emoji, the zero-width non-joiner is part of Persian spelling.
func unsafeTextRune(r rune) bool {
	switch {
	case unicode.IsControl(r):
		return true
	case r == '\u2028' || r == '\u2029':
		return true
	case r >= '\u202a' && r <= '\u202e', r >= '\u2066' && r <= '\u2069', r == '\u200e' || r == '\u200f', r == '\u061c':
		return true
	}
	return false
}
