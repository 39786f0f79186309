package tenant

import (
	"fmt"

	"github.com/amplify-tenancy/tenancy/internal/awsrules"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// builder creates a tenant's children. It is the one place that knows how a
// child is named, parented, given its provider, tagged and protected.
type builder struct {
	ctx *pulumi.Context
	// parent is the component the children belong to: a TenantStack, or
	// a region's RegionShared.
	parent pulumi.Resource
	// id prefixes every child's name: the tenant ID, or the shared
	// resources' prefix.
	id string
	// shared is true for a region's shared resources, which carry no
	// tenant's tags.
	shared   bool
	args     *TenantStackArgs
	provider *aws.Provider
	// ownProvider is true when the component created its provider itself.
	ownProvider bool
	// account is the AWS account the provider deploys to, read once: the
	// trust and key policies name it.
	account pulumi.StringOutput
}

func newBuilder(ctx *pulumi.Context, t *TenantStack, id string, a *TenantStackArgs) (*builder, error) {
	b := &builder{ctx: ctx, parent: t, id: id, args: a, provider: a.Provider}
	if b.provider == nil {
		p, err := newAccountProvider(ctx, b.name("aws"), a.Account, a.Region, pulumi.Parent(t))
		if err != nil {
			return nil, fmt.Errorf("region provider: %w", err)
		}
		b.provider, b.ownProvider = p, true
	}
	b.account = aws.GetCallerIdentityOutput(ctx, aws.GetCallerIdentityOutputArgs{},
		pulumi.Parent(b.parent), pulumi.Provider(b.provider)).AccountId()
	return b, nil
}

// physicalName is the explicit name of a child of type typ whose auto-name
// would break AWS's length limit at this tenant's ID, or nil to keep the
// auto-name, and with it the name of every child that exists already.
func (b *builder) physicalName(typ, suffix string) pulumi.StringPtrInput {
	if n := awsrules.FitName(typ, b.name(suffix), b.args.Environment); n != "" {
		return pulumi.StringPtr(n)
	}
	return nil
}

// owner is what the children belong to, for descriptions: "tenant acme"
// or "shared eu-west-1-shared".
func (b *builder) owner() string {
	if b.shared {
		return "shared " + b.id
	}
	return "tenant " + b.id
}

// name is the logical name of a child: the tenant ID, a hyphen, the suffix.
// The prefix lets an alias on the component carry every child with it.
func (b *builder) name(suffix string) string { return b.id + "-" + suffix }

// opts are the options every child gets: its parent and the region provider.
func (b *builder) opts(extra ...pulumi.ResourceOption) []pulumi.ResourceOption {
	return append([]pulumi.ResourceOption{pulumi.Parent(b.parent), pulumi.Provider(b.provider)}, extra...)
}

// dataOpts are the options of a data-bearing child (key, database, secret):
// when protection is on, Pulumi refuses to delete it and, should it ever
// leave the program, keeps it in AWS.
func (b *builder) dataOpts(extra ...pulumi.ResourceOption) []pulumi.ResourceOption {
	if b.args.Protect {
		extra = append(extra, pulumi.Protect(true), pulumi.RetainOnDelete(true))
	}
	return b.opts(extra...)
}

// tags are the cost-allocation tags of every taggable child: a tenant's
// own, or, for a region's shared resources, "shared" with the prefix.
func (b *builder) tags() pulumi.StringMap {
	if b.shared {
		return pulumi.StringMap{
			"shared":      pulumi.String(b.id),
			"environment": pulumi.String(b.args.Environment),
			"managed-by":  pulumi.String("tenancy"),
		}
	}
	return pulumi.StringMap{
		"tenant":      pulumi.String(b.id),
		"environment": pulumi.String(b.args.Environment),
		"tier":        pulumi.String(string(b.args.Tier)),
		"managed-by":  pulumi.String("tenancy"),
	}
}

// checkedRegion is the tenant's region, failing the deployment when a
// provider passed in by the caller is configured for another region: the
// tenant's data would otherwise land outside its region.
func (b *builder) checkedRegion() pulumi.StringOutput {
	want := b.args.Region
	if b.ownProvider {
		return pulumi.String(want).ToStringOutput()
	}
	return b.provider.Region.ApplyT(func(got *string) (string, error) {
		if got == nil || *got != want {
			return "", &FieldError{Tenant: b.id, Field: "region", Err: fmt.Errorf("the aws provider passed in is for region %q, not %q", deref(got), want)}
		}
		return want, nil
	}).(pulumi.StringOutput)
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
