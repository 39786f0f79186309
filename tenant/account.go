package tenant

import (
	"errors"
	"fmt"
	"regexp"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// AccountArgs names the AWS account a tenant lives in when it is not the
// deployer's own: the role the deployer assumes there.
type AccountArgs struct {
	// RoleArn is the IAM role to assume in the tenant's account,
	// arn:aws:iam::<12 digits>:role/<name>. Required.
	RoleArn string
	// ExternalID is the external ID the role's trust policy asks for, if
	// any (STS AssumeRole.ExternalId: 2 to 1,224 characters of letters,
	// digits and +=,.@:/-).
	ExternalID string
}

// roleArnPattern is an IAM role ARN (IAM User Guide, "IAM identifiers":
// role names of 1 to 64 characters of letters, digits and +=,.@_-, with an
// optional path), in any partition.
var roleArnPattern = regexp.MustCompile(`^arn:aws(-[a-z]+)*:iam::([0-9]{12}):role/([\x21-\x7e]*/)?[A-Za-z0-9+=,.@_-]{1,64}$`)

// externalIDPattern is STS AssumeRole's ExternalId (STS API reference,
// AssumeRole: length 2 to 1,224, pattern [\w+=,.@:\/-]*).
var externalIDPattern = regexp.MustCompile(`^[A-Za-z0-9_+=,.@:/-]+$`)

// externalIDMin and externalIDMax bound its length (RE2 repeats stop at
// 1,000, so the length is checked apart).
const externalIDMin, externalIDMax = 2, 1224

// AccountID returns the 12-digit account ID in RoleArn, or "" when RoleArn
// is not a role ARN.
func (a AccountArgs) AccountID() string {
	m := roleArnPattern.FindStringSubmatch(a.RoleArn)
	if m == nil {
		return ""
	}
	return m[2]
}

// Validate checks the role ARN and external ID; fields are named
// account.<field>.
func (a AccountArgs) Validate() error { return errors.Join(a.problems()...) }

func (a AccountArgs) problems() []error {
	var errs []error
	if a.AccountID() == "" {
		errs = append(errs, fieldErrorf("account.roleArn", "%q is not an IAM role ARN (arn:aws:iam::<12-digit account>:role/<name>)", a.RoleArn))
	}
	if n := len(a.ExternalID); a.ExternalID != "" && (n < externalIDMin || n > externalIDMax || !externalIDPattern.MatchString(a.ExternalID)) {
		errs = append(errs, fieldErrorf("account.externalId", "must be 2 to 1224 letters, digits or +=,.@:/- (STS AssumeRole)"))
	}
	return errs
}

// ProviderName is the name of the aws provider for region in account (nil:
// the deployer's own): "aws-<region>", the name every existing stack's
// provider has, or "aws-<region>-<account id>". One provider serves every
// tenant of an (account, region): the engine starts a process for each.
func ProviderName(account *AccountArgs, region string) string {
	return "aws-" + placePrefix(account, region)
}

// placePrefix names what one (account, region) shares: the region, or
// "<region>-<account id>" in another account. The region comes first,
// since RDS identifiers (a shared cluster's final snapshot) must start
// with a letter (RDS API reference, CreateDBCluster.FinalDBSnapshotIdentifier).
func placePrefix(account *AccountArgs, region string) string {
	if account == nil {
		return region
	}
	return region + "-" + account.AccountID()
}

// NewAccountProvider creates the shared aws provider for one region of
// the account that account names (nil: the deployer's own, the same as
// NewRegionProvider), named by ProviderName.
func NewAccountProvider(ctx *pulumi.Context, account *AccountArgs, region string, opts ...pulumi.ResourceOption) (*aws.Provider, error) {
	if !IsAmplifyRegion(region) {
		return nil, fieldErrorf("region", "%q does not offer Amplify Hosting", region)
	}
	if account != nil {
		if errs := account.problems(); len(errs) > 0 {
			return nil, errs[0]
		}
	}
	return newAccountProvider(ctx, ProviderName(account, region), account, region, opts...)
}

// newAccountProvider creates an aws provider pinned to region, assuming
// account's role when account is not nil.
func newAccountProvider(ctx *pulumi.Context, name string, account *AccountArgs, region string, opts ...pulumi.ResourceOption) (*aws.Provider, error) {
	args := &aws.ProviderArgs{Region: pulumi.String(region)}
	if account != nil {
		// A fixed session name: the account's CloudTrail shows tenancy's
		// calls as such, and a provider input that never changes never
		// makes the engine re-read every resource the provider manages.
		role := aws.ProviderAssumeRoleArgs{RoleArn: pulumi.String(account.RoleArn), SessionName: pulumi.String("tenancy")}
		if account.ExternalID != "" {
			role.ExternalId = pulumi.String(account.ExternalID)
		}
		args.AssumeRole = role
	}
	p, err := aws.NewProvider(ctx, name, args, opts...)
	if err != nil {
		return nil, fmt.Errorf("provider %s: %w", name, err)
	}
	rememberPlace(p, account, region)
	return p, nil
}
