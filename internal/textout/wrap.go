package textout

import (
	"bytes"
	"io"
	"strings"
	"unicode/utf8"
)

// Width is how many columns every text and table format fits: a terminal's
// default. JSON and mermaid are read by programs and are never wrapped.
const Width = 80

// Writer wraps each line written through it at spaces to at most width
// columns (runes); see WrapLine. It holds back a line until its newline:
// call Flush at the end.
type Writer struct {
	w        io.Writer
	width    int
	markdown bool
	pending  []byte
	err      error
}

// NewWriter returns a Writer to w for plain text.
func NewWriter(w io.Writer, width int) *Writer { return &Writer{w: w, width: width} }

// NewMarkdownWriter returns a Writer to w for markdown: it breaks no
// heading, table row or HTML comment, and starts no continuation line
// with what would begin a block (a list marker, a heading, a quote).
func NewMarkdownWriter(w io.Writer, width int) *Writer {
	return &Writer{w: w, width: width, markdown: true}
}

// Write wraps every complete line of p and holds back the rest.
func (w *Writer) Write(p []byte) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	w.pending = append(w.pending, p...)
	for {
		i := bytes.IndexByte(w.pending, '\n')
		if i < 0 {
			break
		}
		w.emit(string(w.pending[:i]), "\n")
		w.pending = w.pending[i+1:]
	}
	if w.err != nil {
		return 0, w.err
	}
	return len(p), nil
}

// Flush writes the last line, which has no newline.
func (w *Writer) Flush() error {
	if len(w.pending) > 0 && w.err == nil {
		w.emit(string(w.pending), "")
		w.pending = nil
	}
	return w.err
}

func (w *Writer) emit(line, end string) {
	if w.err != nil {
		return
	}
	_, w.err = io.WriteString(w.w, strings.Join(WrapLine(line, w.width, w.markdown), "\n")+end)
}

// WrapLine breaks line at spaces into lines of at most width runes. A
// continuation line is indented two columns past the line's own
// indentation, so it reads as part of the line above, and in markdown stays
// in its list item; a word longer than a line is cut. Lines with terminal
// control characters (a status line rewritten in place) are left alone, as
// are, in markdown, headings, table rows and HTML comments, which a break
// would end.
func WrapLine(line string, width int, markdown bool) []string {
	if utf8.RuneCountInString(line) <= width || strings.ContainsAny(line, "\r\x1b") {
		return []string{line}
	}
	rest := strings.TrimLeft(line, " ")
	lead := line[:len(line)-len(rest)]
	if markdown && (strings.HasPrefix(rest, "#") || strings.HasPrefix(rest, "|") || strings.HasPrefix(rest, "<!--")) {
		return []string{line}
	}
	indent := lead + "  "
	if utf8.RuneCountInString(indent) >= width/2 {
		indent = "  " // deep indentation would leave no room
	}
	return fill(lead, indent, strings.Split(rest, " "), width, markdown)
}

// Fill puts words, separated by spaces, on lines of at most width runes,
// each starting with indent; a word longer than a line is cut.
func Fill(indent string, words []string, width int) []string {
	return fill(indent, indent, words, width, false)
}

// fill is Fill with the first line starting with lead.
func fill(lead, indent string, words []string, width int, markdown bool) []string {
	// Each cut must leave a line shorter than the one it cut.
	width = max(width, utf8.RuneCountInString(indent)+1)
	var out []string
	cur := lead
	for i, word := range words {
		switch {
		case i == 0:
			cur += word
		case utf8.RuneCountInString(cur)+1+utf8.RuneCountInString(word) <= width,
			markdown && startsBlock(word):
			cur += " " + word
		default:
			out = append(out, cur)
			cur = indent + word
		}
		for utf8.RuneCountInString(cur) > width && !(markdown && startsBlock(word)) {
			head, tail := cut(cur, width)
			out = append(out, head)
			cur = indent + tail
		}
	}
	return append(out, cur)
}

// cut splits s after width runes.
func cut(s string, width int) (string, string) {
	r := []rune(s)
	return string(r[:width]), string(r[width:])
}

// startsBlock reports whether word, first on a markdown line, could begin
// a block rather than continue a paragraph or list item: a list marker,
// a thematic break or setext underline, a heading, a quote, a table row,
// HTML, a code fence, an ordered list item.
func startsBlock(word string) bool {
	switch {
	case word == "":
		return false
	case strings.Trim(word, "-=*_+") == "",
		strings.ContainsRune("#>|<", rune(word[0])),
		strings.HasPrefix(word, "```"), strings.HasPrefix(word, "~~~"):
		return true
	}
	digits := strings.TrimLeft(word, "0123456789")
	return len(digits) < len(word) && (digits == "." || digits == ")")
}
