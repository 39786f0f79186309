package plan

import (
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/amplify-tenancy/tenancy/internal/stackdiff"
)

// drawn are the resources the drawing shows, by type, with the shape and the
// label of their node. The drawing is an overview: app, branch, database and
// key are what a tenant is; the rest is in the table.
var drawn = map[string]struct{ open, close, label string }{
	"aws:amplify/app:App":       {`["`, `"]`, "Amplify app"},
	"aws:amplify/branch:Branch": {`["`, `"]`, "branch"},
	"aws:dynamodb/table:Table":  {`[("`, `")]`, "DynamoDB table"},
	"aws:rds/cluster:Cluster":   {`[("`, `")]`, "Aurora PostgreSQL"},
	"aws:kms/key:Key":           {`{{"`, `"}}`, "KMS key"},
}

var unsafeID = regexp.MustCompile(`[^A-Za-z0-9]`)

// nodeID makes a mermaid node ID from a name (mermaid reads "-" as an edge).
func nodeID(prefix, name string) string { return prefix + "_" + unsafeID.ReplaceAllString(name, "_") }

// labelEscapes are the characters a quoted mermaid label cannot hold as they
// are, as mermaid's entity codes: a quote ends the label, "<" and ">" are
// HTML in a label, a backtick starts a markdown label and, where the drawing
// is pasted into markdown (README), can close its code fence.
var labelEscapes = strings.NewReplacer("#", "#35;", `"`, "#34;", "<", "#60;", ">", "#62;", "`", "#96;", "&", "#38;")

// label renders a name or value for a mermaid label: on one line
// (stackdiff.Text), and with labelEscapes.
func label(v string) string { return labelEscapes.Replace(stackdiff.Text(v)) }

// WriteMermaid draws the plan as a mermaid flowchart: the stack, its
// regions, their tenants, and each tenant's app (with its branch), database
// and key; protected resources say so.
func (p *Plan) WriteMermaid(w io.Writer) error {
	var b strings.Builder
	stack := nodeID("stack", p.Stack)
	fmt.Fprintf(&b, "flowchart LR\n")
	fmt.Fprintf(&b, "  %s([\"stack %s\"])\n", stack, label(p.Stack))
	for _, reg := range p.Regions {
		region := nodeID("region", reg.Name)
		fmt.Fprintf(&b, "  %s --> %s[\"%s\"]\n", stack, region, label(reg.Name))
		// The region's shared table and cluster, which pooled tenants use.
		shared := map[string]string{}
		for _, r := range reg.Shared {
			if shape, ok := drawn[r.Type]; ok && r.Type != "aws:kms/key:Key" {
				id := nodeID("res", r.Name)
				shared[r.Type] = id
				fmt.Fprintf(&b, "  %s --> %s%s%s<br/>shared %s%s%s\n", region, id, shape.open, label(r.Name), shape.label, protected(r), shape.close)
			}
		}
		for _, t := range reg.Tenants {
			tn := nodeID("tenant", t.ID)
			fmt.Fprintf(&b, "  %s --> %s([\"tenant %s\"])\n", region, tn, label(t.ID))
			if pool := pooledIn(t, shared); pool != "" {
				fmt.Fprintf(&b, "  %s -.-> %s\n", tn, pool)
			}
			app := ""
			for _, r := range t.Resources {
				shape, ok := drawn[r.Type]
				if !ok {
					continue
				}
				text := label(r.Name) + "<br/>" + shape.label
				if r.Type == "aws:amplify/branch:Branch" {
					text += " " + label(r.Inputs["branchName"])
				}
				text += protected(r)
				// The branch hangs off its app. Build sorts a tenant's
				// children by name, so <id>-app comes before <id>-main.
				from := tn
				if r.Type == "aws:amplify/branch:Branch" && app != "" {
					from = app
				}
				id := nodeID("res", r.Name)
				if r.Type == "aws:amplify/app:App" {
					app = id
				}
				fmt.Fprintf(&b, "  %s --> %s%s%s%s\n", from, id, shape.open, text, shape.close)
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func protected(r Resource) string {
	if r.Protected {
		return "<br/>protected"
	}
	return ""
}

// pooledIn is the node of the shared database a pooled tenant's data is
// in: the shared cluster for an Aurora tenant without a cluster of its own
// (it has an application role's secret, offboarded or not), the shared table for a tenant with neither
// a database nor a role; "" for a tenant with its own database.
func pooledIn(t Tenant, shared map[string]string) string {
	var ownDB, role bool
	for _, r := range t.Resources {
		switch r.Type {
		case "aws:dynamodb/table:Table", "aws:rds/cluster:Cluster":
			ownDB = true
		case "aws:secretsmanager/secret:Secret":
			role = role || strings.HasSuffix(r.Name, "-db-app-secret")
		}
	}
	switch {
	case ownDB:
		return ""
	case role:
		return shared["aws:rds/cluster:Cluster"]
	}
	return shared["aws:dynamodb/table:Table"]
}
