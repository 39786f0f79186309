package stackconfig

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"gopkg.in/yaml.v3"
)

// The converter reads every ordinary value exactly as yaml.v3's decoding
// followed by JSON did before it (the committed stack files, merges,
// aliases, numbers of every kind), so no stack's config changes meaning.
func TestConverterReadsValuesAsYAMLDoes(t *testing.T) {
	files, err := filepath.Glob("../../Pulumi.*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	more, _ := filepath.Glob("../../docs/split-stacks/*.yaml")
	stacks, _ := filepath.Glob("../../testdata/stacks/*.yaml")
	files = append(append(append(files, more...), stacks...), "testdata/Pulumi.base.yaml")
	docs := map[string]string{}
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		docs[path] = string(data)
	}
	docs["numbers"] = "config:\n  a: [0, -1, 1.5, 1e3, 0x1F, 0o17, 9223372036854775807, 18446744073709551615, 100000000000000000000, -0.0]\n"
	docs["scalars"] = "config:\n  a: [yes, no, on, off, true, false, ~, null, '', \"\", 'x', \"\\u00e9\", <a&b>]\n  b: |\n    block\n  c:\n"
	docs["merges"] = "config:\n  a: &a {x: 1, y: 2}\n  b: &b {y: 3, z: 4}\n  c: {<<: [*a, *b], x: 0}\n  d: {<<: *b, w: 5}\n"
	docs["aliases"] = "config:\n  a: &a [1, {b: &b x}]\n  c: [*a, *b]\n"
	docs["tags"] = "config:\n  a: [!!str 1, !!float 2, !!int \"3\", !custom x]\n"
	for name, text := range docs {
		t.Run(name, func(t *testing.T) {
			var doc yaml.Node
			if err := yaml.Unmarshal([]byte(text), &doc); err != nil {
				t.Fatal(err)
			}
			config, err := configNode(&doc)
			if err != nil || config == nil {
				t.Fatalf("no config: %v", err)
			}
			c := newConverter(len(text))
			for i := 0; i+1 < len(config.Content); i += 2 {
				key, v := config.Content[i].Value, config.Content[i+1]
				if secureForm(v) != notSecure {
					continue
				}
				var x any
				if err := v.Decode(&x); err != nil {
					t.Fatalf("%s: %v", key, err)
				}
				want, isString := x.(string)
				if !isString {
					out, err := json.Marshal(x)
					if err != nil {
						t.Fatalf("%s: %v", key, err)
					}
					want = string(out)
				}
				got, problems, _ := c.text(v)
				if len(problems) > 0 || got != want {
					t.Errorf("%s: got %s %v\nwant %s", key, got, problems, want)
				}
			}
		})
	}
}
