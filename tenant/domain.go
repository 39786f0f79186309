package tenant

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/amplify"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// domain associates the custom domain, if any, with the branch, at the
// apex and at www, with an Amplify-managed certificate, and returns the
// DNS records its owner must create: the certificate's validation record,
// then each sub-domain's record, each "<name> <type> <value>" as Amplify
// gives them (Amplify API reference: Certificate.certificateVerificationDNSRecord,
// SubDomain.dnsRecord; "Adding a custom domain managed by a third-party DNS
// provider" in the Amplify Hosting user guide). None without a domain.
func (b *builder) domain(app *amplify.App, branch *amplify.Branch) (pulumi.StringArrayOutput, error) {
	if b.args.Domain == "" {
		return noRecords(), nil
	}
	assoc, err := amplify.NewDomainAssociation(b.ctx, b.name("domain"), &amplify.DomainAssociationArgs{
		AppId:      app.ID(),
		DomainName: pulumi.String(b.args.Domain),
		CertificateSettings: amplify.DomainAssociationCertificateSettingsArgs{
			Type: pulumi.String("AMPLIFY_MANAGED"),
		},
		SubDomains: amplify.DomainAssociationSubDomainArray{
			amplify.DomainAssociationSubDomainArgs{BranchName: branch.BranchName, Prefix: pulumi.String("")},
			amplify.DomainAssociationSubDomainArgs{BranchName: branch.BranchName, Prefix: pulumi.String("www")},
		},
		// DNS may be someone else's to change; do not hold the deployment
		// until the records exist: they are in the outputs instead.
		WaitForVerification: pulumi.Bool(false),
	}, b.opts()...)
	if err != nil {
		return pulumi.StringArrayOutput{}, fmt.Errorf("domain association: %w", err)
	}
	return pulumi.All(assoc.CertificateVerificationDnsRecord, assoc.SubDomains).ApplyT(func(v []any) []string {
		records := []string{}
		if cert := v[0].(string); cert != "" {
			records = append(records, cert)
		}
		for _, s := range v[1].([]amplify.DomainAssociationSubDomain) {
			if s.DnsRecord != nil && *s.DnsRecord != "" {
				records = append(records, *s.DnsRecord)
			}
		}
		return records
	}).(pulumi.StringArrayOutput), nil
}

// noRecords is the records of a tenant without a custom domain.
func noRecords() pulumi.StringArrayOutput {
	return pulumi.ToStringArray([]string{}).ToStringArrayOutput()
}
