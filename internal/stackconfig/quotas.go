package stackconfig

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/amplify-tenancy/tenancy/internal/quota"
	"github.com/amplify-tenancy/tenancy/tenant"
)

// parseQuotas reads the quotas of an account with raised limits over the
// defaults; a key left out, or of the wrong type (reported), keeps its
// default.
func parseQuotas(src Source) (quota.Limits, []error) {
	limits := quota.Defaults()
	raw, ok := src.Get(KeyQuotas)
	if !ok {
		return limits, nil
	}
	fail := func(field, format string, v ...any) error {
		return &tenant.FieldError{Field: field, Err: fmt.Errorf(format, v...)}
	}
	var errs []error
	for _, p := range decodeStrict([]byte(raw), &limits) {
		if p.field == "" {
			return quota.Defaults(), []error{fail(KeyQuotas, "must be an object such as {amplifyApps: 100}, %s", strings.TrimPrefix(p.msg, "want an object, "))}
		}
		errs = append(errs, fail(KeyQuotas+"."+p.field, "%s", p.msg))
	}
	positive := map[string]int{"amplifyApps": limits.AmplifyApps, "auroraInstances": limits.AuroraInstances, "dynamodbTables": limits.DynamoDBTables}
	for _, k := range slices.Sorted(maps.Keys(positive)) {
		if positive[k] < 1 {
			errs = append(errs, fail(KeyQuotas+"."+k, "%d must be at least 1", positive[k]))
		}
	}
	if limits.RepositoryWebhooks < 0 {
		errs = append(errs, fail(KeyQuotas+".repositoryWebhooks", "%d must be 0 (no check) or more", limits.RepositoryWebhooks))
	}
	return limits, errs
}

// checkQuotas adds a warning per quota the deployed tenants exceed.
func (f *Fleet) checkQuotas() {
	args := make([]tenant.TenantStackArgs, len(f.Tenants))
	for i, t := range f.Tenants {
		args[i] = t.Args
	}
	shared := 1
	if n := f.SharedCluster.Instances; n != nil {
		shared = *n
	}
	f.Warnings = append(f.Warnings, quota.Check(args, shared, f.Quotas)...)
}
