package stackconfig

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"

	"github.com/amplify-tenancy/tenancy/internal/quota"
	"github.com/amplify-tenancy/tenancy/tenant"
)

// parseQuotas reads the quotas of an account with raised limits over the
// defaults; a key left out keeps its default.
func parseQuotas(src Source) (quota.Limits, []error) {
	limits := quota.Defaults()
	raw, ok := src.Get(KeyQuotas)
	if !ok {
		return limits, nil
	}
	fail := func(field, format string, v ...any) error {
		return &tenant.FieldError{Field: field, Err: fmt.Errorf(format, v...)}
	}
	var loose map[string]any
	if err := json.Unmarshal([]byte(raw), &loose); err != nil {
		return limits, []error{fail(KeyQuotas, "must be an object such as {amplifyApps: 100}: %v", err)}
	}
	var errs []error
	unknown := unknownKeys(loose, reflect.TypeFor[quota.Limits](), KeyQuotas+".")
	for _, field := range slices.Sorted(maps.Keys(unknown)) {
		errs = append(errs, fail(field, "%s", unknown[field]))
	}
	if err := json.NewDecoder(bytes.NewReader([]byte(raw))).Decode(&limits); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			return quota.Defaults(), append(errs, fail(KeyQuotas+"."+typeErr.Field, "want a whole number, got %s", typeErr.Value))
		}
		return quota.Defaults(), append(errs, fail(KeyQuotas, "%v", err))
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
	f.Warnings = append(f.Warnings, quota.Check(args, f.Quotas)...)
}
