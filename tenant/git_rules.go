package tenant

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/amplify-tenancy/tenancy/internal/secretrules"
)

// maxBranchLength is Amplify's limit on a branch name (Amplify API
// reference, CreateBranch.branchName: 1-255 characters).
const maxBranchLength = 255

// branchChars are the characters tenancy allows in a branch name, a subset
// of git's: Amplify serves branch feature/x at feature-x.<app domain>.
var branchChars = regexp.MustCompile(`^[A-Za-z0-9._/-]+$`)

// branchProblem returns why git (git check-ref-format --branch, the rules
// of git-check-ref-format(1)), Amplify or tenancy refuses a branch name, or
// "".
func branchProblem(b string) string {
	if b == "" {
		return "it is empty"
	}
	if len(b) > maxBranchLength {
		return fmt.Sprintf("it is %d characters long; Amplify allows %d", len(b), maxBranchLength)
	}
	for _, r := range b {
		if r < 0x20 || r == 0x7f || strings.ContainsRune(" ~^:?*[\\", r) {
			return fmt.Sprintf("git refuses the character %q", r)
		}
	}
	switch {
	case strings.HasPrefix(b, "-"):
		return `git refuses a name starting with "-"`
	case b == "@" || b == "HEAD":
		return fmt.Sprintf("git reserves %q", b)
	case strings.Contains(b, "@{"):
		return `git refuses "@{"`
	case strings.Contains(b, ".."):
		return `git refuses ".."`
	case strings.HasPrefix(b, "/") || strings.HasSuffix(b, "/") || strings.Contains(b, "//"):
		return `git refuses an empty component (a leading, trailing or doubled "/")`
	case strings.HasSuffix(b, "."):
		return `git refuses a name ending with "."`
	}
	for _, c := range strings.Split(b, "/") {
		switch {
		case strings.HasPrefix(c, "."):
			return fmt.Sprintf(`git refuses a component starting with "." (%q)`, c)
		case strings.HasSuffix(c, ".lock"):
			return fmt.Sprintf(`git refuses a component ending with ".lock" (%q)`, c)
		}
	}
	if !branchChars.MatchString(b) {
		return "tenancy allows only letters, digits and . _ / - in a branch name"
	}
	return ""
}

// repositoryHostsWithOwnerAndName are the hosts whose repository URLs have
// exactly two path segments, owner and name: a longer path there is a page
// of the repository (https://github.com/o/r/tree/main), not the repository.
// Elsewhere a longer path is allowed: GitLab subgroups (group/sub/project),
// CodeCommit (v1/repos/name).
var repositoryHostsWithOwnerAndName = []string{"github.com", "www.github.com", "bitbucket.org"}

var (
	repositoryHost    = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$`)
	repositorySegment = regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)
)

// repositoryProblem returns why a repository URL is refused, or "". The
// reason quotes the URL without its user info, query and fragment (see
// redactURL).
func repositoryProblem(raw string) string {
	shown := redactURL(raw)
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "https" || u.Opaque != "" {
		return fmt.Sprintf("%s must be an https:// repository URL such as https://github.com/owner/name", shown)
	}
	if u.User != nil {
		return fmt.Sprintf("%s must not carry credentials (user info before @); Amplify reads the repository with accessToken", shown)
	}
	if u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.ContainsAny(raw, "?#") {
		return fmt.Sprintf("%s must not have a query or a fragment", shown)
	}
	if kind := secretrules.ValueKind(raw); kind != "" {
		return fmt.Sprintf("holds what looks like a secret (%s), not shown; give the https://<host>/<owner>/<name> URL and the token in accessToken", kind)
	}
	if u.Hostname() == "" || !repositoryHost.MatchString(u.Hostname()) {
		return fmt.Sprintf("%s must name a host such as github.com", shown)
	}
	path := strings.TrimPrefix(u.EscapedPath(), "/")
	segments := strings.Split(strings.TrimSuffix(path, ".git"), "/")
	twoOnly := false
	for _, h := range repositoryHostsWithOwnerAndName {
		twoOnly = twoOnly || strings.EqualFold(u.Hostname(), h)
	}
	ok := len(segments) >= 2 && (!twoOnly || len(segments) == 2)
	for _, s := range segments {
		ok = ok && repositorySegment.MatchString(s) && s != "." && s != ".."
	}
	if !ok {
		return fmt.Sprintf("%s must name a repository as https://%s/<owner>/<name> (optionally ending in .git)", shown, u.Host)
	}
	return ""
}

// redactURL returns raw quoted for an error message, with what may be a
// credential replaced by ***: the user info of a URL with a scheme
// (https://***@host/...; a token alone is often the user name), the user
// info of a scheme-less one unless it is the ssh user git (git@host:o/r),
// the query and the fragment. If a known credential shape is left, the URL
// is not quoted at all.
func redactURL(raw string) string {
	s := raw
	if i := strings.IndexAny(s, "?#"); i >= 0 {
		s = s[:i] + string(s[i]) + "***"
	}
	rest, scheme := s, ""
	if i := strings.Index(s, "://"); i >= 0 {
		scheme, rest = s[:i+3], s[i+3:]
	}
	authority := rest
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		authority = rest[:i]
	}
	if at := strings.LastIndex(authority, "@"); at >= 0 && (scheme != "" || authority[:at] != "git") {
		rest = "***" + rest[at:]
	}
	s = scheme + rest
	if secretrules.ValueKind(s) != "" {
		return "the URL (not shown: it holds what looks like a credential)"
	}
	return fmt.Sprintf("%q", s)
}
