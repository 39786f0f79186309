package cli

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/amplify-tenancy/tenancy/internal/gitref"
	"github.com/amplify-tenancy/tenancy/internal/stackconfig"
	"github.com/amplify-tenancy/tenancy/internal/stackdiff"
	"github.com/amplify-tenancy/tenancy/internal/textout"
	"github.com/amplify-tenancy/tenancy/tenant"
)

// runDiff compares a stack file with its base version and exits 2 when the
// change puts tenant data at risk, confirmed or not. Both versions must be
// ones the program's parser accepts: exit 1 otherwise.
func runDiff(args []string, env Env) int {
	var sf stackFlags
	fs := newFlagSet("diff", &sf)
	base := fs.String("base", "", "the base version: a git ref (origin/main) or a file")
	format := fs.String("format", "text", "text or markdown")
	if err := parseFlags(fs, args); err != nil {
		return flagError(env, fs, err)
	}
	// Both formats wrap to textout.Width; a markdown table row stays one
	// line, as a break would end the table.
	write, ok := map[string]func(*stackdiff.Report, string, string) error{
		"text": func(r *stackdiff.Report, b, c string) error {
			w := textout.NewWriter(env.Stdout, env.width())
			return errors.Join(r.WriteText(w, b, c), w.Flush())
		},
		"markdown": func(r *stackdiff.Report, b, c string) error {
			w := textout.NewMarkdownWriter(env.Stdout, env.width())
			return errors.Join(r.WriteMarkdown(w, b, c), w.Flush())
		},
	}[*format]
	if !ok {
		return fail(env, fmt.Errorf("--format %q: want text or markdown", *format))
	}
	if *base == "" {
		return fail(env, errors.New("give --base GIT_REF_OR_FILE"))
	}
	current, path, err := sf.read(env)
	if err != nil {
		return fail(env, err)
	}
	// The current version must be one the program accepts: its problems
	// are validate's, printed as validate prints them.
	var problems bytes.Buffer
	fleet, ok := check(&problems, current)
	if !ok {
		_, _ = problems.WriteTo(env.Stderr)
		return ExitFailed
	}
	old, label, err := readBase(*base, path, current.Stack)
	if err != nil {
		return fail(env, err)
	}
	var before *stackdiff.Version
	if old != nil {
		// A base the program refuses cannot say what was deployed: no
		// tenant of it may pass for absent.
		baseFleet, err := stackconfig.Parse(old.Source())
		if err != nil {
			for _, p := range tenant.Unjoin(err) {
				problem(env.Stderr, "error", fmt.Sprintf("base %s: %v", label, p))
			}
			return ExitFailed
		}
		before = &stackdiff.Version{File: old, Fleet: baseFleet}
	}
	report, err := stackdiff.Compare(before, &stackdiff.Version{File: current, Fleet: fleet})
	if err != nil {
		return fail(env, err)
	}
	if err := write(report, label, path); err != nil {
		return fail(env, err)
	}
	if len(report.Risks) > 0 {
		return ExitDataRisk
	}
	return ExitOK
}

// readBase reads the base version of the stack file at path: the file
// named base if there is one, else path as of the git ref base. It returns
// nil when the ref has no such file (a new stack), and a label for the
// report.
func readBase(base, path, stack string) (*stackconfig.File, string, error) {
	if info, err := os.Stat(base); err == nil && !info.IsDir() {
		data, err := os.ReadFile(base)
		if err != nil {
			return nil, "", err
		}
		f, err := stackconfig.ParseFile(stack, data)
		if err != nil {
			return nil, "", fmt.Errorf("base %s: %w", base, err)
		}
		return f, base, nil
	}
	name := filepath.Base(path)
	// A ref starting with "-" would reach git as an option
	// (--output=FILE writes a file); no ref or revision starts so.
	if strings.HasPrefix(base, "-") {
		return nil, "", fmt.Errorf("--base %q is neither a file nor a git ref: a git ref cannot start with \"-\"", base)
	}
	dir := filepath.Dir(path)
	// gitref passes base to git after --end-of-options: base is a revision
	// whatever it holds.
	commit, err := gitref.Commit(dir, base)
	if err != nil {
		return nil, "", fmt.Errorf("--base %s is neither a file nor a git ref holding %s: %v", base, name, err)
	}
	spec := base + ":./" + name
	data, found, err := gitref.Show(dir, commit, name)
	if err != nil {
		return nil, "", fmt.Errorf("--base %s is neither a file nor a git ref holding %s: git show %s: %v", base, name, spec, err)
	}
	if !found {
		return nil, spec, nil
	}
	f, err := stackconfig.ParseFile(stack, data)
	if err != nil {
		return nil, "", fmt.Errorf("base %s: %w", spec, err)
	}
	return f, spec, nil
}
