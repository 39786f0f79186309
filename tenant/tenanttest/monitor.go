package tenanttest

import (
	"slices"
	"strings"

	"github.com/amplify-tenancy/tenancy/internal/mockcloud/awsfake"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// monitor is the pulumi.MockResourceMonitor that records into a Cloud; it
// is apart so that Cloud's API holds only what a test reads.
type monitor struct{ c *Cloud }

// NewResource implements pulumi.MockResourceMonitor.
func (m monitor) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	c := m.c
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
// program makes, as the stand-in plugins of the engine tests do.
func (m monitor) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	return awsfake.Invoke(args.Token, m.c.Region(providerURN(args.Provider)))
}

// stackReferenceType is the type of a pulumi.StackReference, which the
// engine answers itself.
const stackReferenceType = "pulumi:pulumi:StackReference"

// outputs returns the state AWS would: the inputs plus the outputs the
// program reads. In a preview those computed outputs are Unknown.
func (c *Cloud) outputs(r *Resource, id string) resource.PropertyMap {
	state := r.Inputs.Copy()
	if r.Type == stackReferenceType {
		// The outputs of the stack's last deployment, which the program reads
		// to refuse moves; none for a stack never deployed.
		outputs := c.opts.StackOutputs
		// A reference is named after the stack it reads,
		// "[<organization>/]<project>/<stack>".
		for name, refs := range c.opts.References {
			if r.Name == name || strings.HasSuffix(r.Name, "/"+name) {
				outputs = refs
			}
		}
		state["outputs"] = resource.NewProperty(resource.NewPropertyMapFromMap(outputs))
		state["secretOutputNames"] = resource.NewProperty([]resource.PropertyValue{})
		return state
	}
	if !r.Custom {
		return state
	}
	computed := awsfake.Computed(r.Type, r.Name, id, c.Region(r.Provider))
	if r.Type == "random:index/randomPassword:RandomPassword" {
		computed["result"] = resource.NewProperty(c.opts.Password)
	}
	if c.opts.Preview {
		for k, v := range computed {
			if v.IsString() {
				computed[k] = resource.NewProperty(Unknown)
			}
		}
	}
	return awsfake.State(r.Inputs, computed)
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
