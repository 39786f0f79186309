package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/amplify-tenancy/tenancy/internal/cli"
	"github.com/amplify-tenancy/tenancy/internal/deploy"
	"gopkg.in/yaml.v3"
)

// docFiles are the manuals whose commands and keys must stay true.
func docFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("docs/*.md")
	if err != nil {
		t.Fatal(err)
	}
	return append([]string{"README.md"}, files...)
}

var (
	// goRunCommand matches `go run . <command>` and `go run . fleet <sub>`.
	goRunCommand = regexp.MustCompile(`go run \. ([a-z]+)(?: ([a-z]+))?`)
	// configKey matches a stack-wide key such as tenancy:accessToken; a
	// second colon makes it a type token (tenancy:tenant:TenantStack).
	configKey = regexp.MustCompile(`tenancy:([a-zA-Z]+)(:?)`)
)

// TestDocsNameRealCommands keeps every `go run . <command>` of README and
// docs/ a command the program knows: run without flags, it may fail for a
// missing flag, never as an unknown command.
func TestDocsNameRealCommands(t *testing.T) {
	seen := map[string]bool{}
	for _, file := range docFiles(t) {
		text, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range goRunCommand.FindAllStringSubmatch(string(text), -1) {
			args := []string{m[1]}
			if m[1] == "fleet" && m[2] != "" {
				args = append(args, m[2])
			}
			key := strings.Join(args, " ")
			if seen[key] {
				continue
			}
			seen[key] = true
			var stdout, stderr bytes.Buffer
			cli.Run(args, cli.Env{Stdout: &stdout, Stderr: &stderr, Program: deploy.Program})
			if strings.Contains(stderr.String(), "unknown") && strings.Contains(stderr.String(), "command") {
				t.Errorf("%s: `go run . %s` is not a command: %s", file, key, firstLine(stderr.String()))
			}
		}
	}
	if len(seen) == 0 {
		t.Fatal("no `go run .` command found in the docs")
	}
}

// TestDocsNameDeclaredKeys keeps every tenancy:<key> of README and docs/
// a key Pulumi.yaml declares (the engine refuses undeclared ones).
func TestDocsNameDeclaredKeys(t *testing.T) {
	raw, err := os.ReadFile("Pulumi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var project struct {
		Config map[string]any `yaml:"config"`
	}
	if err := yaml.Unmarshal(raw, &project); err != nil {
		t.Fatal(err)
	}
	for _, file := range docFiles(t) {
		text, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range configKey.FindAllStringSubmatch(string(text), -1) {
			if m[2] == ":" {
				continue
			}
			if _, ok := project.Config["tenancy:"+m[1]]; !ok {
				t.Errorf("%s: tenancy:%s is not declared in Pulumi.yaml", file, m[1])
			}
		}
	}
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// shellLines are the lines of the sh code blocks of a manual, in order.
func shellLines(text string) []string {
	var out []string
	in := false
	for line := range strings.SplitSeq(text, "\n") {
		switch {
		case strings.HasPrefix(line, "```sh"):
			in = true
		case strings.HasPrefix(line, "```"):
			in = false
		case in:
			out = append(out, line)
		}
	}
	return out
}

// loginFile matches `pulumi login file://<path>`, quoted or not.
var loginFile = regexp.MustCompile(`pulumi login "?file://([^"\s]+)"?`)

// TestDocsSetUpInAnOrderThatWorks walks each manual's shell steps as a new
// user runs them: a file:// backend's folder is made before the login
// (login does not create it), the passphrase or Pulumi Cloud token is set
// before a stack is created, and secrets are set only after login and
// stack init (config set needs the stack and its encryption salt).
func TestDocsSetUpInAnOrderThatWorks(t *testing.T) {
	for _, file := range docFiles(t) {
		text, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var made []string
		credentials, login, stackInit := false, false, false
		for _, line := range shellLines(string(text)) {
			command, _, _ := strings.Cut(line, " #")
			if strings.HasPrefix(strings.TrimSpace(command), "#") {
				continue
			}
			if i := strings.Index(command, "mkdir -p "); i >= 0 {
				made = append(made, strings.Trim(strings.Fields(command[i+len("mkdir -p "):])[0], `"`))
			}
			if m := loginFile.FindStringSubmatch(command); m != nil {
				if !slices.Contains(made, m[1]) {
					t.Errorf("%s: %q logs in to a folder no earlier step makes (mkdir -p)", file, strings.TrimSpace(line))
				}
			}
			credentials = credentials || strings.Contains(command, "PULUMI_CONFIG_PASSPHRASE") || strings.Contains(command, "PULUMI_ACCESS_TOKEN")
			login = login || strings.Contains(command, "pulumi login")
			// A stack made in a comment's alternative counts too.
			if strings.Contains(line, "pulumi stack init") {
				if !credentials {
					t.Errorf("%s: %q creates a stack before the passphrase or token is set", file, strings.TrimSpace(line))
				}
				stackInit = true
			}
			if strings.Contains(command, "pulumi config set --secret") && !(login && stackInit) {
				t.Errorf("%s: %q sets a secret before pulumi login and pulumi stack init", file, strings.TrimSpace(line))
			}
		}
	}
}
