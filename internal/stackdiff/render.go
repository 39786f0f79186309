package stackdiff

import (
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Marker starts every markdown report, so a CI step can find and update its
// own pull-request comment for the stack instead of adding a new one. A
// stack name holds only letters, digits, '-', '_' and '.'; any other byte is
// percent-encoded, so the name cannot close the comment.
func Marker(stack string) string { return fmt.Sprintf("<!-- tenancy-diff:%s -->", markerName(stack)) }

func markerName(stack string) string {
	var b strings.Builder
	for i := 0; i < len(stack); i++ {
		switch c := stack[i]; {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '-' && !strings.HasSuffix(b.String(), "-"), c == '_', c == '.':
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// output is how one format escapes the values it prints (escape.go).
type output struct {
	// value is a value shown as it is; quoted one shown in quotes; code one
	// shown as code.
	value, quoted, code func(string) string
}

var (
	textOut = output{
		value:  Text,
		quoted: func(v string) string { return strconv.Quote(RedactURLs(v)) },
		code:   func(v string) string { return "`" + Text(v) + "`" },
	}
	markdownOut = output{
		value:  Markdown,
		quoted: func(v string) string { return mdEscape(strconv.Quote(RedactURLs(v))) },
		code:   Code,
	}
)

// WriteText writes the report for a terminal. base and current label the
// two versions (a git ref, a path). Every value from the stack files is
// escaped (Text): none can start a line or reach the terminal raw.
func (r *Report) WriteText(w io.Writer, base, current string) error {
	var b strings.Builder
	stack := Text(r.Stack)
	fmt.Fprintf(&b, "stack %s: %s -> %s\n", stack, Text(base), Text(current))
	if r.NewStack {
		fmt.Fprintf(&b, "the base has no stack file %s: every tenant is new\n", stack)
	}
	if r.Empty() {
		fmt.Fprintf(&b, "no changes\n")
	}
	section := func(title string, lines []string) { writeList(&b, "\n"+title+"\n", "  %s\n", lines) }
	section("stack settings changed", changeLines(textOut, r.Settings, ""))
	section("tenants added", prefixed(textOut, "+ ", r.Added))
	section("tenants removed", prefixed(textOut, "- ", r.Removed))
	var changed []string
	for _, t := range r.Changed {
		changed = append(changed, "~ "+Text(t.ID))
		changed = append(changed, changeLines(textOut, t.Changes, "    ")...)
	}
	section("tenants changed", changed)
	if len(r.Risks) == 0 {
		fmt.Fprintf(&b, "\nno data risk\n")
	} else {
		fmt.Fprintf(&b, "\nDATA RISK (%d): these edits delete or replace tenant data\n", len(r.Risks))
		for _, risk := range r.Risks {
			fmt.Fprintf(&b, "  ! %s\n", risk.line(textOut))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteMarkdown writes the report as a pull-request comment. Every value
// from the stack files is escaped (Markdown, Code): none can start a line,
// open an HTML comment or a code span, or break the table.
func (r *Report) WriteMarkdown(w io.Writer, base, current string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n", Marker(r.Stack))
	verdict := "no data risk"
	if len(r.Risks) > 0 {
		verdict = fmt.Sprintf("**DATA RISK: %d** edit(s) delete or replace tenant data", len(r.Risks))
	}
	fmt.Fprintf(&b, "### Stack %s: %s\n\n", Code(r.Stack), verdict)
	fmt.Fprintf(&b, "Compared %s with %s.", Code(base), Code(current))
	if r.NewStack {
		fmt.Fprintf(&b, " The stack file is new: every tenant is added.")
	}
	if r.Empty() {
		fmt.Fprintf(&b, " No changes.")
	}
	fmt.Fprintf(&b, "\n")
	if len(r.Risks) > 0 {
		fmt.Fprintf(&b, "\n#### DATA RISK\n\n")
		for _, risk := range r.Risks {
			fmt.Fprintf(&b, "- :warning: %s\n", risk.line(markdownOut))
		}
	}
	list := func(title string, lines []string) {
		for i, l := range lines {
			lines[i] = BlockSafe(l)
		}
		writeList(&b, "\n#### "+title+"\n\n", "- %s\n", lines)
	}
	list("Stack settings changed", changeLines(markdownOut, r.Settings, ""))
	list("Tenants added", prefixed(markdownOut, "", r.Added))
	list("Tenants removed", prefixed(markdownOut, "", r.Removed))
	if len(r.Changed) > 0 {
		fmt.Fprintf(&b, "\n#### Tenants changed\n\n| tenant | field | base | current |\n|---|---|---|---|\n")
		for _, t := range r.Changed {
			for _, c := range t.Changes {
				fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", Markdown(t.ID), Code(c.Field), cell(c.From), cell(c.To))
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func (r Risk) line(out output) string {
	text := fmt.Sprintf("%s: [%s] %s", out.value(r.Field), r.verdict(out), r.Render(out.value, out.quoted, out.code))
	if r.Tenant == "" {
		return text
	}
	return fmt.Sprintf("tenant %s: %s", out.quoted(r.Tenant), text)
}

func changeLines(out output, cs []Change, indent string) []string {
	lines := make([]string, 0, len(cs))
	for _, c := range cs {
		lines = append(lines, fmt.Sprintf("%s%s: %s -> %s", indent, out.value(c.Field), show(out, c.From), show(out, c.To)))
	}
	return lines
}

func show(out output, v string) string {
	if v == "" {
		return "(unset)"
	}
	return out.value(v)
}

// cell renders a value for a markdown table cell.
func cell(v string) string {
	if v == "" {
		return "_(unset)_"
	}
	return Code(v)
}

func prefixed(out output, p string, ids []string) []string {
	lines := make([]string, 0, len(ids))
	for _, id := range ids {
		lines = append(lines, p+out.value(id))
	}
	return lines
}

// writeList writes heading and then each line in the item format; nothing
// at all when there are no lines.
func writeList(b *strings.Builder, heading, item string, lines []string) {
	if len(lines) == 0 {
		return
	}
	b.WriteString(heading)
	for _, l := range lines {
		fmt.Fprintf(b, item, l)
	}
}
