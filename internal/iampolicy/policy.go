// Package iampolicy holds what tenancy's deployer needs from IAM: a table
// of the AWS actions behind every resource type the program registers
// (from the CloudFormation resource schemas' handler permissions), and a
// reader of IAM policy documents that checks the committed deployer and
// preview policies against it.
package iampolicy

import (
	"encoding/json"
	"fmt"
	"path"
	"strings"
	"unicode"
)

// MaxManagedPolicySize is IAM's limit on a customer managed policy: 6,144
// characters, whitespace not counted (IAM User Guide, "IAM and AWS STS
// quotas": "Managed policy size ... 6,144 characters. IAM does not count
// white space when calculating the size of a policy against this limit").
const MaxManagedPolicySize = 6144

// Statement is one statement of an IAM policy. Action and Resource may be
// a string or a list in JSON; both read as lists.
type Statement struct {
	Sid       string
	Effect    string
	Action    stringList
	NotAction stringList
	Resource  stringList
	Condition map[string]map[string]any
}

// Document is an identity-based IAM policy.
type Document struct {
	Version   string
	Statement []Statement
}

// Parse reads an identity-based policy and checks what IAM checks first:
// version 2012-10-17 (policy variables need it), a unique Sid per
// statement, Allow or Deny, actions written service:Name, a resource.
func Parse(data []byte) (*Document, error) {
	var d Document
	if err := json.Unmarshal(data, &d); err != nil {
		return nil, err
	}
	if d.Version != "2012-10-17" {
		return nil, fmt.Errorf("Version is %q, not 2012-10-17", d.Version)
	}
	sids := map[string]bool{}
	for i, s := range d.Statement {
		where := fmt.Sprintf("statement %d (%s)", i, s.Sid)
		switch {
		case s.Sid == "" || sids[s.Sid]:
			return nil, fmt.Errorf("%s: Sid missing or repeated", where)
		case s.Effect != "Allow" && s.Effect != "Deny":
			return nil, fmt.Errorf("%s: Effect %q", where, s.Effect)
		case len(s.Action) == 0 == (len(s.NotAction) == 0):
			return nil, fmt.Errorf("%s: needs Action or NotAction, not both", where)
		case len(s.Resource) == 0:
			return nil, fmt.Errorf("%s: no Resource", where)
		}
		sids[s.Sid] = true
		for _, a := range append(s.Action, s.NotAction...) {
			if !validAction(a) {
				return nil, fmt.Errorf("%s: action %q is not service:Name", where, a)
			}
		}
	}
	return &d, nil
}

// Size is the policy's length as IAM counts it against
// MaxManagedPolicySize: every character but whitespace.
func Size(data []byte) int {
	n := 0
	for _, r := range string(data) {
		if !unicode.IsSpace(r) {
			n++
		}
	}
	return n
}

// Allows reports whether some Allow statement names action and no Deny
// statement without a condition names it. Resources and conditions are
// not evaluated: the table says which actions a resource type needs, not
// on which ARNs, and the policies scope them (see README).
func (d *Document) Allows(action string) bool {
	allowed := false
	for _, s := range d.Statement {
		if !s.names(action) {
			continue
		}
		if s.Effect == "Deny" && len(s.Condition) == 0 {
			return false
		}
		allowed = allowed || s.Effect == "Allow"
	}
	return allowed
}

// Allowed returns every action pattern of the Allow statements.
func (d *Document) Allowed() []string {
	var out []string
	for _, s := range d.Statement {
		if s.Effect == "Allow" {
			out = append(out, s.Action...)
			if len(s.NotAction) > 0 {
				out = append(out, "*")
			}
		}
	}
	return out
}

func (s Statement) names(action string) bool {
	if len(s.NotAction) > 0 {
		return !anyMatch(s.NotAction, action)
	}
	return anyMatch(s.Action, action)
}

func anyMatch(patterns []string, action string) bool {
	for _, p := range patterns {
		if Match(p, action) {
			return true
		}
	}
	return false
}

// Match reports whether an IAM action pattern (service:Name with * and ?
// wildcards, case-insensitive as IAM compares actions) names action.
func Match(pattern, action string) bool {
	ok, err := path.Match(strings.ToLower(pattern), strings.ToLower(action))
	return err == nil && ok
}

func validAction(a string) bool {
	if a == "*" {
		return true
	}
	service, name, ok := strings.Cut(a, ":")
	return ok && service != "" && name != "" && !strings.ContainsAny(a, " /")
}

// stringList reads a JSON string or list of strings.
type stringList []string

func (l *stringList) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*l = []string{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return err
	}
	*l = many
	return nil
}
