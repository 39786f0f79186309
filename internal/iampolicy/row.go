package iampolicy

import "strings"

// Row is what one resource type (or provider function) needs from IAM:
// the permissions of each handler of its CloudFormation resource schema.
type Row struct {
	// CloudFormation is the CloudFormation type the row's permissions come
	// from, "" for a type with no AWS call or none in CloudFormation.
	CloudFormation string
	// Source is where the permissions were read.
	Source string
	// Create, Read, Update, Delete and List are the handlers' permissions.
	Create, Read, Update, Delete, List []string
	// Excluded are handler permissions tenancy's use of the type never
	// calls for, each with the reason; the deployer need not have them.
	Excluded map[string]string
	// PreviewSkips are Read permissions a preview does without, each with
	// the reason.
	PreviewSkips map[string]string
}

// schemaSource is where the handler permissions were read: the
// CloudFormation registry schemas as pulumi-aws-native vendors them
// (github.com/pulumi/pulumi-aws-native, aws-cloudformation-schema/, commit
// 43eed3b017fff3b41e0ceeae37ee943afce53275), each schema's "handlers"
// section.
const schemaSource = "pulumi/pulumi-aws-native@43eed3b aws-cloudformation-schema/"

// schema is a row read from a CloudFormation schema file; each handler is
// its permissions separated by spaces, in the schema's order.
func schema(cfnType, file, create, read, update, del, list string) Row {
	return Row{
		CloudFormation: cfnType, Source: schemaSource + file + " handlers",
		Create: strings.Fields(create), Read: strings.Fields(read), Update: strings.Fields(update),
		Delete: strings.Fields(del), List: strings.Fields(list),
	}
}

// except returns the row with excluded permissions and the reason for
// all of them.
func (r Row) except(reason string, actions ...string) Row {
	r.Excluded = withReason(r.Excluded, reason, actions)
	return r
}

// notInPreview returns the row with Read permissions a preview skips.
func (r Row) notInPreview(reason string, actions ...string) Row {
	r.PreviewSkips = withReason(r.PreviewSkips, reason, actions)
	return r
}

func withReason(m map[string]string, reason string, actions []string) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		out[k] = v
	}
	for _, a := range actions {
		out[a] = reason
	}
	return out
}

// Needed returns the Create, Read, Update and Delete permissions the
// deployer must have: the handlers' minus Excluded.
func (r Row) Needed() []string {
	return keep(r.Excluded, r.Create, r.Read, r.Update, r.Delete)
}

// PreviewNeeded returns the Read permissions a preview must have.
func (r Row) PreviewNeeded() []string {
	return keep(r.PreviewSkips, keep(r.Excluded, r.Read))
}

// handlers returns every permission of every handler.
func (r Row) handlers() []string {
	return keep(nil, r.Create, r.Read, r.Update, r.Delete, r.List)
}

// keep returns the distinct actions of lists not in drop.
func keep(drop map[string]string, lists ...[]string) []string {
	seen := map[string]bool{}
	var out []string
	for _, l := range lists {
		for _, a := range l {
			if _, dropped := drop[a]; !dropped && !seen[a] {
				seen[a] = true
				out = append(out, a)
			}
		}
	}
	return out
}
