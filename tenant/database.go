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
	if b.args.Database.Engine == EngineAuroraPostgreSQL {
		return b.aurora(key)
	}
	return b.dynamoDB(key)
}

// dynamoDB creates an on-demand single-table design table (pk, sk).
func (b *builder) dynamoDB(key *kms.Key) (*database, error) {
	table, err := dynamodb.NewTable(b.ctx, b.name("db"), &dynamodb.TableArgs{
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
	return &database{name: table.Name, arn: table.Arn, secretArn: pulumi.String("").ToStringOutput()}, nil
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

	for i := 1; i <= *d.Instances; i++ {
		_, err := rds.NewClusterInstance(b.ctx, b.name("db-"+strconv.Itoa(i)), &rds.ClusterInstanceArgs{
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
	}

	secret, err := b.databaseSecret(key, cluster, password)
	if err != nil {
		return nil, err
	}
	return &database{name: cluster.ClusterIdentifier, arn: cluster.Arn, secretArn: secret.Arn}, nil
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
	return newNetwork(b.ctx, b.id, b.args.Region, b.provider, b.tags(), pulumi.Parent(b.t))
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

// databaseSecret keeps the master credentials in Secrets Manager, in the
// tenant's region and under the tenant's key, in the shape the RDS Data API
// reads.
func (b *builder) databaseSecret(key *kms.Key, cluster *rds.Cluster, password *random.RandomPassword) (*secretsmanager.Secret, error) {
	secret, err := secretsmanager.NewSecret(b.ctx, b.name("db-secret"), &secretsmanager.SecretArgs{
		Description:          pulumi.Sprintf("tenancy %s/%s Aurora master credentials", b.args.Environment, b.id),
		KmsKeyId:             key.Arn,
		RecoveryWindowInDays: pulumi.Int(keyDeletionWindowDays),
		Tags:                 b.tags(),
	}, b.dataOpts()...)
	if err != nil {
		return nil, fmt.Errorf("database secret: %w", err)
	}
	value := pulumi.All(password.Result, cluster.Endpoint, cluster.Port).ApplyT(func(v []any) (string, error) {
		out, err := json.Marshal(map[string]any{
			"engine":   "postgres",
			"username": auroraMasterUsername,
			"password": v[0],
			"host":     v[1],
			"port":     v[2],
			"dbname":   auroraDatabaseName,
		})
		return string(out), err
	}).(pulumi.StringOutput)
	_, err = secretsmanager.NewSecretVersion(b.ctx, b.name("db-secret-value"), &secretsmanager.SecretVersionArgs{
		SecretId:     secret.ID(),
		SecretString: pulumi.ToSecret(value).(pulumi.StringOutput),
	}, b.dataOpts()...)
	if err != nil {
		return nil, fmt.Errorf("database secret value: %w", err)
	}
	return secret, nil
}
