// Command two-regions deploys tenants in two regions with the tenant
// package, the way another platform team would from its own Pulumi
// program: one aws provider per region, shared by every tenant of that
// region, so the engine starts two provider processes, not one per tenant.
package main

import (
	"errors"
	"fmt"

	"github.com/amplify-tenancy/tenancy/tenant"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

// customer is one tenant of this program: its ID and where its data lives.
type customer struct {
	id, name, region string
}

// customers are deployed in the order given; the regions are those of the
// customers.
var customers = []customer{
	{"acme", "Acme GmbH", "eu-central-1"},
	{"globex", "Globex AG", "eu-central-1"},
	{"initech", "Initech Inc.", "us-east-1"},
}

func main() { pulumi.Run(program) }

// program validates every tenant before it creates anything, then creates
// one provider per region and the tenants through them.
func program(ctx *pulumi.Context) error {
	// TrySecret, not RequireSecret: a missing value is an error, never a panic.
	token, err := config.TrySecret(ctx, "accessToken")
	if err != nil {
		return err
	}
	production, err := productionOf(ctx)
	if err != nil {
		return err
	}
	args := map[string]*tenant.TenantStackArgs{}
	var problems []error
	for _, c := range customers {
		a := &tenant.TenantStackArgs{
			DisplayName: c.name,
			Region:      c.region,
			// Environment goes into app names: it never changes once deployed.
			Environment: ctx.Stack(),
			Production:  production,
			Repository:  "https://github.com/example/storefront",
			Branch:      "main",
			AccessToken: token,
			Protect:     true,
		}
		if err := a.Validate(); err != nil {
			problems = append(problems, fmt.Errorf("tenant %q: %w", c.id, err))
		}
		args[c.id] = a
	}
	if len(problems) > 0 {
		// Every problem of every tenant at once; tenant.Unjoin lists them.
		return errors.Join(problems...)
	}
	providers := map[string]*aws.Provider{}
	for _, c := range customers {
		p, ok := providers[c.region]
		if !ok {
			// Named aws-<region>: keep the name once deployed, since
			// renaming a provider disturbs every resource it manages.
			if p, err = tenant.NewRegionProvider(ctx, c.region); err != nil {
				return err
			}
			providers[c.region] = p
		}
		a := args[c.id]
		a.Provider = p
		t, err := tenant.NewTenantStack(ctx, c.id, a)
		if err != nil {
			return err
		}
		ctx.Export(c.id+"-url", t.BranchURL)
	}
	return nil
}

// productionOf is the stack's <project>:production, a bool; unset, nil,
// which makes a stack named prod production. A value that is not a bool
// is an error, never false.
func productionOf(ctx *pulumi.Context) (*bool, error) {
	v, err := config.TryBool(ctx, "production")
	if errors.Is(err, config.ErrMissingVar) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("production: %w", err)
	}
	return &v, nil
}
