// Package editorschema generates the JSON Schema editors use to complete
// and check stack files (docs/stack.schema.json), from the parser's own
// tables rather than by hand, so the schema follows the parser:
//   - the keys under "tenancy:" are stackconfig.StackKeys(), each typed
//     by Pulumi.yaml's declaration (kept equal to the parser's keys by
//     stackconfig's TestPulumiYAMLDeclaresEveryKey) or, for the structured
//     ones, by the Go type the parser decodes it into
//     (stackconfig.ValueType): its json tags are the only keys accepted;
//   - enums come from the tenant package (regions, isolation levels) and
//     its constants (tiers, statuses, platforms, engines);
//   - bounds and patterns come from rules.go, each checked against the
//     parser by this package's tests;
//   - descriptions come from Pulumi.yaml (stack keys) and README.md's
//     config reference (tenant fields).
//
// The schema is JSON Schema draft-07, the newest draft yaml-language-server
// (the VS Code YAML extension) supports: "Supports JSON Schema 7 and
// below" (yaml-language-server README on npm; redhat-developer/
// yaml-language-server issue #856 asks for newer drafts and is open).
//
// Regenerate the committed file with:
//
//	go generate ./internal/editorschema
package editorschema

//go:generate go test -run TestSchemaIsCurrent -update .
