package stackconfig

import (
	"fmt"
	"strconv"

	"github.com/amplify-tenancy/tenancy/tenant"
)

// prodEnvironment is the environment that is production when
// tenancy:production is not set: what the name alone decided before the
// key existed, so no stack written before it changes.
const prodEnvironment = "prod"

// parseProduction reads tenancy:production (true or false). Unset or
// empty (Pulumi.yaml's default, which the engine fills in), it is true
// exactly in the environment named prod.
func parseProduction(src Source, environment string) (bool, []error) {
	v, ok := src.Get(KeyProduction)
	if !ok || v == "" {
		return environment == prodEnvironment, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return environment == prodEnvironment, []error{&tenant.FieldError{Field: KeyProduction,
			Err: fmt.Errorf("%q is not true or false (unset, it is true exactly when the environment is %s)", v, prodEnvironment)}}
	}
	return b, nil
}
