package cli

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// The fuzz targets run each offline command on stack files the fuzzer
// writes, with secrets planted in them, and check what every command must
// hold whatever the file says:
//   - it does not panic;
//   - it is deterministic: a second run prints the same, byte for byte;
//   - its output keeps its shape: no control character, no line a value
//     could have started (checkOutput);
//   - every refusal names a tenant and a field, or a key (checkRefusals);
//   - no planted secret shows, plain or encoded (checkSecrets).
// `go test` runs the seeds; explore one target at a time with
//   go test -run XXX -fuzz FuzzValidate -fuzztime 2m -fuzzminimizetime 3s -parallel 1 ./internal/cli
// (the default minimizes each new input for 60s, most of a 2m run).

// secrets are the values plant puts where a stack file keeps secrets.
type secrets struct {
	token    string // tenancy:accessToken written in plain text
	cipher   string // the ciphertext of tenancy:basicAuthPassword
	password string // the password of the repository URL
	variable string // a tenant's API_TOKEN environment variable
}

var (
	currentSecrets = secrets{"ghp_FUZZc0rrentTOKENq7", "v1:FUZZc0rrentCIPHERq7", "FUZZc0rrentURLPASSq7", "FUZZc0rrentVARIABLEq7"}
	baseSecrets    = secrets{"ghp_FUZZbas3TOKENz4", "v1:FUZZbas3CIPHERz4", "FUZZbas3URLPASSz4", "FUZZbas3VARIABLEz4"}
)

func (s secrets) all() []string { return []string{s.token, s.cipher, s.password, s.variable} }

// The secrets plant can write, as bits of its mask. The fuzzer chooses: a
// plain secret or a secret-named variable makes the stack invalid, and plan
// must also be explored on valid stacks.
const (
	plantToken = 1 << iota
	plantCipher
	plantPassword
	plantVariable
	plantAll = plantToken | plantCipher | plantPassword | plantVariable
)

// plant writes the secrets mask selects into a stack file: plain
// accessToken, secure basicAuthPassword, a credential in the repository
// URL, a secret-named variable of the first tenant. A file that is not a
// YAML mapping is left as it is (the commands refuse it).
func plant(data []byte, s secrets, mask uint8) (out []byte) {
	defer func() {
		if recover() != nil { // yaml.v3 on a pathological input: not ours to test here
			out = data
		}
	}()
	var doc yaml.Node
	if yaml.Unmarshal(data, &doc) != nil || doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return data
	}
	config := mapping(doc.Content[0], "config")
	if config == nil {
		return data
	}
	if mask&plantToken != 0 {
		set(config, "tenancy:accessToken", &yaml.Node{Kind: yaml.ScalarNode, Value: s.token})
	}
	if mask&plantCipher != 0 {
		secure := &yaml.Node{Kind: yaml.MappingNode}
		set(secure, "secure", &yaml.Node{Kind: yaml.ScalarNode, Value: s.cipher})
		set(config, "tenancy:basicAuthPassword", secure)
	}
	if mask&plantPassword != 0 {
		repo := "https://github.com/example/app"
		if v := get(config, "tenancy:repository"); v != nil && v.Kind == yaml.ScalarNode && strings.Contains(v.Value, "://") {
			repo = v.Value
		}
		scheme, rest, _ := strings.Cut(repo, "://")
		set(config, "tenancy:repository", &yaml.Node{Kind: yaml.ScalarNode, Value: scheme + "://x-access-token:" + s.password + "@" + rest})
	}
	if tenants := get(config, "tenancy:tenants"); mask&plantVariable != 0 && tenants != nil && tenants.Kind == yaml.SequenceNode &&
		len(tenants.Content) > 0 && tenants.Content[0].Kind == yaml.MappingNode {
		if env := mapping(tenants.Content[0], "environment"); env != nil {
			set(env, "API_TOKEN", &yaml.Node{Kind: yaml.ScalarNode, Value: s.variable})
		}
	}
	planted, err := yaml.Marshal(&doc)
	if err != nil {
		return data
	}
	return planted
}

func get(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

func set(m *yaml.Node, key string, v *yaml.Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			m.Content[i+1] = v
			return
		}
	}
	m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: key}, v)
}

// mapping returns the mapping under key, adding an empty one when there is
// none, or nil when key holds something else.
func mapping(m *yaml.Node, key string) *yaml.Node {
	v := get(m, key)
	if v == nil || v.Kind == yaml.ScalarNode && (v.Tag == "!!null" || v.Value == "") {
		v = &yaml.Node{Kind: yaml.MappingNode}
		set(m, key, v)
	}
	if v.Kind != yaml.MappingNode {
		return nil
	}
	return v
}

// result is what one run of a command printed.
type result struct {
	code           int
	stdout, stderr string
}

func runCommand(args ...string) result { return runWrapped(unwrapped, args...) }

// unwrapped is an Env.Width that wraps no line: each problem and item on
// one line, for the shape checks.
const unwrapped = 1 << 30

// runWrapped runs a command with Env.Width width.
func runWrapped(width int, args ...string) result {
	var stdout, stderr bytes.Buffer
	code := Run(args, Env{Stdout: &stdout, Stderr: &stderr, Program: program, Width: width})
	return result{code, stdout.String(), stderr.String()}
}

// runTwice runs a command twice, unwrapped, and fails when the runs
// differ; then as a person sees it, and fails unless that differs only in
// line breaks, each followed by an indentation, and fits 80 columns.
func runTwice(t *testing.T, args ...string) result {
	t.Helper()
	first, second := runCommand(args...), runCommand(args...)
	if first != second {
		t.Fatalf("%v is not deterministic:\nexit %d\n%s%s\nthen exit %d\n%s%s", args, first.code, first.stdout, first.stderr, second.code, second.stdout, second.stderr)
	}
	checkWrapped(t, args, first, runWrapped(0, args...))
	return first
}

// checkWrapped checks that wrapped is long, fitted to 80 columns: the same
// words, every line it adds indented, every line at most 80 columns but
// for markdown's headings, table rows and HTML comments (and the JSON and
// mermaid formats, which are not wrapped).
func checkWrapped(t *testing.T, args []string, long, wrapped result) {
	t.Helper()
	if wrapped.code != long.code {
		t.Errorf("%v: exit %d wrapped, %d unwrapped", args, wrapped.code, long.code)
	}
	raw := slices.Contains(args, "json") || slices.Contains(args, "mermaid")
	for _, out := range [][2]string{{long.stdout, wrapped.stdout}, {long.stderr, wrapped.stderr}} {
		// A word longer than a line is cut: compare without whitespace.
		if strings.Join(strings.Fields(out[0]), "") != strings.Join(strings.Fields(out[1]), "") {
			t.Errorf("%v: wrapping changed the text:\n%s\nwrapped:\n%s", args, out[0], out[1])
		}
		if n := strings.Count(out[1], "\n") - strings.Count(out[0], "\n"); n != strings.Count(out[1], "\n ")-strings.Count(out[0], "\n ") {
			t.Errorf("%v: wrapping added lines that are not indented:\n%s", args, out[1])
		}
		for _, l := range strings.Split(out[1], "\n") {
			if utf8.RuneCountInString(l) > 80 && !raw && !strings.HasPrefix(l, "#") && !strings.HasPrefix(l, "|") && !strings.HasPrefix(l, "<!--") {
				t.Errorf("%v: a line of %d columns: %q", args, utf8.RuneCountInString(l), l)
			}
		}
	}
}

func controlChar(r rune) bool {
	return r != '\n' && (r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == '\u2028' || r == '\u2029' || r == '\u202e')
}

var (
	stderrLine = regexp.MustCompile(`^(warning: .+|error: .+|stack .+: (1 problem|\d+ problems); the program would stop before creating anything)$`)
	// Refusals: a tenant and a field, or a key (a stack-wide field), or,
	// for a file that is not a YAML mapping with a config key, its line;
	// diff names the base version (base LABEL: ) a refusal is about.
	tenantField = regexp.MustCompile(`^(base \S+: )?tenant "(?:[^"\\]|\\.)*": [^ "][^:]*: .`)
	// A key is named as written, or quoted when it holds a space or quote.
	keyField = regexp.MustCompile(`^(base( \S+)?: )?(stack \S+: )?([^\s"]+|"(\\.|[^"\\])*"): \S`)
	fileLine = regexp.MustCompile(`^(base( \S+)?: )?stack \S+: (yaml: )?(.*\b)?line \d+`)
	// Text outputs start every line that is not indented with a fixed text;
	// a plan table's resource line is its name, type and protection, each
	// input line below it key=value.
	validateOK = regexp.MustCompile(`^\S.*: ok: stack .+ \(environment .+\), \d+ tenants? in \d+ regions?, \d+ warnings?$`)
	tableLine  = regexp.MustCompile(`^(stack .*: \d+ tenants? in \d+ regions?, \d+ resources?|offline plan under .*|  deployment, .*|  retained: .*|region \S+|outside any region or tenant||  provider \S.*|  shared by its tenants|  tenant \S+|    [a-z0-9][a-z0-9./-]*  +[a-z0-9]+:[A-Za-z0-9/]+:[A-Za-z0-9]+(  protected(, retained)?|  retained)?|      +[^\s=]+=.*|      +(protected(, retained)?|retained))$`)
	diffLine   = regexp.MustCompile(`^(stack .+ -> .+|the base has no stack file .*|no changes|stack settings changed|tenants added|tenants removed|tenants changed|no data risk|DATA RISK \(\d+\): these edits delete or replace tenant data||  .+)$`)
	mdLine     = regexp.MustCompile("^(<!-- tenancy-diff:[A-Za-z0-9_.%-]* -->|### Stack .*|Compared .*|#### (DATA RISK|Stack settings changed|Tenants added|Tenants removed|Tenants changed)|- .*|\\| .* \\||\\|---\\|---\\|---\\|---\\||)$")
	mdPipe     = regexp.MustCompile(`(^|[^\\])(\\\\)*\|`)
)

// checkOutput checks the shape of a command's output; format is the
// command and its format ("validate", "plan table", "diff markdown").
func checkOutput(t *testing.T, format string, r result) {
	t.Helper()
	for _, out := range []string{r.stdout, r.stderr} {
		if !utf8.ValidString(out) {
			t.Errorf("%s prints invalid UTF-8:\n%q", format, out)
		}
		if i := strings.IndexFunc(out, controlChar); i >= 0 {
			t.Errorf("%s prints a control character at %d:\n%q", format, i, out)
		}
	}
	lines := func(s string) []string {
		if s == "" {
			return nil
		}
		return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	}
	for _, l := range lines(r.stderr) {
		if !stderrLine.MatchString(l) {
			t.Errorf("%s: stderr line %q is not a warning, an error or the summary:\n%s", format, l, r.stderr)
		}
	}
	out := lines(r.stdout)
	if r.code == ExitFailed {
		if len(out) > 0 {
			t.Errorf("%s refused, yet printed a result:\n%s", format, r.stdout)
		}
		return
	}
	for i, l := range out {
		var ok bool
		switch format {
		case "validate":
			ok = len(out) == 1 && validateOK.MatchString(l)
		case "plan table":
			ok = tableLine.MatchString(l)
		case "diff text":
			ok = diffLine.MatchString(l) && (i == 0 || !strings.HasPrefix(l, "stack ") || l == "stack settings changed")
		case "diff markdown":
			ok = mdLine.MatchString(l) && (i == 0) == strings.HasPrefix(l, "<!--") && !strings.Contains(l[min(len(l), 4):], "<!--") &&
				!strings.Contains(l[:max(0, len(l)-3)], "-->") && strings.Count(strings.ReplaceAll(l, "\\`", ""), "`")%2 == 0 &&
				(!strings.HasPrefix(l, "| ") || len(mdPipe.FindAllString(l, -1)) == 5)
		default:
			ok = true
		}
		if !ok {
			t.Errorf("%s: line %d is not one the command writes: %q\n%s", format, i+1, l, r.stdout)
		}
	}
	if format == "diff text" || format == "diff markdown" {
		risk := strings.Contains(r.stdout, "DATA RISK")
		if (r.code == ExitDataRisk) != risk {
			t.Errorf("%s: exit %d, yet DATA RISK shown: %v", format, r.code, risk)
		}
	}
}

// checkRefusals checks that a refused stack names, in every error, what to
// fix.
func checkRefusals(t *testing.T, format string, r result) {
	t.Helper()
	if r.code != ExitFailed {
		return
	}
	var errs int
	for _, l := range strings.Split(r.stderr, "\n") {
		msg, ok := strings.CutPrefix(l, "error: ")
		if !ok {
			continue
		}
		errs++
		if !tenantField.MatchString(msg) && !keyField.MatchString(msg) && !fileLine.MatchString(msg) {
			t.Errorf("%s: refusal names no tenant and field, nor key: %q", format, msg)
		}
	}
	if errs == 0 {
		t.Errorf("%s: exit 1 without an error:\n%s", format, r.stderr)
	}
}

// checkSecrets checks that no planted secret shows, as it is, quoted or
// encoded.
func checkSecrets(t *testing.T, format string, r result, planted ...string) {
	t.Helper()
	for _, s := range planted {
		forms := []string{s, base64.StdEncoding.EncodeToString([]byte(s)), base64.URLEncoding.EncodeToString([]byte(s)), hex.EncodeToString([]byte(s)), url.QueryEscape(s)}
		for _, f := range forms {
			if strings.Contains(r.stdout, f) || strings.Contains(r.stderr, f) {
				t.Errorf("%s shows the secret %q (as %q):\n%s%s", format, s, f, r.stdout, r.stderr)
			}
		}
	}
}

// seeds are the committed stack files and a few small hostile ones.
func seeds(f *testing.F) [][]byte {
	var out [][]byte
	for _, path := range []string{"Pulumi.dev.yaml", "Pulumi.prod.yaml", "testdata/stacks/Pulumi.bad.yaml",
		"testdata/stacks/prod-base-risky.yaml", "testdata/stacks/prod-base-safe.yaml", "docs/split-stacks/Pulumi.prod-eu.yaml"} {
		data, err := os.ReadFile(filepath.Join("..", "..", path))
		if err != nil {
			f.Logf("seed %s: %v", path, err)
			continue
		}
		out = append(out, data)
	}
	return append(out,
		[]byte(""), []byte("config: 3"), []byte("config:\n  tenancy:tenants: x\n"),
		[]byte("config:\n  tenancy:tenants:\n    - id: \"a\\nerror: ok\"\n      name: \"<!-- `x`\"\n      region: \"us-east-1\\e[2J\"\n"),
		[]byte("config:\n  tenancy:protect: \"yes\\nno data risk\"\n  tenancy:tenants: [{id: acme, name: A, region: us-east-1, \"x\\ny\": 1}]\n"),
	)
}

func FuzzValidate(f *testing.F) {
	for _, s := range seeds(f) {
		f.Add(s, uint8(plantCipher))
		f.Add(s, uint8(plantAll))
	}
	f.Fuzz(func(t *testing.T, data []byte, mask uint8) {
		if len(data) > 1<<16 {
			return
		}
		path := filepath.Join(t.TempDir(), "Pulumi.fuzz.yaml")
		if err := os.WriteFile(path, plant(data, currentSecrets, mask), 0o600); err != nil {
			t.Fatal(err)
		}
		r := runTwice(t, "validate", "--file", path)
		checkOutput(t, "validate", r)
		checkRefusals(t, "validate", r)
		checkSecrets(t, "validate", r, currentSecrets.all()...)
	})
}

func FuzzPlan(f *testing.F) {
	for i, s := range seeds(f) {
		// A valid stack (only a secure secret) is planned; the others may be
		// refused, by a parser that refuses plain secrets and credentials.
		f.Add(s, uint8(plantCipher), i%2 == 0)
		f.Add(s, uint8(plantCipher|plantPassword), i%2 == 1)
		f.Add(s, uint8(plantAll), false)
	}
	f.Fuzz(func(t *testing.T, data []byte, mask uint8, json bool) {
		if len(data) > 1<<14 {
			return
		}
		path := filepath.Join(t.TempDir(), "Pulumi.fuzz.yaml")
		if err := os.WriteFile(path, plant(data, currentSecrets, mask), 0o600); err != nil {
			t.Fatal(err)
		}
		format := "table"
		if json {
			format = "json"
		}
		r := runTwice(t, "plan", "--file", path, "--format", format)
		checkOutput(t, "plan "+format, r)
		checkRefusals(t, "plan "+format, r)
		checkSecrets(t, "plan "+format, r, currentSecrets.all()...)
	})
}

func FuzzDiff(f *testing.F) {
	all := seeds(f)
	for i, s := range all {
		// Without a plain secret, which a parser may refuse, the files are
		// compared; with every secret, diff may refuse.
		f.Add(all[(i+1)%len(all)], s, uint8(plantCipher|plantPassword|plantVariable), i%2 == 0)
		f.Add(s, s, uint8(plantAll), i%2 == 1)
	}
	f.Fuzz(func(t *testing.T, base, current []byte, mask uint8, markdown bool) {
		if len(base)+len(current) > 1<<16 {
			return
		}
		dir := t.TempDir()
		basePath, path := filepath.Join(dir, "base.yaml"), filepath.Join(dir, "Pulumi.fuzz.yaml")
		if err := os.WriteFile(basePath, plant(base, baseSecrets, mask), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, plant(current, currentSecrets, mask), 0o600); err != nil {
			t.Fatal(err)
		}
		format := "text"
		if markdown {
			format = "markdown"
		}
		r := runTwice(t, "diff", "--file", path, "--base", basePath, "--format", format)
		checkOutput(t, "diff "+format, r)
		checkRefusals(t, "diff "+format, r)
		checkSecrets(t, "diff "+format, r, append(currentSecrets.all(), baseSecrets.all()...)...)
	})
}
