// Package awsfake is tenancy's stand-in for AWS: the outputs AWS computes
// on create and the answers to the provider functions the program calls.
// The mocks of package tenanttest and the stand-in provider plugins of the
// engine tests share it, so both hand a program the same shapes.
package awsfake

import (
	"crypto/sha256"
	"encoding/hex"
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

// State is what a provider returns on create: the inputs, plus each computed
// output the inputs do not set. The mocks and the stand-in plugins share it.
func State(inputs, computed resource.PropertyMap) resource.PropertyMap {
	state := inputs.Copy()
	for k, v := range computed {
		if _, ok := state[k]; !ok {
			state[k] = v
		}
	}
	if record, ok := computed["certificateVerificationDnsRecord"]; ok && record.IsString() {
		fillSubDomainRecords(state, IsUnknown(record.StringValue()))
	}
	return state
}

// fillSubDomainRecords gives each sub-domain of a DomainAssociation the
// record AWS computes for it, "<prefix> CNAME <distribution>" (Amplify API
// reference, SubDomain.dnsRecord; terraform-provider-aws reads it into
// sub_domain.dns_record), the sub-domains being inputs the generic merge
// keeps as given. unknown: a preview, where the distribution is unknown.
func fillSubDomainRecords(state resource.PropertyMap, unknown bool) {
	subs := state["subDomains"]
	if !subs.IsArray() {
		return
	}
	var filled []resource.PropertyValue
	for _, s := range subs.ArrayValue() {
		if !s.IsObject() {
			filled = append(filled, s)
			continue
		}
		sub := s.ObjectValue().Copy()
		record := Unknown
		if !unknown {
			prefix := ""
			if p := sub["prefix"]; p.IsString() {
				prefix = p.StringValue()
			}
			record = prefix + " CNAME d1a2b3c4example.cloudfront.net"
		}
		sub["dnsRecord"] = resource.NewProperty(record)
		filled = append(filled, resource.NewProperty(sub))
	}
	state["subDomains"] = resource.NewProperty(filled)
}

// Computed returns the outputs AWS computes on create that the program
// reads (ARNs, physical names, endpoints, the Amplify default domain), for a
// resource of type typ with logical name name and id, in region. The mocks
// and the stand-in provider plugins of the engine tests share it, so both
// hand the program the same shapes. RandomPassword's result is left to the
// caller.
func Computed(typ, name, id, region string) resource.PropertyMap {
	out := resource.PropertyMap{}
	set := func(k string, v any) { out[resource.PropertyKey(k)] = resource.NewPropertyValue(v) }
	arn := func(service, path string) string {
		return fmt.Sprintf("arn:aws:%s:%s:%s:%s", service, region, AccountID, path)
	}
	physical := strings.ToLower(name) + "-1a2b3c4"
	switch typ {
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
	case "aws:amplify/domainAssociation:DomainAssociation":
		// The ACM validation record of the Amplify-managed certificate,
		// "<name> CNAME <value>" (Amplify API reference,
		// Certificate.certificateVerificationDNSRecord).
		set("certificateVerificationDnsRecord", "_c3e2d7eaf1e656b73f46cd6980fdc0e.example.com. CNAME _b5f1d2a0e9.acm-validations.aws.")
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
	case "aws:iam/policy:Policy":
		set("name", physical)
		set("arn", fmt.Sprintf("arn:aws:iam::%s:policy/%s", AccountID, physical))
	case "aws:rds/subnetGroup:SubnetGroup":
		set("name", physical)
		set("arn", arn("rds", "subgrp:"+physical))
	case "aws:ec2/securityGroup:SecurityGroup":
		set("name", physical)
		set("arn", arn("ec2", "security-group/"+id))
	case "aws:lambda/function:Function":
		set("name", physical)
		set("arn", arn("lambda", "function:"+physical))
	case "aws:lambda/invocation:Invocation":
		set("result", "{}")
	case "random:index/randomId:RandomId":
		sum := sha256.Sum256([]byte(id))
		set("hex", hex.EncodeToString(sum[:4]))
	}
	return out
}
