package tenanttest

import "github.com/pulumi/pulumi/sdk/v3/go/common/resource"

// Resource is one registered resource and the options it was registered with.
type Resource struct {
	// URN is the resource's URN, computed as the mock monitor does.
	URN string
	// Type is the type token, for example "aws:amplify/app:App".
	Type string
	// Name is the logical name, for example "acme-app".
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

// Input returns the input key as a string, with any secret unwrapped, or ""
// when it is not set or not a string.
func (r Resource) Input(key string) string {
	v := r.Inputs[resource.PropertyKey(key)]
	if v.IsSecret() {
		v = v.SecretValue().Element
	}
	if !v.IsString() {
		return ""
	}
	return v.StringValue()
}
