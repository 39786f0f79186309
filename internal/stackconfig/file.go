package stackconfig

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/amplify-tenancy/tenancy/internal/secretrules"
	"github.com/amplify-tenancy/tenancy/tenant"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"gopkg.in/yaml.v3"
)

// File is a stack file (Pulumi.<stack>.yaml) read without the Pulumi CLI.
type File struct {
	// Stack is the stack name taken from the file name.
	Stack string
	// Values are the plain values under "tenancy:", objects and lists as
	// JSON, the way the engine hands them to a program. ParseFile never puts
	// a secret key here.
	Values map[string]string
	// Secrets are the keys set as secrets (`secure:` values). Their
	// ciphertext is not read.
	Secrets map[string]bool
	// Other are keys of other namespaces (aws:, pulumi:), kept for the caller.
	Other map[string]string
}

// ReadFile reads a stack file. The stack name comes from the file name
// Pulumi.<stack>.yaml. A file larger than maxFileBytes is refused without
// reading the rest of it.
func ReadFile(path string) (*File, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, maxFileBytes+1))
	if err != nil {
		return nil, err
	}
	stack := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(path), "Pulumi."), ".yaml")
	return ParseFile(stack, data)
}

// ParseFile reads a stack file's contents. It refuses the file, with every
// problem at once, each a *tenant.FieldError wrapped with the stack's name,
// when it holds:
//   - more than maxFileBytes, or bytes that are not UTF-8 (naming the line);
//   - a key set twice, under one spelling or two: tenancy:tenants and a
//     bare tenants are one key to the engine, and one of them would win;
//   - a secret key (SecretKeys, or a key spelt nearly like one) in plain
//     text rather than as `secure:`. Its value is not read, and no error
//     repeats it;
//   - a value JSON cannot hold (.nan, .inf, a map key that is not a
//     string), naming the key, or the tenant and field.
func ParseFile(stack string, data []byte) (*File, error) {
	f, problems := parseFile(stack, data)
	if len(problems) == 0 {
		return f, nil
	}
	errs := make([]error, len(problems))
	for i, p := range problems {
		errs[i] = fmt.Errorf("stack %s: %w", stack, p)
	}
	return nil, errors.Join(errs...)
}

func parseFile(stack string, data []byte) (*File, []error) {
	var errs []error
	fail := func(tenantID, field, format string, v ...any) {
		errs = append(errs, &tenant.FieldError{Tenant: tenantID, Field: field, Err: fmt.Errorf(format, v...)})
	}
	if len(data) > maxFileBytes {
		fail("", "", "the file is larger than %d bytes (10 MiB), the most a stack file may hold", maxFileBytes)
		return nil, errs
	}
	if offset := invalidUTF8(data); offset >= 0 {
		line, column := position(data, offset)
		tenantID, field := locate(data, line)
		fail(tenantID, field, "line %d, column %d: not valid UTF-8; save the stack file as UTF-8", line, column)
		return nil, errs
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		fail("", "", "%v", err)
		return nil, errs
	}
	f := &File{Stack: stack, Values: map[string]string{}, Secrets: map[string]bool{}, Other: map[string]string{}}
	config, err := configNode(&doc)
	if err != nil {
		fail("", "", "%v", err)
		return nil, errs
	}
	values := newConverter(len(data))
	type spelling struct {
		written string
		line    int
	}
	seen := map[string]spelling{}
	for i := 0; config != nil && i+1 < len(config.Content); i += 2 {
		k, v := config.Content[i], config.Content[i+1]
		if k.Kind != yaml.ScalarNode || k.ShortTag() != "!!str" {
			fail("", "", "line %d: a config key must be a string such as %s:tenants", k.Line, Project)
			continue
		}
		full := k.Value
		ns, key, ok := strings.Cut(full, ":")
		if !ok {
			ns, key = Project, full
		}
		display := key // how messages name the key: bare for tenancy's own
		if ns != Project {
			display = full
		}
		if ns == "" || key == "" {
			fail("", "", "line %d: %q is not a config key; write <namespace>:<key>, or <key> alone for a key of %s", k.Line, full, Project)
			continue
		}
		canonical := ns + ":" + key
		if first, dup := seen[canonical]; dup {
			fail("", display, "is set twice, as %s on line %d and as %s on line %d; the engine reads both as %s, so keep one", first.written, first.line, full, k.Line, canonical)
			continue
		}
		seen[canonical] = spelling{written: full, line: k.Line}

		switch secureForm(v) {
		case secureValue:
			if ns == Project {
				f.Secrets[key] = true
			}
			continue
		case secureMalformed:
			fail("", display, "line %d: a secret must be written as secure: <ciphertext> and nothing else; set it with: pulumi config set --secret %s", k.Line, display)
			continue
		}
		if ns == Project {
			if name := secretLike(key); name != "" {
				fail("", display, "is a secret but is written in plain text on line %d; remove it from the stack file, rotate it, and set it with: pulumi config set --secret %s", k.Line, name)
				continue
			}
		} else if secretrules.IsSecretName(key) {
			// Another namespace's secret (aws:secretKey, aws:token) is as
			// readable in git as tenancy's own.
			fail("", display, "looks like a secret but is written in plain text on line %d; remove it from the stack file, rotate it, and set it with: pulumi config set --secret %s", k.Line, full)
			continue
		}
		text, problems, root := values.text(v)
		for _, p := range problems {
			tenantID, field := p.where(display, root)
			fail(tenantID, field, "%s", p.msg)
		}
		if len(problems) > 0 {
			continue
		}
		if ns == Project {
			f.Values[key] = text
			continue
		}
		if kind := secretrules.ValueKind(text); kind != "" {
			fail("", display, "holds what looks like a secret (%s) in plain text on line %d; remove it from the stack file, rotate it, and set it with: pulumi config set --secret %s", kind, k.Line, full)
			continue
		}
		f.Other[full] = text
	}
	if values.dropped > 0 {
		fail("", "", "and %d more problems with values like the ones above", values.dropped)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return f, nil
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
		Plain: func(key string) bool {
			_, ok := f.Values[key]
			return ok
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
// A secret key is only ever passed as a secret: one in Values (which
// ParseFile refuses, but a File may be built by hand) is left out.
func (f *File) Config(secrets map[string]string) (values map[string]string, secretKeys []string) {
	values = map[string]string{}
	for k, v := range f.Values {
		if isSecretKey(k) {
			continue
		}
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
