package tenant

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/dynamodb"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/rds"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/secretsmanager"
	"github.com/pulumi/pulumi-random/sdk/v4/go/random"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// database is what the rest of the tenant needs to know of its database.
type database struct {
	name      pulumi.StringOutput
	arn       pulumi.StringOutput
	secretArn pulumi.StringOutput
	// endpoint is an Aurora cluster's writer endpoint, empty for DynamoDB.
	endpoint pulumi.StringOutput
	// databaseName is the PostgreSQL database the app connects to, and
	// schema its schema at schema level; both empty for DynamoDB.
	databaseName, schema string
	// keyPrefix starts the partition key of every item of a schema-level
	// DynamoDB tenant in the shared table; keyArn is the table's key.
	keyPrefix string
	keyArn    pulumi.StringOutput
}

// Fixed names inside each tenant's database; the tenant ID already makes
// them unique per account.
const (
	auroraDatabaseName   = "app"
	auroraMasterUsername = "tenancy_admin"
	auroraBackupWindow   = "03:00-04:00"
	auroraMaintenance    = "sun:05:00-sun:06:00"
)

func (b *builder) database(key *kms.Key) (*database, error) {
	d := b.args.Database
	switch {
	case d.Engine == EngineAuroraPostgreSQL && d.Isolation.Pooled():
		return b.pooledAurora(key)
	case d.Engine == EngineAuroraPostgreSQL:
		return b.aurora(key)
	case d.Isolation == IsolationSchema:
		return b.pooledTable(), nil
	}
	return b.dynamoDB(key, "db")
}

// dynamoDB creates an on-demand single-table design table (pk, sk), named
// suffix.
func (b *builder) dynamoDB(key *kms.Key, suffix string) (*database, error) {
	table, err := dynamodb.NewTable(b.ctx, b.name(suffix), &dynamodb.TableArgs{
		BillingMode: pulumi.String("PAY_PER_REQUEST"),
		HashKey:     pulumi.String("pk"),
		RangeKey:    pulumi.String("sk"),
		Attributes: dynamodb.TableAttributeArray{
			dynamodb.TableAttributeArgs{Name: pulumi.String("pk"), Type: pulumi.String("S")},
			dynamodb.TableAttributeArgs{Name: pulumi.String("sk"), Type: pulumi.String("S")},
		},
		ServerSideEncryption: dynamodb.TableServerSideEncryptionArgs{
			Enabled:   pulumi.Bool(true),
			KmsKeyArn: key.Arn,
		},
		PointInTimeRecovery:       dynamodb.TablePointInTimeRecoveryArgs{Enabled: pulumi.Bool(true)},
		DeletionProtectionEnabled: pulumi.Bool(b.args.Protect),
		Tags:                      b.tags(),
	}, b.dataOpts()...)
	if err != nil {
		return nil, fmt.Errorf("dynamodb table: %w", err)
	}
	empty := pulumi.String("").ToStringOutput()
	return &database{name: table.Name, arn: table.Arn, secretArn: empty, endpoint: empty, keyArn: key.Arn}, nil
}

// aurora creates an Aurora PostgreSQL cluster (Serverless v2 unless a
// provisioned class is asked for) whose master password lives only in
// state, as a secret, and in a Secrets Manager secret under the tenant key.
func (b *builder) aurora(key *kms.Key) (*database, error) {
	d := b.args.Database
	password, err := random.NewRandomPassword(b.ctx, b.name("db-password"), &random.RandomPasswordArgs{
		Length:  pulumi.Int(32),
		Special: pulumi.Bool(true),
		// RDS refuses '/', '@', '"' and spaces in a master password.
		OverrideSpecial: pulumi.String("!#$%&*()-_=+[]{}<>:?"),
	}, b.opts(pulumi.AdditionalSecretOutputs([]string{"result"}))...)
	if err != nil {
		return nil, fmt.Errorf("database password: %w", err)
	}

	network, err := b.network()
	if err != nil {
		return nil, err
	}
	finalSnapshot, err := b.finalSnapshotName()
	if err != nil {
		return nil, err
	}
	clusterArgs := &rds.ClusterArgs{
		Engine:                   rds.EngineTypeAuroraPostgresql,
		EngineMode:               pulumi.String("provisioned"),
		EngineVersion:            pulumi.String(d.EngineVersion),
		AllowMajorVersionUpgrade: pulumi.Bool(d.AllowMajorVersionUpgrade),
		// A change reviewed in a pull request takes effect in the `up` that
		// deploys it, not at a maintenance window nobody watches. Capacity,
		// retention and deletion protection apply at once anyway; what this
		// decides is chiefly when an engine upgrade (and its restart) runs.
		ApplyImmediately:           pulumi.Bool(true),
		DbSubnetGroupName:          network.SubnetGroupName,
		VpcSecurityGroupIds:        network.SecurityGroupIDs,
		DatabaseName:               pulumi.String(auroraDatabaseName),
		MasterUsername:             pulumi.String(auroraMasterUsername),
		MasterPassword:             pulumi.ToSecret(password.Result).(pulumi.StringOutput),
		StorageEncrypted:           pulumi.Bool(true),
		KmsKeyId:                   key.Arn,
		EnableHttpEndpoint:         pulumi.Bool(true),
		BackupRetentionPeriod:      pulumi.Int(*d.BackupRetentionDays),
		PreferredBackupWindow:      pulumi.String(auroraBackupWindow),
		PreferredMaintenanceWindow: pulumi.String(auroraMaintenance),
		CopyTagsToSnapshot:         pulumi.Bool(true),
		SkipFinalSnapshot:          pulumi.Bool(false),
		FinalSnapshotIdentifier:    finalSnapshot,
		DeletionProtection:         pulumi.Bool(b.args.Protect),
		Tags:                       b.tags(),
	}
	if d.Serverless() {
		clusterArgs.Serverlessv2ScalingConfiguration = rds.ClusterServerlessv2ScalingConfigurationArgs{
			MinCapacity: pulumi.Float64(*d.MinCapacity),
			MaxCapacity: pulumi.Float64(*d.MaxCapacity),
		}
	}
	cluster, err := rds.NewCluster(b.ctx, b.name("db"), clusterArgs, b.dataOpts(pulumi.IgnoreChanges(clusterFixedAtCreate(d)))...)
	if err != nil {
		return nil, fmt.Errorf("aurora cluster: %w", err)
	}

	var writer pulumi.Resource
	for i := 1; i <= *d.Instances; i++ {
		instance, err := rds.NewClusterInstance(b.ctx, b.name("db-"+strconv.Itoa(i)), &rds.ClusterInstanceArgs{
			ClusterIdentifier:  cluster.ID(),
			Engine:             cluster.Engine,
			EngineVersion:      cluster.EngineVersion,
			InstanceClass:      pulumi.String(d.InstanceClass),
			PubliclyAccessible: pulumi.Bool(false),
			CopyTagsToSnapshot: pulumi.Bool(true),
			Tags:               b.tags(),
		}, b.dataOpts()...)
		if err != nil {
			return nil, fmt.Errorf("aurora instance %d: %w", i, err)
		}
		if writer == nil {
			writer = instance
		}
	}

	secret, err := b.credentials("db-secret", "Aurora master credentials", key, auroraMasterUsername, auroraDatabaseName,
		password.Result, cluster.Endpoint, cluster.Port)
	if err != nil {
		return nil, err
	}
	db := &database{name: cluster.ClusterIdentifier, arn: cluster.Arn, secretArn: secret.Arn, endpoint: cluster.Endpoint,
		databaseName: auroraDatabaseName, keyArn: key.Arn}
	if b.shared {
		return db, nil
	}
	// The app gets a login role of its own; the master stays with the
	// provisioner.
	db.secretArn, err = b.appRole(key, db, secret.Arn, writer)
	if err != nil {
		return nil, err
	}
	return db, nil
}

// clusterFixedAtCreate are the cluster inputs that count at creation only.
// A cluster's subnet group cannot change without replacing it, and
// clusters created before tenancy managed networks live in the default
// VPC: they stay there. The engine version is ignored unless a major
// upgrade is allowed, so AWS's minor upgrades never read as drift.
func clusterFixedAtCreate(d DatabaseArgs) []string {
	fixed := []string{"dbSubnetGroupName", "vpcSecurityGroupIds"}
	if !d.AllowMajorVersionUpgrade {
		fixed = append(fixed, "engineVersion")
	}
	return fixed
}

// network is the tenant's regional network, or its own when none is given.
func (b *builder) network() (*Network, error) {
	if b.args.Network != nil {
		return b.args.Network, nil
	}
	return newNetwork(b.ctx, b.id, b.args.Region, b.provider, b.tags(), pulumi.Parent(b.parent))
}

// finalSnapshotName is the name of the snapshot RDS takes when the cluster
// is deleted: unique per cluster and stable across runs, since its random
// part lives in state beside the cluster and a re-created tenant draws a new
// one. A fixed name would collide the second time a cluster of this ID is
// deleted. Nothing else forces a cluster's replacement in place: the guard
// refuses engine and region moves.
func (b *builder) finalSnapshotName() (pulumi.StringOutput, error) {
	suffix, err := random.NewRandomId(b.ctx, b.name("db-final-snapshot"), &random.RandomIdArgs{
		ByteLength: pulumi.Int(4),
	}, b.opts()...)
	if err != nil {
		return pulumi.StringOutput{}, fmt.Errorf("final snapshot name: %w", err)
	}
	return pulumi.Sprintf("%s-final-%s", b.id, suffix.Hex), nil
}

// credentials keeps a login's credentials in Secrets Manager, in the
// tenant's region and under its key, in the shape the RDS Data API reads:
// the secret is named suffix, its value suffix-value, and description says
// whose they are.
func (b *builder) credentials(suffix, description string, key *kms.Key, username, dbname string, password, host pulumi.StringOutput, port pulumi.IntOutput) (*secretsmanager.Secret, error) {
	secret, err := secretsmanager.NewSecret(b.ctx, b.name(suffix), &secretsmanager.SecretArgs{
		Description:          pulumi.Sprintf("tenancy %s/%s %s", b.args.Environment, b.id, description),
		KmsKeyId:             key.Arn,
		RecoveryWindowInDays: pulumi.Int(keyDeletionWindowDays),
		Tags:                 b.tags(),
	}, b.dataOpts()...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", description, err)
	}
	value := pulumi.All(password, host, port).ApplyT(func(v []any) (string, error) {
		out, err := json.Marshal(map[string]any{
			"engine":   "postgres",
			"username": username,
			"password": v[0],
			"host":     v[1],
			"port":     v[2],
			"dbname":   dbname,
		})
		return string(out), err
	}).(pulumi.StringOutput)
	_, err = secretsmanager.NewSecretVersion(b.ctx, b.name(suffix+"-value"), &secretsmanager.SecretVersionArgs{
		SecretId:     secret.ID(),
		SecretString: pulumi.ToSecret(value).(pulumi.StringOutput),
	}, b.dataOpts()...)
	if err != nil {
		return nil, fmt.Errorf("%s value: %w", description, err)
	}
	return secret, nil
}
