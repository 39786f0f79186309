package stackconfig

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"gopkg.in/yaml.v3"
)

// File is a stack file (Pulumi.<stack>.yaml) read without the Pulumi CLI.
type File struct {
	// Stack is the stack name taken from the file name.
	Stack string
	// Values are the plain values under "tenancy:", objects and lists as
	// JSON, the way the engine hands them to a program.
	Values map[string]string
	// Secrets are the keys set as secrets (`secure:` values). Their
	// ciphertext is not read.
	Secrets map[string]bool
	// Other are keys of other namespaces (aws:, pulumi:), kept for the caller.
	Other map[string]string
}

// ReadFile reads a stack file. The stack name comes from the file name
// Pulumi.<stack>.yaml.
func ReadFile(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	stack := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(path), "Pulumi."), ".yaml")
	return ParseFile(stack, data)
}

// ParseFile reads a stack file's contents.
func ParseFile(stack string, data []byte) (*File, error) {
	var doc struct {
		Config map[string]any `yaml:"config"`
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("stack %s: %w", stack, err)
	}
	f := &File{Stack: stack, Values: map[string]string{}, Secrets: map[string]bool{}, Other: map[string]string{}}
	for full, v := range doc.Config {
		ns, key, ok := strings.Cut(full, ":")
		if !ok {
			ns, key = Project, full
		}
		if m, isMap := v.(map[string]any); isMap && len(m) == 1 && m["secure"] != nil {
			if ns == Project {
				f.Secrets[key] = true
			}
			continue
		}
		text, err := rawValue(v)
		if err != nil {
			return nil, fmt.Errorf("stack %s: %s: %w", stack, full, err)
		}
		if ns == Project {
			f.Values[key] = text
		} else {
			f.Other[full] = text
		}
	}
	return f, nil
}

// rawValue renders a config value the way the engine passes it to a program:
// strings as they are, everything else as JSON.
func rawValue(v any) (string, error) {
	if s, ok := v.(string); ok {
		return s, nil
	}
	out, err := json.Marshal(v)
	return string(out), err
}

// Source reads the file as the program would, with stand-ins for secrets
// the file holds (their ciphertext needs the stack's passphrase).
func (f *File) Source() Source {
	return Source{
		Stack: f.Stack,
		Get: func(key string) (string, bool) {
			v, ok := f.Values[key]
			return v, ok && v != ""
		},
		Secret: func(key string) pulumi.StringInput {
			if f.Secrets[key] {
				return standInSecret()
			}
			return nil
		},
		Keys: func() []string {
			keys := make([]string, 0, len(f.Values)+len(f.Secrets))
			for k := range f.Values {
				keys = append(keys, k)
			}
			for k := range f.Secrets {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			return keys
		},
		MissingSecretsAreWarnings: true,
	}
}

// Config returns the file as the config map a program receives, keys with
// their namespace, with the given secret values added, and the secret keys.
func (f *File) Config(secrets map[string]string) (values map[string]string, secretKeys []string) {
	values = map[string]string{}
	for k, v := range f.Values {
		values[Project+":"+k] = v
	}
	for k, v := range f.Other {
		values[k] = v
	}
	for k, v := range secrets {
		values[Project+":"+k] = v
		secretKeys = append(secretKeys, Project+":"+k)
	}
	slices.Sort(secretKeys)
	return values, secretKeys
}

// StandInSecret is the value offline commands give a secret: its real value
// is encrypted with a passphrase they do not have, and is never shown.
const StandInSecret = "[secret]"

func standInSecret() pulumi.StringOutput {
	return pulumi.ToSecret(pulumi.String(StandInSecret)).(pulumi.StringOutput)
}

// StringList reads a list-of-strings key as written; a missing or malformed
// value reads as empty (Parse reports a malformed one).
func (f *File) StringList(key string) []string {
	var out []string
	_ = json.Unmarshal([]byte(f.Values[key]), &out)
	return out
}
