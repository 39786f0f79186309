package tenant

import "github.com/pulumi/pulumi/sdk/v3/go/pulumi"

// keyDelimiter ends a schema-level tenant's partition-key prefix, so that
// tenant acme's prefix "acme#" never matches tenant acme-eu's items: an ID
// holds no "#".
const keyDelimiter = "#"

// KeyPrefix is the partition-key prefix of a schema-level DynamoDB tenant's
// items in its region's shared table: its ID and keyDelimiter.
func KeyPrefix(id string) string { return id + keyDelimiter }

// pooledTable is a schema-level DynamoDB tenant: its items, under its own
// partition-key prefix, in the region's shared table. Its compute role may
// touch no other key (dataAccessStatements).
func (b *builder) pooledTable() *database {
	s := b.args.Shared
	empty := pulumi.String("").ToStringOutput()
	return &database{name: s.TableName, arn: s.TableArn, secretArn: empty, endpoint: empty,
		keyPrefix: KeyPrefix(b.id), keyArn: s.KeyArn}
}
