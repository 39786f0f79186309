// Package mockcloud is tenancy's name for the mocks its tests, benchmarks
// and offline plan command run the program under: the public package
// tenant/tenanttest, which library users run theirs under too, and the fake
// AWS answers of awsfake, which the stand-in provider plugins share.
package mockcloud

import (
	"github.com/amplify-tenancy/tenancy/internal/mockcloud/awsfake"
	"github.com/amplify-tenancy/tenancy/tenant/tenanttest"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// AccountID is the AWS account every mock ARN is in.
const AccountID = awsfake.AccountID

// DeployerArn is the identity every mock deployment runs as.
const DeployerArn = awsfake.DeployerArn

// Unknown is what a preview returns for a value only the provider knows.
const Unknown = awsfake.Unknown

// Resource is one registered resource and its options.
type Resource = tenanttest.Resource

// Options say how to run a program.
type Options = tenanttest.Options

// Cloud is what a program registered under the mocks.
type Cloud = tenanttest.Cloud

// Run runs program under the mocks (tenanttest.Run).
func Run(program pulumi.RunFunc, o Options) (*Cloud, error) { return tenanttest.Run(program, o) }

// IsUnknown reports whether s is, or was built from, a value only the
// provider knows.
func IsUnknown(s string) bool { return awsfake.IsUnknown(s) }

// Invoke answers the provider functions the program calls (awsfake.Invoke).
func Invoke(token, region string) (resource.PropertyMap, error) {
	return awsfake.Invoke(token, region)
}

// Computed returns the outputs AWS computes on create (awsfake.Computed).
func Computed(typ, name, id, region string) resource.PropertyMap {
	return awsfake.Computed(typ, name, id, region)
}

// State is what a provider returns on create (awsfake.State).
func State(inputs, computed resource.PropertyMap) resource.PropertyMap {
	return awsfake.State(inputs, computed)
}
