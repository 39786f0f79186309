package editorschema

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// declaration is a config key as Pulumi.yaml declares it.
type declaration struct {
	Type        string `yaml:"type"`
	Secret      bool   `yaml:"secret"`
	Description string `yaml:"description"`
}

// readDeclarations reads the config keys Pulumi.yaml declares, by full
// name (tenancy:branch).
func readDeclarations(root string) (map[string]declaration, error) {
	data, err := os.ReadFile(filepath.Join(root, "Pulumi.yaml"))
	if err != nil {
		return nil, err
	}
	var project struct {
		Config map[string]yaml.Node `yaml:"config"`
	}
	if err := yaml.Unmarshal(data, &project); err != nil {
		return nil, fmt.Errorf("Pulumi.yaml: %w", err)
	}
	out := map[string]declaration{}
	for key, node := range project.Config {
		var d declaration
		if node.Kind == yaml.MappingNode {
			if err := node.Decode(&d); err != nil {
				return nil, fmt.Errorf("Pulumi.yaml: %s: %w", key, err)
			}
		}
		out[key] = d
	}
	return out, nil
}

// fieldCell is the first cell of a row of README's tenant table: the
// field's dotted path in backquotes.
var fieldCell = regexp.MustCompile("^`([A-Za-z.]+)`$")

// tenantTableTitle starts README's table of tenant keys.
const tenantTableTitle = "Tenant keys (one object per tenant under `tenancy:tenants`)"

// readFieldDocs reads README's table of tenant keys: a description of each
// field by its dotted path inside a tenant (database.engine), made of its
// rule or example and its default.
func readFieldDocs(root string) (map[string]string, error) {
	data, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		return nil, err
	}
	_, table, ok := strings.Cut(string(data), tenantTableTitle)
	if !ok {
		return nil, fmt.Errorf("README.md: no table %q", tenantTableTitle)
	}
	docs := map[string]string{}
	for _, line := range strings.Split(table, "\n")[1:] {
		line = strings.TrimSpace(line)
		if line == "" && len(docs) > 0 {
			break
		}
		cells := tableCells(line)
		if len(cells) != 4 {
			continue
		}
		m := fieldCell.FindStringSubmatch(cells[0])
		if m == nil {
			continue
		}
		text := capitalize(cells[3])
		if cells[2] != "" {
			text += ". Default: " + cells[2] + "."
		}
		docs[m[1]] = text
	}
	if len(docs) == 0 {
		return nil, fmt.Errorf("README.md: the table %q has no rows", tenantTableTitle)
	}
	return docs, nil
}

// tableCells splits a markdown table row into its trimmed cells; an
// escaped \| stays in its cell as |.
func tableCells(line string) []string {
	if !strings.HasPrefix(line, "|") || !strings.HasSuffix(line, "|") {
		return nil
	}
	const bar = "\x00"
	line = strings.ReplaceAll(line[1:len(line)-1], `\|`, bar)
	cells := strings.Split(line, "|")
	for i, c := range cells {
		cells[i] = strings.ReplaceAll(strings.TrimSpace(c), bar, "|")
	}
	return cells
}

// capitalize starts s with a capital letter, as a sentence.
func capitalize(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[size:]
}
