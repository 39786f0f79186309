package tenant

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// keyDeletionWindowDays is the longest wait AWS KMS allows before a key is
// destroyed: a key scheduled for deletion by mistake can still be recovered
// for 30 days, and with it every byte it encrypts.
const keyDeletionWindowDays = 30

// key creates the tenant's customer-managed KMS key, which encrypts the
// database, its secret and its backups.
func (b *builder) key() (*kms.Key, error) {
	k, err := kms.NewKey(b.ctx, b.name("key"), &kms.KeyArgs{
		Description:          pulumi.Sprintf("tenancy %s/%s data key", b.args.Environment, b.id),
		EnableKeyRotation:    pulumi.Bool(true),
		DeletionWindowInDays: pulumi.Int(keyDeletionWindowDays),
		Tags:                 b.tags(),
	}, b.dataOpts()...)
	if err != nil {
		return nil, fmt.Errorf("kms key: %w", err)
	}
	return k, nil
}
