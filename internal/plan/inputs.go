package plan

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/amplify-tenancy/tenancy/internal/mockcloud"
	"github.com/amplify-tenancy/tenancy/internal/stackdiff"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// Computed stands for a value only the provider knows, after deployment.
const Computed = "(computed)"

// Secret stands for a secret value; the plan never shows one.
const Secret = "[secret]"

// reviewInputs are, per type, the inputs a reviewer needs to judge a change:
// what decides placement, protection, encryption, size and exposure. Tags are
// left out: every resource carries the same four.
var reviewInputs = map[string][]string{
	"pulumi:providers:aws":                            {"region"},
	"aws:kms/key:Key":                                 {"enableKeyRotation", "deletionWindowInDays"},
	"aws:dynamodb/table:Table":                        {"billingMode", "deletionProtectionEnabled", "pointInTimeRecovery.enabled", "serverSideEncryption.kmsKeyArn"},
	"aws:rds/cluster:Cluster":                         {"engine", "engineVersion", "serverlessv2ScalingConfiguration.minCapacity", "serverlessv2ScalingConfiguration.maxCapacity", "storageEncrypted", "kmsKeyId", "deletionProtection", "backupRetentionPeriod", "masterPassword"},
	"aws:rds/clusterInstance:ClusterInstance":         {"instanceClass", "publiclyAccessible"},
	"random:index/randomPassword:RandomPassword":      {"length"},
	"aws:secretsmanager/secret:Secret":                {"kmsKeyId", "recoveryWindowInDays"},
	"aws:secretsmanager/secretVersion:SecretVersion":  {"secretString"},
	"aws:iam/rolePolicy:RolePolicy":                   {"role"},
	"aws:amplify/app:App":                             {"name", "platform", "repository", "accessToken", "computeRoleArn"},
	"aws:amplify/branch:Branch":                       {"branchName", "stage", "enableAutoBuild", "enableBasicAuth", "basicAuthCredentials"},
	"aws:amplify/domainAssociation:DomainAssociation": {"domainName"},
	"aws:backup/vault:Vault":                          {"kmsKeyArn"},
	"aws:backup/selection:Selection":                  {"resources"},
	"aws:sns/topicSubscription:TopicSubscription":     {"protocol", "endpoint"},
}

// credentials are the review inputs that carry a credential, plain or
// encoded (basicAuthCredentials is base64 "user:password"): the plan shows
// them as Secret even when the program forgot to mark them secret.
var credentials = map[string]bool{
	"accessToken": true, "masterPassword": true, "secretString": true, "basicAuthCredentials": true,
}

// keyInputs renders the review inputs of a resource of type typ that it
// has; an input the program leaves unset is left out.
func keyInputs(typ string, inputs resource.PropertyMap) map[string]string {
	out := map[string]string{}
	for _, path := range reviewInputs[typ] {
		if v, ok := lookup(inputs, strings.Split(path, ".")); ok {
			out[path] = Render(v)
			if credentials[path] && out[path] != Computed {
				out[path] = Secret
			}
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// Render shows a property value for review: unknowns as Computed, secrets as
// Secret, lists and objects inline, the credentials of URLs redacted. It
// does not escape: each output format does (stackdiff.Text for the table).
func Render(v resource.PropertyValue) string {
	switch {
	case v.IsSecret():
		return Secret
	case v.IsComputed():
		return Computed
	case v.IsOutput():
		o := v.OutputValue()
		if o.Secret {
			return Secret
		}
		if !o.Known {
			return Computed
		}
		return Render(o.Element)
	case v.IsString():
		if mockcloud.IsUnknown(v.StringValue()) {
			return Computed
		}
		return stackdiff.RedactURLs(v.StringValue())
	case v.IsBool():
		return strconv.FormatBool(v.BoolValue())
	case v.IsNumber():
		return strconv.FormatFloat(v.NumberValue(), 'f', -1, 64)
	case v.IsArray():
		parts := make([]string, 0, len(v.ArrayValue()))
		for _, e := range v.ArrayValue() {
			parts = append(parts, Render(e))
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case v.IsObject():
		obj := v.ObjectValue()
		parts := make([]string, 0, len(obj))
		for _, k := range slices.Sorted(maps.Keys(obj)) {
			parts = append(parts, string(k)+": "+Render(obj[k]))
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case v.IsNull():
		return "null"
	default:
		return fmt.Sprint(v.V)
	}
}

// lookup follows a dotted path through nested objects.
func lookup(m resource.PropertyMap, path []string) (resource.PropertyValue, bool) {
	v, ok := m[resource.PropertyKey(path[0])]
	if !ok {
		return v, false
	}
	if len(path) == 1 {
		return v, true
	}
	for v.IsSecret() || v.IsOutput() {
		if v.IsSecret() {
			return v, true // a secret object is shown whole, as [secret]
		}
		o := v.OutputValue()
		if o.Secret || !o.Known {
			return v, true
		}
		v = o.Element
	}
	if v.IsComputed() {
		return v, true
	}
	if !v.IsObject() {
		return v, false
	}
	return lookup(v.ObjectValue(), path[1:])
}
