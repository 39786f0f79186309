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

// keyAdminActions administer a key without using it: the key administrators
// statement of the KMS Developer Guide, "Default key policy", less
// kms:Create* (which holds kms:CreateGrant, a way to use the key).
var keyAdminActions = []string{
	"kms:DescribeKey", "kms:GetKeyPolicy", "kms:PutKeyPolicy", "kms:GetKeyRotationStatus",
	"kms:EnableKeyRotation", "kms:DisableKeyRotation", "kms:RotateKeyOnDemand",
	"kms:EnableKey", "kms:DisableKey", "kms:UpdateKeyDescription",
	"kms:List*", "kms:RevokeGrant", "kms:TagResource", "kms:UntagResource",
	"kms:CreateAlias", "kms:UpdateAlias", "kms:DeleteAlias",
	"kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion",
}

// keyUseActions are what the services holding a tenant's data do with its
// key; kms:CreateGrant is how RDS, DynamoDB and AWS Backup attach it.
var keyUseActions = []string{
	"kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey", "kms:CreateGrant",
}

// dataServices are the services that hold a tenant's data under its key,
// as kms:ViaService names them (KMS Developer Guide, "kms:ViaService").
var dataServices = []string{"dynamodb", "rds", "secretsmanager", "backup"}

// key creates the tenant's customer-managed KMS key, which encrypts the
// database, its secret and its backups.
func (b *builder) key() (*kms.Key, error) {
	region := b.args.Region
	k, err := kms.NewKey(b.ctx, b.name("key"), &kms.KeyArgs{
		Description:          pulumi.Sprintf("tenancy %s/%s data key", b.args.Environment, b.id),
		EnableKeyRotation:    pulumi.Bool(true),
		DeletionWindowInDays: pulumi.Int(keyDeletionWindowDays),
		Policy:               policyOf(func(v []string) []policyStatement { return keyPolicy(v[0], region) }, b.account),
		Tags:                 b.tags(),
	}, b.dataOpts()...)
	if err != nil {
		return nil, fmt.Errorf("kms key: %w", err)
	}
	return k, nil
}

// keyPolicy lets the account administer the key through IAM (which is how
// the deployer keeps kms:PutKeyPolicy, the lockout safety check of
// CreateKey/PutKeyPolicy) and use it only through the services that hold
// the tenant's data. Which principals may do either is then up to IAM,
// where only this tenant's roles and the deployer are granted this key.
func keyPolicy(account, region string) []policyStatement {
	root := map[string]any{"AWS": "arn:aws:iam::" + account + ":root"}
	via := make([]string, len(dataServices))
	for i, s := range dataServices {
		via[i] = s + "." + region + ".amazonaws.com"
	}
	return []policyStatement{{
		Sid: "AdministerThroughIAM", Effect: "Allow", Principal: root,
		Action: keyAdminActions, Resource: []string{"*"},
	}, {
		Sid: "UseOnlyThroughTheDataServices", Effect: "Allow", Principal: root,
		Action: keyUseActions, Resource: []string{"*"},
		Condition: map[string]any{"StringEquals": map[string]any{
			"kms:CallerAccount": account,
			"kms:ViaService":    via,
		}},
	}}
}
