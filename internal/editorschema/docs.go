package editorschema

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

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

// readmeRow matches a row of README's tenant table:
// | `database.engine` | type | default | example / rule |.
var readmeRow = regexp.MustCompile("^\\| `([A-Za-z.]+)` \\| (.*?) \\| (.*?) \\| (.*) \\|$")

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
		m := readmeRow.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		text := m[4]
		if m[3] != "" {
			text += ". Default: " + m[3] + "."
		}
		docs[m[1]] = text
	}
	if len(docs) == 0 {
		return nil, fmt.Errorf("README.md: the table %q has no rows", tenantTableTitle)
	}
	return docs, nil
}
