package plan

import (
	"fmt"
	"io"
	"maps"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/amplify-tenancy/tenancy/internal/stackdiff"
	"github.com/amplify-tenancy/tenancy/internal/textout"
)

// WriteTable writes the plan for a terminal of textout.Width columns: a
// summary line, then per region its provider and shared resources and per
// tenant one resource a line (name, short type, protection), its inputs
// on the lines below. Names and values are escaped (stackdiff.Text): none
// can start a line, add a column or reach the terminal raw. The JSON
// format has the full type tokens and URNs.
func (p *Plan) WriteTable(w io.Writer) error {
	text := stackdiff.Text
	var lines []string
	add := func(indent, s string) {
		lines = append(lines, textout.Fill(indent, strings.Split(s, " "), textout.Width)...)
	}
	add("", fmt.Sprintf("stack %s: %s in %s, %s", text(p.Stack), textout.Count(p.TenantCount(), "tenant"),
		textout.Count(len(p.Regions), "region"), textout.Count(p.Count(), "resource")))
	lines = append(lines,
		"offline plan under the Pulumi SDK's mock monitor: "+Computed+" is known only after",
		"  deployment, "+Secret+" is never shown; protected: Pulumi refuses to delete it;",
		"  retained: it stays in AWS when it leaves the program")
	for _, reg := range p.Regions {
		lines = append(lines, "", "region "+text(reg.Name))
		lines = append(lines, resourceLines("  provider ", reg.Providers)...)
		if len(reg.Shared) > 0 {
			lines = append(lines, "  shared by its tenants")
			lines = append(lines, resourceLines("    ", reg.Shared)...)
		}
		for _, t := range reg.Tenants {
			lines = append(lines, "", "  tenant "+text(t.ID))
			lines = append(lines, resourceLines("    ", t.Resources)...)
		}
	}
	if len(p.Other) > 0 {
		lines = append(lines, "", "outside any region or tenant")
		lines = append(lines, resourceLines("    ", p.Other)...)
	}
	_, err := io.WriteString(w, strings.Join(lines, "\n")+"\n")
	return err
}

// resourceLines are rs, one a line after prefix, names in one column, and
// each resource's inputs indented below it.
func resourceLines(prefix string, rs []Resource) []string {
	width := 0
	for _, r := range rs {
		width = max(width, utf8.RuneCountInString(stackdiff.Text(r.Name)))
	}
	indent := strings.Repeat(" ", len(prefix)-len(strings.TrimLeft(prefix, " "))+4)
	var lines []string
	for _, r := range rs {
		name, typ, p := stackdiff.Text(r.Name), stackdiff.Text(shortType(r.Type)), protection(r)
		padded := name + strings.Repeat(" ", width-utf8.RuneCountInString(name))
		// The columns while they fit; else the name and type unpadded, and
		// the protection whole on its own line rather than wrapped apart.
		line := strings.TrimRight(prefix+padded+"  "+typ+"  "+p, " ")
		if utf8.RuneCountInString(line) > textout.Width {
			line = strings.TrimRight(prefix+name+"  "+typ+"  "+p, " ")
		}
		if utf8.RuneCountInString(line) > textout.Width && p != "" {
			lines = append(lines, textout.WrapLine(prefix+name+"  "+typ, textout.Width, false)...)
			line = indent + p
		}
		lines = append(lines, textout.WrapLine(line, textout.Width, false)...)
		if in := inputList(r.Inputs); len(in) > 0 {
			lines = append(lines, textout.Fill(indent, in, textout.Width)...)
		}
	}
	return lines
}

// typeToken splits a Pulumi type token, package:module/member:Name.
var typeToken = regexp.MustCompile(`^([^:]+):([^:/]+)/([^:/]+):([^:]+)$`)

// shortType shortens a type token as the Pulumi CLI shows it in a preview:
// aws:iam/rolePolicy:RolePolicy is aws:iam:RolePolicy, as the member only
// repeats the name. Other tokens are returned whole.
func shortType(t string) string {
	m := typeToken.FindStringSubmatch(t)
	if m == nil || !strings.EqualFold(m[3], m[4]) {
		return t
	}
	return m[1] + ":" + m[2] + ":" + m[4]
}

// protection says whether Pulumi refuses to delete a resource and whether it
// would stay in AWS once removed from the program; "" for neither.
func protection(r Resource) string {
	switch {
	case r.Protected && r.RetainOnDelete:
		return "protected, retained"
	case r.Protected:
		return "protected"
	case r.RetainOnDelete:
		return "retained"
	default:
		return ""
	}
}

// inputList renders inputs as "key=value" pairs, sorted by key; keys and
// values escaped by stackdiff.Text. A pair is a word of textout.Fill,
// which breaks lines between pairs (inside one only when it is longer
// than a line).
func inputList(in map[string]string) []string {
	parts := make([]string, 0, len(in))
	for _, k := range slices.Sorted(maps.Keys(in)) {
		parts = append(parts, stackdiff.Text(k)+"="+stackdiff.Text(in[k]))
	}
	return parts
}
