package stackdiff

import (
	"github.com/amplify-tenancy/tenancy/internal/risk"
)

// Risk is an edit that would delete or replace data-bearing resources: a
// risk.Risk (which says whether config confirms it and whether the program
// refuses it) and its reason as text.
type Risk struct {
	risk.Risk
	// Reason says what would happen to the data, and what to do instead, as
	// text: the values in it are escaped by Text.
	Reason string
}

func newRisk(r risk.Risk) Risk {
	return Risk{Risk: r, Reason: r.Render(textOut.value, textOut.quoted, textOut.code)}
}

// verdict says what the program does with the risk: refuses it until
// config confirms it, lets it through since config confirms it, or lets it
// through as a deliberate step. Confirmed or not, it is a risk for the
// reviewer.
func (r Risk) verdict(out output) string {
	switch {
	case r.Confirmed:
		return "confirmed by " + out.code(r.Confirm)
	case r.Guarded && r.Confirm != "":
		return "refused until confirmed by " + out.code(r.Confirm)
	case r.Guarded:
		return "refused"
	}
	return "not refused"
}
