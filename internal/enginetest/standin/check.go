package standin

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"

	"github.com/amplify-tenancy/tenancy/internal/awsrules"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// Check does what pulumi-aws does before any call reaches AWS: it names an
// auto-named resource (the logical name, "-", 7 random hex characters,
// keeping the name it already has), then refuses inputs that break a rule
// AWS applies at create time (internal/awsrules), naming the rule and its
// source. Unknown values, as in a preview, are checked once known.
func (s *server) Check(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	urn := resource.URN(req.GetUrn())
	news, err := unmarshal(req.GetNews())
	if err != nil {
		return nil, fmt.Errorf("check %s: %w", urn, err)
	}
	olds, err := unmarshal(req.GetOlds())
	if err != nil {
		return nil, fmt.Errorf("check %s: %w", urn, err)
	}
	typ := string(urn.Type())
	for _, rule := range append(awsrules.NameRules(typ), standinNameRules[typ]...) {
		key := resource.PropertyKey(rule.Property)
		if !rule.AutoNamed || news.HasValue(key) {
			continue
		}
		if old := olds[key]; old.IsString() {
			news[key] = old
			continue
		}
		name, err := autoName(urn.Name())
		if err != nil {
			return nil, err
		}
		news[key] = resource.NewProperty(name)
	}
	inputs, err := marshal(news)
	if err != nil {
		return nil, fmt.Errorf("check %s: %w", urn, err)
	}
	resp := &pulumirpc.CheckResponse{Inputs: inputs}
	for _, problem := range awsrules.Check(typ, awsrules.Plain(news)) {
		resp.Failures = append(resp.Failures, &pulumirpc.CheckFailure{Reason: "AWS would refuse this: " + problem.Error()})
	}
	if typ == invocationType {
		resp.Failures = append(resp.Failures, checkInvocation(news)...)
	}
	return resp, nil
}

// autoName is a pulumi-aws auto-name: the logical name, "-" and 7 random
// hex characters (pulumi-terraform-bridge tfbridge.AutoName).
func autoName(logical string) (string, error) {
	b := make([]byte, 4)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return logical + "-" + hex.EncodeToString(b)[:awsrules.AutoSuffixLen-1], nil
}
