package textout

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCount(t *testing.T) {
	cases := []struct {
		n          int
		noun, want string
	}{
		{0, "problem", "0 problems"}, {1, "problem", "1 problem"}, {2, "problem", "2 problems"},
		{3, "dependency", "3 dependencies"}, {1, "dependency", "1 dependency"}, {2, "day", "2 days"},
	}
	for _, c := range cases {
		if got := Count(c.n, c.noun); got != c.want {
			t.Errorf("Count(%d, %q) = %q, want %q", c.n, c.noun, got, c.want)
		}
	}
}

func TestWrapLine(t *testing.T) {
	long := strings.Repeat("x", 25)
	cases := []struct {
		name     string
		line     string
		markdown bool
		want     []string
	}{
		{"short", "error: short", false, []string{"error: short"}},
		{"hanging indent", "error: tenant acme: region is not one", false,
			[]string{"error: tenant acme:", "  region is not one"}},
		{"keeps the indentation", "  ! tenant acme: deletes it", false,
			[]string{"  ! tenant acme:", "    deletes it"}},
		{"cuts a long word", "see " + long, false,
			[]string{"see", "  " + long[:18], "  " + long[18:]}},
		{"cuts a long first word", long, false,
			[]string{long[:20], "  " + long[20:]}},
		{"status line", "\r" + long, false, []string{"\r" + long}},
		{"markdown list item", "- :warning: tenant acme: deletes it", true,
			[]string{"- :warning: tenant", "  acme: deletes it"}},
		{"markdown heading", "### Stack `prod`: DATA RISK in 3 edits", true,
			[]string{"### Stack `prod`: DATA RISK in 3 edits"}},
		{"markdown table row", "| acme | region | us-east-1 | eu-west-1 |", true,
			[]string{"| acme | region | us-east-1 | eu-west-1 |"}},
		{"markdown: no list marker starts a line", "- count: 3 - 2 1. + ok", true,
			[]string{"- count: 3 - 2 1. +", "  ok"}},
		{"markdown: a code span may start a line", "see `internal/cli/textout/wrap.go`", true,
			[]string{"see", "  `internal/cli/text", "  out/wrap.go`"}},
		{"markdown: a word with a dash may start a line", "count: the -n flag -> 3", true,
			[]string{"count: the -n flag", "  -> 3"}},
		{"text may start a line with -", "- count: 3 - 2 1. + ok", false,
			[]string{"- count: 3 - 2 1. +", "  ok"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := WrapLine(c.line, 20, c.markdown)
			if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
				t.Errorf("WrapLine(%q) =\n%s\nwant\n%s", c.line, strings.Join(got, "\n"), strings.Join(c.want, "\n"))
			}
			if strings.Join(strings.Fields(strings.Join(got, " ")), "") != strings.Join(strings.Fields(c.line), "") {
				t.Errorf("WrapLine(%q) lost or changed text: %q", c.line, got)
			}
		})
	}
}

// TestWriter: every line fits, the text is unchanged but for the breaks,
// and a last line without newline comes out on Flush.
func TestWriter(t *testing.T) {
	var out bytes.Buffer
	w := NewWriter(&out, 30)
	in := "first line is short\n" + strings.Repeat("word ", 20) + "\n" + "last without newline, long enough to wrap"
	for _, chunk := range []string{in[:7], in[7:50], in[50:]} {
		if _, err := w.Write([]byte(chunk)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(out.String(), "\n") {
		if utf8.RuneCountInString(line) > 30 {
			t.Errorf("line of %d columns: %q", utf8.RuneCountInString(line), line)
		}
	}
	if strings.Join(strings.Fields(out.String()), " ") != strings.Join(strings.Fields(in), " ") {
		t.Errorf("text changed:\n%s", out.String())
	}
	if !strings.HasSuffix(out.String(), "wrap") {
		t.Errorf("the last line is missing:\n%s", out.String())
	}
}

func TestFill(t *testing.T) {
	cases := []struct {
		name   string
		indent string
		words  []string
		width  int
		want   []string
	}{
		{"fills", "    ", []string{"a=1", "b=2", "c=3"}, 11, []string{"    a=1 b=2", "    c=3"}},
		{"cuts", "  ", []string{"abcdefghij"}, 6, []string{"  abcd", "  efgh", "  ij"}},
		{"an indent wider than the line still ends", "      ", []string{"abc"}, 4, []string{"      a", "      b", "      c"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Fill(c.indent, c.words, c.width); strings.Join(got, "\n") != strings.Join(c.want, "\n") {
				t.Errorf("Fill = %q, want %q", got, c.want)
			}
		})
	}
}
