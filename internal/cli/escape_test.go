package cli

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestCommandsEscapeAndRedact runs every command on stack files whose
// values try to forge lines, open HTML comments and code spans, drive the
// terminal or leak a secret, and checks the whole output (checkOutput,
// checkRefusals, checkSecrets, as the fuzz targets do).
func TestCommandsEscapeAndRedact(t *testing.T) {
	const tenants = `
  tenancy:tenants:
    - id: acme
      name: Acme
      region: us-east-1
`
	base := "config:\n  tenancy:repository: https://github.com/example/storefront\n" + tenants
	cases := []struct {
		name    string
		file    string   // the current stack file
		secrets []string // must not show
		// want must show, in the output of some command: one of each list.
		// A stack file's parser that refuses plain secrets and credentials
		// stops the commands before they render them, so the cases that
		// plant one accept either the refusal or the redacted rendering.
		// diff refuses what validate refuses, so what only diff would
		// render of a refused file is checked in internal/stackdiff.
		want [][]string
	}{
		{name: "name forging a verdict",
			file: strings.NewReplacer("name: Acme", "name: \"Acme\\n\\nno data risk\\n<!-- \"", "us-east-1", "us-east-2").Replace(base),
			want: [][]string{{`error: tenant "acme": name: `}}},
		{name: "name opening a comment and a code span, region moved",
			file: strings.NewReplacer("name: Acme", "name: \"Acme <!-- `x` | *y*\"", "us-east-1", "us-east-2").Replace(base),
			want: [][]string{{"name: Acme -> Acme <!-- `x` | *y*"}, {"&lt;!-- \\`x\\` \\| \\*y\\*"}, {"DATA RISK (1)"}}},
		{name: "forged tenant id",
			file: base + "    - id: \"evil\\nerror: ok\"\n      name: E\n      region: eu-west-1\n",
			want: [][]string{{`tenant "evil\nerror: ok": id:`}}},
		{name: "unknown key with escapes",
			file: base + "  \"tenancy:x\\e[2J\\ry\": 1\n",
			want: [][]string{{`error: x\x1b[2J\ry: unknown key`, `error: "x\x1b[2J\ry": unknown key`}}},
		{name: "region moved under an HTML comment",
			file: strings.Replace(base, "region: us-east-1", "region: \"eu-west-1 <!--\"", 1),
			want: [][]string{{`"eu-west-1 <!--" does not offer Amplify Hosting`}}},
		{name: "plain access token", secrets: []string{"ghp_plainS3cret"},
			file: base + "  tenancy:accessToken: ghp_plainS3cret\n",
			want: [][]string{{"accessToken: (unset) -> [secret, in plain text]", "error: stack prod: accessToken: is a secret but is written in plain text"}}},
		{name: "plain password and a bad protect", secrets: []string{"hunter2S3cret"},
			file: base + "  tenancy:basicAuthPassword: hunter2S3cret\n  tenancy:protect: maybe\n",
			want: [][]string{{`error: protect: "maybe" is not true or false`, "error: stack prod: basicAuthPassword: is a secret but is written in plain text"}}},
		{name: "credential in the repository URL", secrets: []string{"ghp_urlS3cret"},
			file: strings.Replace(base, "https://github.com", "https://x-access-token:ghp_urlS3cret@github.com", 1),
			want: [][]string{{"repository=https://[redacted]@github.com/example/storefront", "must not carry credentials"}}},
		{name: "credential in a refused repository URL", secrets: []string{"ghp_urlS3cret"},
			file: strings.Replace(base, "https://github.com", "http://x-access-token:ghp_urlS3cret@github.com", 1),
			want: [][]string{{`error: repository: "http://[redacted]@github.com/example/storefront" must be an https:// repository URL`, `error: repository: "***@github.com/example/storefront"`}}},
		{name: "credential without a scheme", secrets: []string{"ghp_urlS3cret"},
			file: strings.Replace(base, "https://github.com", "x-access-token:ghp_urlS3cret@github.com", 1),
			want: [][]string{{`"[redacted]@github.com/example/storefront" must be an https:// repository URL`, `error: repository: "***@github.com/example/storefront"`}}},
		{name: "secret variable", secrets: []string{"sk_live_S3cret"},
			file: base + "      environment:\n        STRIPE_API_KEY: sk_live_S3cret\n",
			want: [][]string{{"environment.STRIPE_API_KEY: looks like a secret"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			path, basePath := filepath.Join(dir, "Pulumi.prod.yaml"), filepath.Join(dir, "base.yaml")
			if err := os.WriteFile(path, []byte(c.file), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(basePath, []byte(base), 0o600); err != nil {
				t.Fatal(err)
			}
			var all strings.Builder
			for _, cmd := range []struct {
				format string
				args   []string
			}{
				{"validate", []string{"validate", "--file", path}},
				{"plan table", []string{"plan", "--file", path}},
				{"plan json", []string{"plan", "--file", path, "--format", "json"}},
				{"plan mermaid", []string{"plan", "--file", path, "--format", "mermaid"}},
				{"diff text", []string{"diff", "--file", path, "--base", basePath}},
				{"diff markdown", []string{"diff", "--file", path, "--base", basePath, "--format", "markdown"}},
			} {
				r := runTwice(t, cmd.args...)
				checkOutput(t, cmd.format, r)
				checkRefusals(t, cmd.format, r)
				checkSecrets(t, cmd.format, r, c.secrets...)
				all.WriteString(r.stdout + r.stderr)
			}
			for _, want := range c.want {
				if !slices.ContainsFunc(want, func(w string) bool { return strings.Contains(all.String(), w) }) {
					t.Errorf("no command printed any of %q:\n%s", want, all.String())
				}
			}
		})
	}
}

// TestErrorsStayOnOneLine: what fail prints, from flags, files and git,
// is escaped like any value.
func TestErrorsStayOnOneLine(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"flag with escapes", []string{"validate", "--st\x1b[2Jack", "dev"}, `error: flag provided but not defined: -st\x1b[2Jack`},
		{"missing file with a newline", []string{"validate", "--file", "no\nerror: ok.yaml"}, `no\nerror: ok.yaml: no such file`},
		{"base with a credential", []string{"diff", "--file", "../../Pulumi.prod.yaml", "--base", "https://u:s3cr3t@example.com/x"}, "https://[redacted]@example.com/x"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := runCommand(c.args...)
			if r.code != ExitFailed || !strings.Contains(r.stderr, c.want) {
				t.Errorf("exit %d, want %d; stderr should contain %q:\n%s", r.code, ExitFailed, c.want, r.stderr)
			}
			for _, l := range strings.Split(strings.TrimSpace(r.stderr), "\n") {
				if strings.HasPrefix(l, "error: ok") || strings.IndexFunc(l, controlChar) >= 0 {
					t.Errorf("forged or raw line %q", l)
				}
			}
			if strings.Contains(r.stderr, "s3cr3t") {
				t.Errorf("a credential shows:\n%s", r.stderr)
			}
		})
	}
}
