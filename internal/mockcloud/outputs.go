package mockcloud

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// Unknown is what a preview returns for a value only the provider knows
// after deployment. A string holding it was built from such a value and is
// unknown too.
//
// A real unknown would be truer, but the SDK's mock monitor cannot pass one
// inside a secret (it fails with "malformed RPC secret: missing value"), and
// the program wraps computed values in secrets (the Aurora master password,
// the credentials secret), so a preview uses this marker instead.
const Unknown = "(computed:7f3a9c)"

// IsUnknown reports whether s is, or was built from, a value only the
// provider knows.
func IsUnknown(s string) bool { return strings.Contains(s, Unknown) }

// outputs returns the state AWS would: the inputs plus the outputs the
// program reads. In a preview those computed outputs are Unknown.
func (c *Cloud) outputs(r *Resource, id string) resource.PropertyMap {
	state := r.Inputs.Copy()
	if r.Type == "pulumi:pulumi:StackReference" {
		state["outputs"] = resource.NewObjectProperty(resource.NewPropertyMapFromMap(c.opts.StackOutputs))
		return state
	}
	if !r.Custom {
		return state
	}
	region := c.Region(r.Provider)
	set := func(k string, v any) {
		if _, ok := state[resource.PropertyKey(k)]; !ok {
			if _, isString := v.(string); isString && c.opts.Preview {
				v = Unknown
			}
			state[resource.PropertyKey(k)] = resource.NewPropertyValue(v)
		}
	}
	arn := func(service, path string) string {
		return fmt.Sprintf("arn:aws:%s:%s:%s:%s", service, region, AccountID, path)
	}
	physical := strings.ToLower(r.Name) + "-1a2b3c4"
	switch r.Type {
	case "aws:kms/key:Key":
		set("arn", arn("kms", "key/"+id))
		set("keyId", id)
	case "aws:dynamodb/table:Table":
		set("name", physical)
		set("arn", arn("dynamodb", "table/"+physical))
	case "aws:rds/cluster:Cluster":
		set("clusterIdentifier", physical)
		set("arn", arn("rds", "cluster:"+physical))
		set("endpoint", physical+".cluster-abc.rds.amazonaws.com")
		set("port", 5432)
	case "aws:secretsmanager/secret:Secret":
		set("arn", arn("secretsmanager", "secret:"+physical))
	case "aws:amplify/app:App":
		set("arn", arn("amplify", "apps/"+id))
		set("defaultDomain", id+".amplifyapp.com")
	case "aws:iam/role:Role":
		set("name", physical)
		set("arn", fmt.Sprintf("arn:aws:iam::%s:role/%s", AccountID, physical))
	case "aws:backup/vault:Vault":
		set("name", physical)
		set("arn", arn("backup", "backup-vault:"+physical))
	case "aws:sns/topic:Topic":
		set("arn", arn("sns", physical))
	case "random:index/randomPassword:RandomPassword":
		set("result", c.opts.Password)
	}
	return state
}
