package cli

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/amplify-tenancy/tenancy/internal/stackconfig"
	"github.com/amplify-tenancy/tenancy/internal/stackdiff"
)

// runDiff compares a stack file with its base version and exits 2 when the
// change puts tenant data at risk.
func runDiff(args []string, env Env) int {
	var sf stackFlags
	fs := newFlagSet("diff", env, &sf)
	base := fs.String("base", "", "the base version: a git ref (origin/main) or a file")
	format := fs.String("format", "text", "text or markdown")
	if err := parseFlags(fs, args); err != nil {
		return fail(env, err)
	}
	write, ok := map[string]func(*stackdiff.Report, string, string) error{
		"text":     func(r *stackdiff.Report, b, c string) error { return r.WriteText(env.Stdout, b, c) },
		"markdown": func(r *stackdiff.Report, b, c string) error { return r.WriteMarkdown(env.Stdout, b, c) },
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
	old, label, err := readBase(*base, path, current.Stack)
	if err != nil {
		return fail(env, err)
	}
	report, err := stackdiff.Compare(old, current)
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
		return f, base, err
	}
	// "./" makes the path relative to the file's directory, not to the
	// root of the repository.
	spec := base + ":./" + filepath.Base(path)
	cmd := exec.Command("git", "show", spec)
	cmd.Dir = filepath.Dir(path)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	data, err := cmd.Output()
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		if strings.Contains(msg, "does not exist in") || strings.Contains(msg, "exists on disk, but not in") {
			return nil, spec, nil
		}
		return nil, "", fmt.Errorf("--base %s is neither a file nor a git ref holding %s: git show %s: %v: %s", base, filepath.Base(path), spec, err, msg)
	}
	f, err := stackconfig.ParseFile(stack, data)
	return f, spec, err
}
