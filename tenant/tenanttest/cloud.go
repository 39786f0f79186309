package tenanttest

import (
	"slices"
	"sync"

	"github.com/amplify-tenancy/tenancy/internal/mockcloud/awsfake"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// AccountID is the AWS account every mock ARN is in, and the account the
// caller identity reports.
const AccountID = awsfake.AccountID

// Unknown is what a preview (Options.Preview) returns for a value only the
// provider knows after deployment (an ARN, an ID). A string holding it was
// built from such a value and is unknown too: see IsUnknown.
const Unknown = awsfake.Unknown

// IsUnknown reports whether s is, or was built from, a value only the
// provider knows.
func IsUnknown(s string) bool { return awsfake.IsUnknown(s) }

// Options say how to run a program. The zero value runs `pulumi up` of stack
// "test" of project "test" without config.
type Options struct {
	// Project is the Pulumi project name. Default "test".
	Project string
	// Stack is the stack name. Default "test".
	Stack string
	// Config is the stack config, keys with their namespace
	// ("tenancy:tenants"), values as `pulumi config get` prints them.
	Config map[string]string
	// SecretKeys are the config keys that are secret.
	SecretKeys []string
	// Preview runs as `pulumi preview`: IDs and the outputs the provider
	// computes are Unknown, and so is anything the program builds from them.
	Preview bool
	// Password is the value every random.RandomPassword returns. Default
	// "mock-password".
	Password string
	// StackOutputs are the outputs of the stack's last deployment, as a
	// StackReference reads them; nil for a stack never deployed.
	StackOutputs map[string]any
	// References are the outputs of other stacks by "<project>/<stack>",
	// the name a StackReference gives them after its organization; a
	// stack not here reads StackOutputs.
	References map[string]map[string]any
}

// Cloud is what a program registered under the mocks. It is safe for
// concurrent use.
type Cloud struct {
	opts      Options
	mu        sync.Mutex
	resources []Resource
	regions   map[string]string // provider URN -> region
}

// Run runs program under the mocks and returns what it registered, along
// with the program's error exactly as pulumi.RunErr returns it (see
// tenant.Unjoin to list its problems). The Cloud holds what was registered
// before the error too.
func Run(program pulumi.RunFunc, o Options) (*Cloud, error) {
	if o.Project == "" {
		o.Project = "test"
	}
	if o.Stack == "" {
		o.Stack = "test"
	}
	if o.Password == "" {
		o.Password = "mock-password"
	}
	c := &Cloud{opts: o, regions: map[string]string{}}
	err := pulumi.RunErr(program, pulumi.WithMocks(o.Project, o.Stack, monitor{c}), func(info *pulumi.RunInfo) {
		info.Config = o.Config
		info.ConfigSecretKeys = o.SecretKeys
		info.DryRun = o.Preview
	})
	return c, err
}

// Resources returns every registered resource in registration order.
func (c *Cloud) Resources() []Resource {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.resources)
}

// URNs returns the URN of every registered resource, sorted.
func (c *Cloud) URNs() []string {
	var out []string
	for _, r := range c.Resources() {
		out = append(out, r.URN)
	}
	slices.Sort(out)
	return out
}

// ByType returns the registered resources of type typ (a type token such as
// "aws:dynamodb/table:Table"), in registration order.
func (c *Cloud) ByType(typ string) []Resource {
	var out []Resource
	for _, r := range c.Resources() {
		if r.Type == typ {
			out = append(out, r)
		}
	}
	return out
}

// Find returns the resource of type typ with logical name name, and
// whether there is one.
func (c *Cloud) Find(typ, name string) (Resource, bool) {
	for _, r := range c.Resources() {
		if r.Type == typ && r.Name == name {
			return r, true
		}
	}
	return Resource{}, false
}

// Children returns the resources whose parent is the resource with URN
// parent, in registration order: a tenant's children are those of its
// TenantStack.
func (c *Cloud) Children(parent string) []Resource {
	var out []Resource
	for _, r := range c.Resources() {
		if r.Parent == parent {
			out = append(out, r)
		}
	}
	return out
}

// Region returns the region of the aws provider with the given URN (a
// Resource's Provider), or "" when no aws provider with a known region has
// that URN.
func (c *Cloud) Region(providerURN string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.regions[providerURN]
}
