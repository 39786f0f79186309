package main

import (
	"encoding/json"
	"fmt"

	"github.com/amplify-tenancy/tenancy/internal/stackconfig"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// deployedTenants reads back what the last update of this stack deployed,
// from the stack's own "tenants" output, through a stack reference to
// itself. Only the program can refuse an edit before the engine acts on
// it: once the program finishes, the engine deletes whatever it no longer
// registers and stops only at the first protected resource.
func deployedTenants(ctx *pulumi.Context) (map[string]stackconfig.Deployed, error) {
	self := ctx.Stack()
	if org := ctx.Organization(); org != "" {
		self = org + "/" + ctx.Project() + "/" + ctx.Stack()
	}
	ref, err := pulumi.NewStackReference(ctx, "deployed", &pulumi.StackReferenceArgs{Name: pulumi.String(self)})
	if err != nil {
		return nil, fmt.Errorf("reading the last deployment of %s: %w", self, err)
	}
	out, err := ref.GetOutputDetails("tenants")
	if err != nil {
		return nil, fmt.Errorf("reading the last deployment of %s: %w", self, err)
	}
	if out.Value == nil {
		return nil, nil // first deployment, or a preview of one
	}
	raw, err := json.Marshal(out.Value)
	if err != nil {
		return nil, fmt.Errorf("reading the last deployment of %s: %w", self, err)
	}
	var deployed map[string]stackconfig.Deployed
	if err := json.Unmarshal(raw, &deployed); err != nil {
		return nil, fmt.Errorf("reading the last deployment of %s: tenants output: %w", self, err)
	}
	return deployed, nil
}
