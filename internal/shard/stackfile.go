package shard

import (
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/amplify-tenancy/tenancy/internal/stackconfig"
	"github.com/amplify-tenancy/tenancy/tenant"
)

// envName is what tenancy:fleet may name: a stack name without dots or
// slashes, so Pulumi.<env>.yaml and Pulumi.<env>.shards.json stay files of
// the project's directory.
var envName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$`)

// ValidEnv reports whether env may name a fleet.
func ValidEnv(env string) bool { return envName.MatchString(env) }

// IsStackFile reports whether f, a stack file read with
// stackconfig.ReadFile, is a shard's: it sets tenancy:fleet.
func IsStackFile(f *stackconfig.File) bool {
	_, ok := f.Values[stackconfig.KeyFleet]
	return ok
}

// CheckStackFile checks a shard's stack file, whose name (f.Stack) is the
// shard's, and returns the environment it names. Such a file sets
// tenancy:fleet (the environment) and tenancy:shard (its own name), the
// secrets (stackconfig.SecretKeys, encrypted), and nothing else: every
// setting and tenant belongs in the fleet file, which all of an
// environment's shards share. Every problem is a *tenant.FieldError
// naming the key.
func CheckStackFile(f *stackconfig.File) (env string, err error) {
	var errs []error
	fail := func(field, format string, v ...any) {
		errs = append(errs, &tenant.FieldError{Field: field, Err: fmt.Errorf(format, v...)})
	}
	env = f.Values[stackconfig.KeyFleet]
	switch {
	case env == "":
		fail(stackconfig.KeyFleet, "is required in a shard's stack file: the environment whose fleet file the shard deploys part of")
	case !ValidEnv(env):
		fail(stackconfig.KeyFleet, "%q is not an environment's stack name (letters, digits, - and _)", env)
	}
	if got := f.Values[stackconfig.KeyShard]; got != f.Stack {
		fail(stackconfig.KeyShard, "%q: must be the shard's own stack name, %q (a stack file copied from another shard?)", got, f.Stack)
	}
	secrets := stackconfig.SecretKeys()
	for _, k := range slices.Sorted(maps.Keys(f.Values)) {
		if k == stackconfig.KeyFleet || k == stackconfig.KeyShard {
			continue
		}
		fail(k, "a shard's stack file sets only %s:%s, %s:%s and the secrets (%s); settings and tenants belong in the fleet file %s, which all of %s's shards share",
			stackconfig.Project, stackconfig.KeyFleet, stackconfig.Project, stackconfig.KeyShard, strings.Join(secrets, ", "), StackFileName(orUnknown(env)), orUnknown(env))
	}
	for _, k := range slices.Sorted(maps.Keys(f.Secrets)) {
		if !slices.Contains(secrets, k) {
			fail(k, "a shard's stack file holds no secret but %s; settings belong in the fleet file %s", strings.Join(secrets, ", "), StackFileName(orUnknown(env)))
		}
	}
	for _, k := range slices.Sorted(maps.Keys(f.Other)) {
		fail(k, "a shard's stack file sets only %s:%s, %s:%s and the secrets (%s), nothing of another namespace",
			stackconfig.Project, stackconfig.KeyFleet, stackconfig.Project, stackconfig.KeyShard, strings.Join(secrets, ", "))
	}
	if len(errs) == 0 {
		return env, nil
	}
	for i, e := range errs {
		errs[i] = fmt.Errorf("stack %s: %w", f.Stack, e)
	}
	return env, errors.Join(errs...)
}

func orUnknown(env string) string {
	if env == "" || !ValidEnv(env) {
		return "<env>"
	}
	return env
}
