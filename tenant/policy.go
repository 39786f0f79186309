package tenant

import (
	"encoding/json"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// policyStatement is one statement of an IAM, key or topic policy.
type policyStatement struct {
	Sid       string         `json:"Sid,omitempty"`
	Effect    string         `json:"Effect"`
	Action    []string       `json:"Action,omitempty"`
	NotAction []string       `json:"NotAction,omitempty"`
	Resource  []string       `json:"Resource,omitempty"`
	Principal map[string]any `json:"Principal,omitempty"`
	Condition map[string]any `json:"Condition,omitempty"`
}

func policyJSON(statements ...policyStatement) (string, error) {
	out, err := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": statements})
	return string(out), err
}

// policyOf renders the statements build returns once every value it needs
// (ARNs, the account) is known; build gets them in the order given.
func policyOf(build func(v []string) []policyStatement, values ...pulumi.StringOutput) pulumi.StringOutput {
	inputs := make([]any, len(values))
	for i, v := range values {
		inputs[i] = v
	}
	return pulumi.All(inputs...).ApplyT(func(v []any) (string, error) {
		s := make([]string, len(v))
		for i := range v {
			s[i] = v[i].(string)
		}
		return policyJSON(build(s)...)
	}).(pulumi.StringOutput)
}

// serviceTrust lets one AWS service assume a role, only on behalf of this
// account (aws:SourceAccount) and, when sourceArn is set, only for those
// resources (aws:SourceArn): the confused-deputy protection of the IAM User
// Guide, "The confused deputy problem".
func serviceTrust(service, account, sourceArn string) policyStatement {
	cond := map[string]any{"StringEquals": map[string]string{"aws:SourceAccount": account}}
	if sourceArn != "" {
		cond["ArnLike"] = map[string]string{"aws:SourceArn": sourceArn}
	}
	return policyStatement{
		Effect:    "Allow",
		Action:    []string{"sts:AssumeRole"},
		Principal: map[string]any{"Service": service},
		Condition: cond,
	}
}

func allow(actions []string, resources ...string) policyStatement {
	return policyStatement{Effect: "Allow", Action: actions, Resource: resources}
}
