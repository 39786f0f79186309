// Package mockcloud runs a Pulumi program under the Pulumi Go SDK's mock
// monitor and records every resource it registers, with its options. Tests,
// benchmarks and the offline plan command all use it, so they see the same
// thing.
package mockcloud

import (
	"slices"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// AccountID is the AWS account every mock ARN is in.
const AccountID = "123456789012"

// Resource is one registered resource and the options it was registered with.
type Resource struct {
	// URN is the resource's URN, computed as the mock monitor does.
	URN string
	// Type is the type token.
	Type string
	// Name is the logical name.
	Name string
	// Custom is false for components and reads.
	Custom bool
	// Parent is the URN of the parent.
	Parent string
	// Provider is the URN of the provider, empty for the default one.
	Provider string
	// Inputs are the registered inputs, secrets kept as secrets.
	Inputs resource.PropertyMap
	// Outputs is the state the mock returned.
	Outputs resource.PropertyMap
	// Protect, RetainOnDelete, DeleteBeforeReplace, ReplaceOnChanges,
	// IgnoreChanges and DeletedWith are the resource options as registered.
	Protect             bool
	RetainOnDelete      bool
	DeleteBeforeReplace bool
	ReplaceOnChanges    []string
	IgnoreChanges       []string
	DeletedWith         string
	// Aliases are the names (or URNs) the resource was aliased from.
	Aliases []string
	// Dependencies are the URNs the resource depends on, explicit or through
	// its inputs.
	Dependencies []string
}

// Options say how to run a program.
type Options struct {
	// Project is the Pulumi project name.
	Project string
	// Stack is the stack name.
	Stack string
	// Config is the stack config, keys with their namespace ("tenancy:tenants").
	Config map[string]string
	// SecretKeys are the config keys that are secret.
	SecretKeys []string
	// Preview runs as `pulumi preview`: IDs and the outputs the provider
	// computes are Unknown, and so is anything the program builds from them.
	Preview bool
	// Password is the value every random.RandomPassword returns.
	Password string
	// StackOutputs are the outputs of the stack's last deployment, as a
	// StackReference reads them; nil for a stack never deployed.
	StackOutputs map[string]any
	// References are the outputs of other stacks by "<project>/<stack>",
	// the name a StackReference gives them after its organization; a
	// stack not here reads StackOutputs.
	References map[string]map[string]any
}

// Cloud is the mock monitor. It is safe for concurrent use.
type Cloud struct {
	opts      Options
	mu        sync.Mutex
	resources []Resource
	regions   map[string]string // provider URN -> region
}

// Run runs program under the mocks and returns what it registered, along
// with the program's error.
func Run(program pulumi.RunFunc, o Options) (*Cloud, error) {
	if o.Password == "" {
		o.Password = "mock-password"
	}
	c := &Cloud{opts: o, regions: map[string]string{}}
	err := pulumi.RunErr(program, pulumi.WithMocks(o.Project, o.Stack, c), func(info *pulumi.RunInfo) {
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

// Region returns the region of the aws provider with the given URN.
func (c *Cloud) Region(providerURN string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.regions[providerURN]
}

// NewResource implements pulumi.MockResourceMonitor.
func (c *Cloud) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	rpc := args.RegisterRPC
	r := Resource{
		Type:                args.TypeToken,
		Name:                args.Name,
		Custom:              args.Custom,
		Parent:              rpc.GetParent(),
		Provider:            providerURN(args.Provider),
		Inputs:              args.Inputs,
		Protect:             rpc.GetProtect(),
		RetainOnDelete:      rpc.GetRetainOnDelete(),
		DeleteBeforeReplace: rpc.GetDeleteBeforeReplace(),
		ReplaceOnChanges:    rpc.GetReplaceOnChanges(),
		IgnoreChanges:       rpc.GetIgnoreChanges(),
		DeletedWith:         rpc.GetDeletedWith(),
		Dependencies:        dependencies(rpc.GetDependencies(), rpc.GetPropertyDependencies()),
	}
	r.URN = c.urn(r.Parent, r.Type, r.Name)
	for _, a := range rpc.GetAliases() {
		if spec := a.GetSpec(); spec != nil {
			r.Aliases = append(r.Aliases, spec.GetName())
		} else {
			r.Aliases = append(r.Aliases, a.GetUrn())
		}
	}
	id := r.Name + "-id"
	if c.opts.Preview {
		id = Unknown
	}
	r.Outputs = c.outputs(&r, id)

	c.mu.Lock()
	defer c.mu.Unlock()
	if r.Type == "pulumi:providers:aws" {
		if region := r.Inputs["region"]; region.IsString() {
			c.regions[r.URN] = region.StringValue()
		}
	}
	c.resources = append(c.resources, r)
	return id, r.Outputs, nil
}

// Call implements pulumi.MockResourceMonitor: it answers the invokes the
// program makes, as Invoke does for the stand-in plugins.
func (c *Cloud) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	return Invoke(args.Token, c.Region(providerURN(args.Provider)))
}

// urn computes a resource's URN the way the mock monitor does.
func (c *Cloud) urn(parent, typ, name string) string {
	parentType := tokens.Type("")
	if p := resource.URN(parent); p != "" && p.QualifiedType() != resource.RootStackType {
		parentType = p.QualifiedType()
	}
	return string(resource.NewURN(tokens.QName(c.opts.Stack), tokens.PackageName(c.opts.Project), parentType, tokens.Type(typ), name))
}

// providerURN strips the "::<id>" from a provider reference.
func providerURN(ref string) string {
	if i := strings.LastIndex(ref, "::"); i >= 0 {
		return ref[:i]
	}
	return ref
}

func dependencies(direct []string, byProperty map[string]*pulumirpc.RegisterResourceRequest_PropertyDependencies) []string {
	set := map[string]bool{}
	for _, d := range direct {
		set[d] = true
	}
	for _, deps := range byProperty {
		for _, d := range deps.GetUrns() {
			set[d] = true
		}
	}
	out := make([]string, 0, len(set))
	for d := range set {
		out = append(out, d)
	}
	slices.Sort(out)
	return out
}
