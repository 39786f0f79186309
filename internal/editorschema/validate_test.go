package editorschema

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/amplify-tenancy/tenancy/internal/stackconfig"
	"github.com/santhosh-tekuri/jsonschema/v5"
	"gopkg.in/yaml.v3"
)

// compileSchema compiles the schema the parser's tables generate now (the
// committed file is held equal to it by TestSchemaIsCurrent), checking it
// against draft-07's meta-schema; once per test binary.
var compileSchema = sync.OnceValues(func() (*jsonschema.Schema, error) {
	data, err := Generate(root)
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft7
	if err := c.AddResource("stack.schema.json", bytes.NewReader(data)); err != nil {
		return nil, err
	}
	return c.Compile("stack.schema.json")
})

// schema is compileSchema's schema.
func schema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	s, err := compileSchema()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// schemaVerdict validates a stack file's text the way an editor does: the
// YAML read as the JSON it stands for.
func schemaVerdict(t *testing.T, data []byte) error {
	t.Helper()
	var doc any
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return err
	}
	raw, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return err
	}
	return schema(t).Validate(v)
}

// parserVerdict reads a stack file as the offline commands do: the whole
// stack, or, for a shard's stack file (which names its fleet and shard and
// takes the fleet file's settings), the file alone.
func parserVerdict(stack string, data []byte) error {
	f, err := stackconfig.ParseFile(stack, data)
	if err != nil {
		return err
	}
	if _, shard := f.Values[stackconfig.KeyShard]; shard {
		return nil
	}
	_, err = stackconfig.Parse(f.Source())
	return err
}

// TestCommittedStackFiles checks every stack file the repository commits:
// the schema accepts exactly the ones the parser accepts.
func TestCommittedStackFiles(t *testing.T) {
	var files []string
	for _, pattern := range []string{"Pulumi.*.yaml", "docs/*/Pulumi.*.yaml", "testdata/*/Pulumi.*.yaml",
		"testdata/*/*/Pulumi.*.yaml", "internal/*/testdata/Pulumi.*.yaml", "examples/*/Pulumi.*.yaml"} {
		matches, err := filepath.Glob(filepath.Join(root, pattern))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, matches...)
	}
	if len(files) < 10 {
		t.Fatalf("found only %d stack files: %v", len(files), files)
	}
	for _, path := range files {
		rel, _ := filepath.Rel(root, path)
		t.Run(rel, func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			checkModeline(t, rel, data)
			stack := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(path), "Pulumi."), ".yaml")
			parsed := parserVerdict(stack, data)
			checked := schemaVerdict(t, data)
			if (parsed == nil) != (checked == nil) {
				t.Errorf("parser: %v\nschema: %v", orOK(parsed), orOK(checked))
			}
		})
	}
}

func orOK(err error) string {
	if err == nil {
		return "accepted"
	}
	return fmt.Sprintf("refused: %v", err)
}

// modeline is how a stack file names its schema for yaml-language-server.
const modeline = "# yaml-language-server: $schema="

// mustName are the stack files that must name the schema: the ones people
// edit.
var mustName = []string{"Pulumi.dev.yaml", "Pulumi.prod.yaml"}

// checkModeline checks that the stack file at rel (from the repository's
// root) names the schema by a path relative to itself, as
// yaml-language-server resolves it, in its first line; a file that names
// none must not be one of mustName.
func checkModeline(t *testing.T, rel string, data []byte) {
	t.Helper()
	first, _, _ := strings.Cut(string(data), "\n")
	ref, ok := strings.CutPrefix(first, modeline)
	if !ok {
		if slices.Contains(mustName, rel) {
			t.Errorf("the first line must be %s%s", modeline, Path)
		}
		return
	}
	if got := filepath.ToSlash(filepath.Join(filepath.Dir(rel), ref)); got != Path {
		want, _ := filepath.Rel(filepath.Dir(rel), Path)
		t.Errorf("names %s, which is %s from the root; write %s%s", ref, got, modeline, filepath.ToSlash(want))
	}
}
