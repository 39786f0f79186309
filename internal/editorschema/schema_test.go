package editorschema

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

// root is the repository's root, from this package's directory.
const root = "../.."

var update = flag.Bool("update", false, "rewrite "+Path+" from the parser's tables")

// TestSchemaIsCurrent keeps the committed schema equal to what the
// parser's tables generate. Regenerate it with: go generate ./internal/editorschema
func TestSchemaIsCurrent(t *testing.T) {
	got, err := Generate(root)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(root, Path)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (generate it with: go generate ./internal/editorschema)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s is not what the parser's tables generate; regenerate it with: go generate ./internal/editorschema", Path)
	}
}
