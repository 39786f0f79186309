// Package gitref reads files as of a git ref, safely: a ref that starts
// with "-" is refused before git sees it, and every ref reaches git after
// --end-of-options, so no ref can act as an option (--output=FILE writes a
// file). diff (internal/cli) and shard.Changed read base versions with it.
package gitref

import (
	"bytes"
	"fmt"
	"os/exec"
	"regexp"
	"strings"
)

// objectName is a full SHA-1 or SHA-256 object name.
var objectName = regexp.MustCompile(`^([0-9a-f]{40}|[0-9a-f]{64})$`)

// Commit resolves ref to the full object name of a commit, running git in
// dir. A ref starting with "-" is refused: no ref or revision starts so,
// and git would read it as an option.
func Commit(dir, ref string) (string, error) {
	if strings.HasPrefix(ref, "-") {
		return "", fmt.Errorf("%q is not a git ref: a git ref cannot start with \"-\"", ref)
	}
	// --end-of-options and "--" end git's options: ref is a revision
	// whatever it holds.
	out, _, err := Run(dir, "rev-parse", "--verify", "--end-of-options", ref+"^{commit}", "--")
	if err != nil {
		return "", err
	}
	commit := strings.TrimSpace(out)
	if !objectName.MatchString(commit) {
		return "", fmt.Errorf("git rev-parse answered %q, not a commit", commit)
	}
	return commit, nil
}

// Show returns the file name (a path relative to dir) as of commit, a full
// object name from Commit. found is false when the commit has no such
// file.
func Show(dir, commit, name string) (data []byte, found bool, err error) {
	if !objectName.MatchString(commit) {
		return nil, false, fmt.Errorf("%q is not a full commit name; resolve the ref with Commit first", commit)
	}
	// "./" makes the path relative to dir, not to the root of the
	// repository. The spec starts with the commit's hex name, so it cannot
	// be an option either; no "--" after it, since git then no longer tells
	// a file the commit lacks from a bad path.
	out, msg, err := Run(dir, "show", "--end-of-options", commit+":./"+name)
	if err != nil {
		if strings.Contains(msg, "does not exist in") || strings.Contains(msg, "exists on disk, but not in") {
			return nil, false, nil
		}
		return nil, false, err
	}
	return []byte(out), true, nil
}

// Run runs git in dir and returns its output and its trimmed stderr; the
// error says what failed, with stderr.
func Run(dir string, args ...string) (stdout, stderr string, err error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	var errBuf bytes.Buffer
	cmd.Stderr = &errBuf
	out, err := cmd.Output()
	msg := strings.TrimSpace(errBuf.String())
	if err != nil {
		return "", msg, fmt.Errorf("git %s: %v: %s", args[0], err, msg)
	}
	return string(out), msg, nil
}
