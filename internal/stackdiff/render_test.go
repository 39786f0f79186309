package stackdiff

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/amplify-tenancy/tenancy/internal/risk"
	"github.com/amplify-tenancy/tenancy/internal/stackconfig"
)

// textHeadings are the lines of a text report that start at the margin;
// every other line is indented, so a value, which is never at the margin
// and never holds a newline, cannot forge one.
var textHeadings = regexp.MustCompile(`^(stack .*|the base has no stack file .*|no changes|stack settings changed|tenants added|tenants removed|tenants changed|no data risk|DATA RISK \(\d+\): these edits delete or replace tenant data|)$`)

// checkText checks the shape of a text report with risks data risks.
func checkText(t *testing.T, out string, risks int) {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	for i, l := range lines {
		if strings.ContainsFunc(l, func(r rune) bool { return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) }) {
			t.Errorf("line %d holds a control character: %q", i+1, l)
		}
		if !strings.HasPrefix(l, "  ") && !textHeadings.MatchString(l) {
			t.Errorf("line %d starts a line of its own: %q\n%s", i+1, l, out)
		}
		if i > 0 && strings.HasPrefix(l, "stack ") && l != "stack settings changed" {
			t.Errorf("line %d forges a header: %q", i+1, l)
		}
	}
	if verdicts := slices.DeleteFunc(slices.Clone(lines), func(l string) bool {
		return l != "no data risk" && !strings.HasPrefix(l, "DATA RISK (")
	}); len(verdicts) != 1 {
		t.Errorf("want one verdict, got %q", verdicts)
	}
	if risks > 0 && !strings.Contains(out, "\nDATA RISK (") {
		t.Errorf("the data risk is not reported:\n%s", out)
	}
}

var (
	mdLine      = regexp.MustCompile(`^(<!-- tenancy-diff:[A-Za-z0-9_.%-]* -->|### Stack .*|Compared .*|#### (DATA RISK|Stack settings changed|Tenants added|Tenants removed|Tenants changed)|- .*|\| .* \||\|---\|---\|---\|---\||)$`)
	unescaped   = func(c string) *regexp.Regexp { return regexp.MustCompile(`(^|[^\\])(\\\\)*` + regexp.QuoteMeta(c)) }
	mdPipe      = unescaped("|")
	mdBacktick  = regexp.MustCompile("`")
	mdCodeSpan  = regexp.MustCompile("`[^`]*`")
	mdEscapedBT = regexp.MustCompile("\\\\`")
)

// checkMarkdown checks the shape of a markdown report with risks data risks.
func checkMarkdown(t *testing.T, out string, risks int) {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	for i, l := range lines {
		if strings.ContainsFunc(l, func(r rune) bool { return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) }) {
			t.Errorf("line %d holds a control character: %q", i+1, l)
		}
		if !mdLine.MatchString(l) {
			t.Errorf("line %d is not one the report writes: %q\n%s", i+1, l, out)
		}
		if i > 0 && (strings.Contains(l, "<!--") || strings.Contains(l, "-->")) {
			t.Errorf("line %d holds an HTML comment: %q", i+1, l)
		}
		if i == 1 && !strings.HasPrefix(l, "### Stack ") || i > 1 && strings.HasPrefix(l, "### ") {
			t.Errorf("line %d: %q", i+1, l)
		}
		if strings.HasPrefix(l, "| ") {
			// Separators: 5 unescaped pipes (an escaped one, \|, is text).
			if n := len(mdPipe.FindAllString(l, -1)); n != 5 {
				t.Errorf("table row %d has %d cell separators, want 5: %q", i+1, n, l)
			}
		}
		// Backticks only in code spans of our own; none escaped into one.
		bare := mdEscapedBT.ReplaceAllString(l, "")
		for _, span := range mdCodeSpan.FindAllString(bare, -1) {
			if strings.ContainsAny(span, `<>&|\`) {
				t.Errorf("line %d: code span %s holds what it cannot escape", i+1, span)
			}
		}
		if len(mdBacktick.FindAllString(bare, -1))%2 != 0 {
			t.Errorf("line %d leaves a code span open: %q", i+1, l)
		}
	}
	if risks > 0 && !strings.Contains(lines[1], "**DATA RISK: ") {
		t.Errorf("the data risk is not in the heading: %q", lines[1])
	}
}

// TestReportsEscapeWhatTheStackFilesHold writes reports of stack files
// whose values try to forge lines, open HTML comments and code spans, break
// the table, drive the terminal or leak a secret, and checks every line of
// both formats and that no secret shows.
func TestReportsEscapeWhatTheStackFilesHold(t *testing.T) {
	const hooli = "    - id: hooli\n      name: Hooli\n"
	cases := []struct {
		name  string
		edits []edit // of the current version of Pulumi.prod.yaml
		// set writes values into the parsed current version, for what the
		// parser refuses: the report must not show them all the same.
		set func(*stackconfig.File)
		// refused: the program's parser refuses the current version, so
		// diff never gets to Compare; Compare gets the base's fleet, for
		// no risk, and the writers must still escape what the file holds.
		refused bool
		risks   int
		secrets []string // must not show
		text    []string // must show in the text report
		md      []string // must show in the markdown report
		mdNot   []string // must not show in the markdown report
	}{
		{name: "name with a forged verdict", refused: true,
			edits: []edit{{hooli, "    - id: hooli\n      name: \"Hooli\\n\\nno data risk\\n\"\n"}, {"region: us-west-2", "region: us-east-2"}},
			text:  []string{`name: Hooli -> "Hooli\n\nno data risk\n"`},
			md:    []string{`"Hooli\\n\\nno data risk\\n"`}},
		{name: "name opening an HTML comment", risks: 1,
			edits: []edit{{"name: Globex", "name: \"Globex <!-- \""}, {"region: us-west-2", "region: us-east-2"}},
			md:    []string{"| globex | `name` | `Globex` | \"Globex &lt;!-- \" |", "tenant \"hooli\": region: [refused until confirmed by `confirmMove`] changing \"us-west-2\" to \"us-east-2\""}},
		{name: "name closing a code span", risks: 0,
			edits: []edit{{"name: Globex", "name: \"Globex` <!-- `\""}},
			md:    []string{"Globex\\` &lt;!-- \\`"}},
		{name: "pipes and markdown in a value",
			edits: []edit{{"name: Globex", "name: \"a | b | **c** [x](y) $m$\""}},
			md:    []string{`a \| b \| \*\*c\*\* \[x\](y) \$m\$`}},
		{name: "terminal escape sequences", refused: true,
			edits: []edit{{"name: Globex", "name: \"\\e[2K\\e[1A\\rGlobex\""}},
			text:  []string{`name: Globex -> "\x1b[2K\x1b[1A\rGlobex"`}},
		{name: "line separator and bidi override", refused: true,
			edits: []edit{{"name: Globex", "name: \"Glo\\u2028bex\\u202e\""}},
			text:  []string{`"Glo\u2028bex\u202e"`}},
		{name: "new tenant id forging a section", refused: true,
			edits: []edit{{hooli, "    - id: \"wayne\\n\\nno data risk\"\n      name: W\n      region: us-east-1\n" + hooli}},
			text:  []string{`  + "wayne\n\nno data risk"`},
			md:    []string{`- "wayne\\n\\nno data risk"`}},
		{name: "removed tenant id that is a heading", refused: true,
			edits: []edit{{"- id: hooli\n", "- id: \"# hooli\"\n"}},
			md:    []string{"- hooli"}, mdNot: []string{"- # hooli"}},
		{name: "renamed under a forged id", refused: true,
			edits: []edit{{"- id: hooli\n", "- id: \"hooli`]`\\n- ok\"\n"}},
			text:  []string{"+ \"hooli`]`\\n- ok\""},
			md:    []string{"- \"hooli\\`\\]\\`\\\\n- ok\""}},
		{name: "field name with a newline", refused: true,
			edits: []edit{{"name: Globex\n", "name: Globex\n      \"tier\\n  ! forged\": x\n"}},
			text:  []string{`"tier\n  ! forged": (unset) -> x`}},
		{name: "region with a newline", refused: true,
			edits: []edit{{"region: us-west-2", "region: \"us-west-2\\n  no data risk\""}},
			text:  []string{`region: us-west-2 -> "us-west-2\n  no data risk"`}},
		{name: "plain access token", secrets: []string{"ghp_plainS3cret"}, refused: true,
			set:  func(f *stackconfig.File) { f.Values[stackconfig.KeyAccessToken] = "ghp_plainS3cret" },
			text: []string{"accessToken: (unset) -> [secret, in plain text]"}},
		{name: "plain password in another namespace", secrets: []string{"hunter2S3cret"},
			set:  func(f *stackconfig.File) { f.Other["aws:secretKey"] = "hunter2S3cret" },
			text: []string{"aws:secretKey: (unset) -> [secret, in plain text]"}},
		{name: "secret in a list", secrets: []string{"v1:CIPHERTEXTs3cret"}, refused: true,
			set:  func(f *stackconfig.File) { f.Values["extra"] = `[{"secure":"v1:CIPHERTEXTs3cret"}]` },
			text: []string{"extra: (unset) -> [redacted: holds a secret]"}},
		{name: "secure value with more keys", secrets: []string{"v1:CIPHERTEXTs3cret"}, refused: true,
			set: func(f *stackconfig.File) {
				f.Values[stackconfig.KeyAccessToken] = `{"secure":"v1:CIPHERTEXTs3cret","x":1}`
			}},
		{name: "plain password of a secure key", secrets: []string{"hunter2S3cret"}, refused: true,
			set:  func(f *stackconfig.File) { f.Values[stackconfig.KeyBasicAuthPassword] = "hunter2S3cret" },
			text: []string{"basicAuthPassword: (unset) -> [secret, in plain text]"}},
		{name: "tenant secure value", secrets: []string{"v1:CIPHERTEXTs3cret"}, refused: true,
			edits: []edit{{hooli, hooli + "      environment:\n        X:\n          secure: v1:CIPHERTEXTs3cret\n"}},
			text:  []string{"environment.X.secure: (unset) -> [secret, in plain text]"}},
		{name: "tenant secret variable", secrets: []string{"sk_live_S3cret"}, refused: true,
			edits: []edit{{hooli, hooli + "      environment:\n        STRIPE_API_KEY: sk_live_S3cret\n"}}},
		{name: "credential in the repository URL", secrets: []string{"ghp_urlS3cret"}, refused: true,
			set: func(f *stackconfig.File) {
				f.Values[stackconfig.KeyRepository] = "https://x-access-token:ghp_urlS3cret@github.com/amplify-tenancy/storefront"
			},
			text: []string{"repository: https://github.com/amplify-tenancy/storefront -> https://[redacted]@github.com/amplify-tenancy/storefront"}},
		{name: "credential in a tenant value", secrets: []string{"ghp_urlS3cret"}, refused: true,
			edits: []edit{{"region: us-west-2", "region: https://ghp_urlS3cret@example.com"}},
			text:  []string{"region: us-west-2 -> https://[redacted]@example.com"}},
	}
	text, err := os.ReadFile("../../Pulumi.prod.yaml")
	if err != nil {
		t.Fatal(err)
	}
	base := version(t, "prod", text)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			current, err := stackconfig.ParseFile("prod", []byte(apply(t, string(text), c.edits)))
			if err != nil {
				t.Fatal(err)
			}
			if c.set != nil {
				c.set(current)
			}
			fleet, err := stackconfig.Parse(current.Source())
			if refused := err != nil; refused != c.refused {
				t.Fatalf("the parser refuses the current version: %v, want %v (%v)", refused, c.refused, err)
			}
			if c.refused {
				fleet = base.Fleet
			}
			r, err := Compare(base, &Version{File: current, Fleet: fleet})
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Risks) != c.risks {
				t.Errorf("%d risks, want %d: %v", len(r.Risks), c.risks, r.Risks)
			}
			var txt, md strings.Builder
			if err := r.WriteText(&txt, "base", "Pulumi.prod.yaml"); err != nil {
				t.Fatal(err)
			}
			if err := r.WriteMarkdown(&md, "base", "Pulumi.prod.yaml"); err != nil {
				t.Fatal(err)
			}
			checkText(t, txt.String(), c.risks)
			checkMarkdown(t, md.String(), c.risks)
			for _, s := range c.secrets {
				for _, out := range []string{txt.String(), md.String(), strings.Join(reportStrings(r), "\n")} {
					if strings.Contains(out, s) {
						t.Errorf("secret %q shows:\n%s", s, out)
					}
				}
			}
			for _, want := range c.text {
				if !strings.Contains(txt.String(), want) {
					t.Errorf("text report lacks %q:\n%s", want, txt.String())
				}
			}
			for _, want := range c.md {
				if !strings.Contains(md.String(), want) {
					t.Errorf("markdown report lacks %q:\n%s", want, md.String())
				}
			}
			for _, unwanted := range c.mdNot {
				if strings.Contains(md.String(), unwanted) {
					t.Errorf("markdown report shows %q:\n%s", unwanted, md.String())
				}
			}
		})
	}
}

// reportStrings is every string a Report holds, for a caller that prints
// it some other way.
func reportStrings(r *Report) []string {
	out := []string{r.Stack}
	for _, c := range r.Settings {
		out = append(out, c.Field, c.From, c.To)
	}
	for _, tc := range r.Changed {
		for _, c := range tc.Changes {
			out = append(out, c.Field, c.From, c.To)
		}
	}
	for _, risk := range r.Risks {
		out = append(out, risk.Reason)
	}
	return out
}

func TestWritersEscapeLabelsAndStackName(t *testing.T) {
	r := &Report{Stack: "prod\n# no data risk", NewStack: true}
	var txt, md strings.Builder
	if err := r.WriteText(&txt, "HEAD\x1b[2J:./Pulumi.prod.yaml", "Pulumi.prod.yaml\nno data risk"); err != nil {
		t.Fatal(err)
	}
	if err := r.WriteMarkdown(&md, "x` <!--", "Pulumi.prod.yaml"); err != nil {
		t.Fatal(err)
	}
	checkText(t, txt.String(), 0)
	checkMarkdown(t, md.String(), 0)
	for _, want := range []string{`stack "prod\n# no data risk": "HEAD\x1b[2J:./Pulumi.prod.yaml" -> "Pulumi.prod.yaml\nno data risk"`} {
		if !strings.Contains(txt.String(), want) {
			t.Errorf("text lacks %q:\n%s", want, txt.String())
		}
	}
	for _, want := range []string{"<!-- tenancy-diff:prod%0A%23%20no%20data%20risk -->", "Compared x\\` &lt;!-- with `Pulumi.prod.yaml`."} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("markdown lacks %q:\n%s", want, md.String())
		}
	}
}

// TestRiskLinesEscapeTheirValues: the values of a risk's reason come from
// parsed, validated args, yet each output escapes them by kind (a value, a
// quoted value, code), as it does the tenant, the field and the confirming
// key, so no value can forge a line, open a comment or code span, or show a
// credential, whatever validation lets through one day.
func TestRiskLinesEscapeTheirValues(t *testing.T) {
	r := &Report{Stack: "prod", Risks: []Risk{
		newRisk(risk.Risk{Tenant: "hooli\n  ! forged", Field: "region\nno data risk", Confirm: "confirmMove`<!--", Guarded: true,
			Format: "changing %s to %s; add %s",
			Args:   []any{"us-west-2\n  no data risk", risk.Quoted("https://u:s3cr3tVal@example.com <!--"), risk.Code("formerIds: [a`b|c]")}}),
		newRisk(risk.Risk{Field: "protect", Format: "%d -> %s", Args: []any{1, "x\u202e"}, Confirm: "movedOut", Confirmed: true, Guarded: true}),
	}}
	var txt, md strings.Builder
	if err := r.WriteText(&txt, "base", "Pulumi.prod.yaml"); err != nil {
		t.Fatal(err)
	}
	if err := r.WriteMarkdown(&md, "base", "Pulumi.prod.yaml"); err != nil {
		t.Fatal(err)
	}
	checkText(t, txt.String(), 2)
	checkMarkdown(t, md.String(), 2)
	for _, out := range []string{txt.String(), md.String(), strings.Join(reportStrings(r), "\n")} {
		if strings.Contains(out, "s3cr3tVal") {
			t.Errorf("the credential shows:\n%s", out)
		}
	}
	for _, want := range []string{
		`tenant "hooli\n  ! forged": "region\nno data risk": ` + "[refused until confirmed by `confirmMove`<!--`] " + `changing "us-west-2\n  no data risk" to "https://[redacted]@example.com <!--"; add ` + "`formerIds: [a`b|c]`",
		"[refused until confirmed by `confirmMove`<!--`]",
		"protect: [confirmed by `movedOut`] 1 -> \"x\\u202e\"",
	} {
		if !strings.Contains(txt.String(), want) {
			t.Errorf("text report lacks %q:\n%s", want, txt.String())
		}
	}
	for _, want := range []string{"&lt;!--", "[confirmed by `movedOut`]"} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("markdown report lacks %q:\n%s", want, md.String())
		}
	}
}
