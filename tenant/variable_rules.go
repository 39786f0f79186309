package tenant

import (
	"strings"

	"github.com/amplify-tenancy/tenancy/internal/awsrules"
	"github.com/amplify-tenancy/tenancy/internal/secretrules"
)

// Environment variables are stored in plain text (in the Amplify app, in
// state, in build logs), so a variable that looks like a secret is refused,
// by its name or by its value (internal/secretrules).

// secretAdvice ends the reason given for a secret-looking variable.
const secretAdvice = "environment variables are stored in plain text, so keep secrets in AWS Secrets Manager instead"

// reservedVariable returns why name is reserved, or "". Every reserved name
// and prefix is compared without regard to case: variables that differ from
// tenancy's or Amplify's only in case would read as theirs.
func reservedVariable(name string) string {
	switch {
	case strings.EqualFold(name, TenantConfigVariable):
		return "is set by tenancy itself and cannot be overridden (" + TenantConfigVariable + ", in any case)"
	case awsrules.HasAmplifyReservedPrefix(name) || hasPrefixFold(name, amplifyVariablePrefix):
		return "uses a prefix reserved by Amplify (" + awsrules.AmplifyReservedVariablePrefix + ", " + amplifyVariablePrefix + ", in any case)"
	case hasPrefixFold(name, reservedVariablePrefix):
		return "uses the prefix " + reservedVariablePrefix + ", which tenancy sets itself (in any case)"
	}
	return ""
}

// amplifyVariablePrefix starts the variables Amplify defines to steer its
// builds (AMPLIFY_DIFF_DEPLOY, AMPLIFY_MONOREPO_APP_ROOT, ...): one build
// serves every tenant, so tenants may not set them one by one.
const amplifyVariablePrefix = "AMPLIFY_"

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// variableProblem returns why the variable name=value is refused, or "".
// It never quotes the value.
func variableProblem(name, value string) string {
	if r := reservedVariable(name); r != "" {
		return r
	}
	if !variablePattern.MatchString(name) {
		return "is not a valid environment variable name"
	}
	if secretrules.IsSecretName(name) {
		return "looks like a secret; " + secretAdvice
	}
	if kind := secretrules.ValueKind(value); kind != "" {
		return "holds what looks like a secret (" + kind + "); " + secretAdvice
	}
	return ""
}
