package tenant

import (
	"encoding/json"
	"fmt"

	"github.com/amplify-tenancy/tenancy/internal/provisioner"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lambda"
	"github.com/pulumi/pulumi-random/sdk/v4/go/random"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// auroraPort is the port of every Aurora PostgreSQL cluster tenancy makes.
const auroraPort = 5432

// pooledAurora is a database- or schema-level Aurora tenant: its own
// database or schema and login role in the region's shared cluster.
func (b *builder) pooledAurora(key *kms.Key) (*database, error) {
	s := b.args.Shared
	db := &database{name: pulumi.String(b.pgDatabase()).ToStringOutput(), arn: s.ClusterArn, endpoint: s.ClusterEndpoint,
		databaseName: b.pgDatabase(), keyArn: key.Arn}
	if b.args.Database.Isolation == IsolationSchema {
		db.schema = provisioner.SchemaName(b.id)
	}
	var wait pulumi.Resource
	if s.owned {
		wait = s
	}
	secretArn, err := b.appRole(key, db, s.ClusterSecretArn, wait)
	if err != nil {
		return nil, err
	}
	db.secretArn = secretArn
	return db, nil
}

// pgDatabase is the PostgreSQL database the tenant's app connects to.
func (b *builder) pgDatabase() string {
	switch b.args.Database.Isolation {
	case IsolationDatabase:
		return provisioner.DatabaseName(b.id)
	case IsolationSchema:
		return provisioner.DefaultSharedDatabase
	}
	return auroraDatabaseName
}

// appRole creates the login role the tenant's app uses instead of any
// master credential: a generated password (a secret in state), the
// credentials in a Secrets Manager secret under the tenant's key, in the
// shape the RDS Data API reads, and an invocation of the region's
// provisioner that creates the role (and the tenant's database or schema)
// on create and update and takes its login away on delete. It returns the
// secret's ARN. The provisioner gets the password in the invocation's
// input, a secret, and never needs the tenant's key. The invocation waits
// for dependsOn (the cluster's writer, or the shared resources), when not
// nil.
func (b *builder) appRole(key *kms.Key, db *database, masterSecretArn pulumi.StringOutput, dependsOn pulumi.Resource) (pulumi.StringOutput, error) {
	s := b.args.Shared
	role := provisioner.RoleName(b.id)
	password, err := random.NewRandomPassword(b.ctx, b.name("db-app-password"), &random.RandomPasswordArgs{
		Length:  pulumi.Int(32),
		Special: pulumi.Bool(false),
	}, b.opts(pulumi.AdditionalSecretOutputs([]string{"result"}))...)
	if err != nil {
		return pulumi.StringOutput{}, fmt.Errorf("application role password: %w", err)
	}
	dbname := db.databaseName
	secret, err := b.credentials("db-app-secret", "database credentials of the application role", key, role, dbname,
		password.Result, db.endpoint, pulumi.Int(auroraPort).ToIntOutput())
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	if b.args.Status == StatusOffboarded {
		// Without the invocation, the provisioner's delete takes the
		// role's login away; the role, its data and its secret stay.
		return secret.Arn, nil
	}
	isolation := b.args.Database.Isolation
	input := pulumi.All(password.Result, db.arn, masterSecretArn).ApplyT(func(v []any) (string, error) {
		out, err := json.Marshal(map[string]any{
			"tenantId": b.id, "isolation": isolation, "database": dbname, "role": role,
			"password": v[0], "clusterArn": v[1], "secretArn": v[2],
		})
		return string(out), err
	}).(pulumi.StringOutput)
	_, err = lambda.NewInvocation(b.ctx, b.name("db-app-role"), &lambda.InvocationArgs{
		FunctionName:   s.ProvisionerName,
		Input:          pulumi.ToSecret(input).(pulumi.StringOutput),
		LifecycleScope: pulumi.String("CRUD"),
	}, b.opts(waitFor(dependsOn)...)...)
	if err != nil {
		return pulumi.StringOutput{}, fmt.Errorf("application role: %w", err)
	}
	return secret.Arn, nil
}

// waitFor makes a child wait for r, when there is one to wait for.
func waitFor(r pulumi.Resource) []pulumi.ResourceOption {
	if r == nil {
		return nil
	}
	return []pulumi.ResourceOption{pulumi.DependsOn([]pulumi.Resource{r})}
}
