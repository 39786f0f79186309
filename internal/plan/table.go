package plan

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/amplify-tenancy/tenancy/internal/stackdiff"
)

// WriteTable writes the plan for a terminal: a summary line, then per region
// its provider and per tenant one resource a line. Names and values are
// escaped (stackdiff.Text): none can start a line, add a column or reach
// the terminal raw.
func (p *Plan) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	text := stackdiff.Text
	fmt.Fprintf(tw, "stack %s: %d tenants in %d regions, %d resources\n", text(p.Stack), p.TenantCount(), len(p.Regions), p.Count())
	fmt.Fprintf(tw, "offline plan under the Pulumi SDK's mock monitor: %s is known only after deployment, %s is never shown\n", Computed, Secret)
	for _, reg := range p.Regions {
		fmt.Fprintf(tw, "\nregion %s\n", text(reg.Name))
		for _, r := range reg.Providers {
			fmt.Fprintf(tw, "  provider %s\t%s\n", text(r.Name), inputList(r.Inputs))
		}
		for _, r := range reg.Shared {
			fmt.Fprintf(tw, "  shared %s %s\t%s\n", text(r.Type), text(r.Name), inputList(r.Inputs))
		}
		for _, t := range reg.Tenants {
			fmt.Fprintf(tw, "\n  tenant %s\n", text(t.ID))
			fmt.Fprintf(tw, "    TYPE\tNAME\tPROTECTED\tINPUTS\n")
			for _, r := range t.Resources {
				fmt.Fprintf(tw, "    %s\t%s\t%s\t%s\n", text(r.Type), text(r.Name), protection(r), inputList(r.Inputs))
			}
		}
	}
	if len(p.Other) > 0 {
		fmt.Fprintf(tw, "\noutside any region or tenant\n")
		for _, r := range p.Other {
			fmt.Fprintf(tw, "    %s\t%s\t%s\t%s\n", text(r.Type), text(r.Name), protection(r), inputList(r.Inputs))
		}
	}
	return tw.Flush()
}

// protection says whether Pulumi refuses to delete a resource and whether it
// would stay in AWS once removed from the program.
func protection(r Resource) string {
	switch {
	case r.Protected && r.RetainOnDelete:
		return "yes, retained"
	case r.Protected:
		return "yes"
	case r.RetainOnDelete:
		return "no, retained"
	default:
		return "no"
	}
}

// inputList renders inputs as "key=value" pairs, sorted by key, or "-";
// keys and values escaped by stackdiff.Text.
func inputList(in map[string]string) string {
	if len(in) == 0 {
		return "-"
	}
	parts := make([]string, 0, len(in))
	for _, k := range slices.Sorted(maps.Keys(in)) {
		parts = append(parts, stackdiff.Text(k)+"="+stackdiff.Text(in[k]))
	}
	return strings.Join(parts, " ")
}
