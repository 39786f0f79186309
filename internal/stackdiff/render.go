package stackdiff

import (
	"fmt"
	"io"
	"strings"
)

// Marker starts every markdown report, so a CI step can find and update its
// own pull-request comment for the stack instead of adding a new one.
func Marker(stack string) string { return fmt.Sprintf("<!-- tenancy-diff:%s -->", stack) }

// WriteText writes the report for a terminal. base and current label the
// two versions (a git ref, a path).
func (r *Report) WriteText(w io.Writer, base, current string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "stack %s: %s -> %s\n", r.Stack, base, current)
	if r.NewStack {
		fmt.Fprintf(&b, "the base has no stack file %s: every tenant is new\n", r.Stack)
	}
	if r.Empty() {
		fmt.Fprintf(&b, "no changes\n")
	}
	section := func(title string, lines []string) { writeList(&b, "\n"+title+"\n", "  %s\n", lines) }
	section("stack settings changed", changeLines(r.Settings, ""))
	section("tenants added", prefixed("+ ", r.Added))
	section("tenants removed", prefixed("- ", r.Removed))
	var changed []string
	for _, t := range r.Changed {
		changed = append(changed, "~ "+t.ID)
		changed = append(changed, changeLines(t.Changes, "    ")...)
	}
	section("tenants changed", changed)
	if len(r.Risks) == 0 {
		fmt.Fprintf(&b, "\nno data risk\n")
	} else {
		fmt.Fprintf(&b, "\nDATA RISK (%d): these edits delete or replace tenant data\n", len(r.Risks))
		for _, risk := range r.Risks {
			fmt.Fprintf(&b, "  ! %s\n", risk.line())
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteMarkdown writes the report as a pull-request comment.
func (r *Report) WriteMarkdown(w io.Writer, base, current string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n", Marker(r.Stack))
	verdict := "no data risk"
	if len(r.Risks) > 0 {
		verdict = fmt.Sprintf("**DATA RISK: %d** edit(s) delete or replace tenant data", len(r.Risks))
	}
	fmt.Fprintf(&b, "### Stack `%s`: %s\n\n", r.Stack, verdict)
	fmt.Fprintf(&b, "Compared `%s` with `%s`.", base, current)
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
			fmt.Fprintf(&b, "- :warning: %s\n", risk.line())
		}
	}
	list := func(title string, lines []string) { writeList(&b, "\n#### "+title+"\n\n", "- %s\n", lines) }
	list("Stack settings changed", changeLines(r.Settings, ""))
	list("Tenants added", prefixed("", r.Added))
	list("Tenants removed", prefixed("", r.Removed))
	if len(r.Changed) > 0 {
		fmt.Fprintf(&b, "\n#### Tenants changed\n\n| tenant | field | base | current |\n|---|---|---|---|\n")
		for _, t := range r.Changed {
			for _, c := range t.Changes {
				fmt.Fprintf(&b, "| %s | `%s` | %s | %s |\n", t.ID, c.Field, cell(c.From), cell(c.To))
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func (r Risk) line() string {
	if r.Tenant == "" {
		return fmt.Sprintf("%s: %s", r.Field, r.Reason)
	}
	return fmt.Sprintf("tenant %q: %s: %s", r.Tenant, r.Field, r.Reason)
}

func changeLines(cs []Change, indent string) []string {
	out := make([]string, 0, len(cs))
	for _, c := range cs {
		out = append(out, fmt.Sprintf("%s%s: %s -> %s", indent, c.Field, show(c.From), show(c.To)))
	}
	return out
}

func show(v string) string {
	if v == "" {
		return "(unset)"
	}
	return v
}

// cell escapes a value for a markdown table cell.
func cell(v string) string {
	if v == "" {
		return "_(unset)_"
	}
	return "`" + strings.ReplaceAll(v, "|", `\|`) + "`"
}

func prefixed(p string, ids []string) []string {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		out = append(out, p+id)
	}
	return out
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
