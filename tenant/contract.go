package tenant

import (
	"encoding/json"
	"maps"
)

// The app's data contract: the variables tenancy sets on every tenant's
// Amplify app, so one build of the application finds the tenant's data
// without listing or searching anything. README, "The app's data
// contract", documents each.
const (
	// VariableDatabaseEngine is "dynamodb" or "aurora-postgresql".
	VariableDatabaseEngine = "TENANCY_DATABASE_ENGINE"
	// VariableDatabaseRegion is the region of the data (the tenant's).
	VariableDatabaseRegion = "TENANCY_DATABASE_REGION"
	// VariableTableName and VariableTableArn name the DynamoDB table.
	VariableTableName = "TENANCY_TABLE_NAME"
	VariableTableArn  = "TENANCY_TABLE_ARN"
	// VariableClusterArn, VariableSecretArn and VariableDatabaseName are
	// what the RDS Data API's ExecuteStatement takes (resourceArn,
	// secretArn, database).
	VariableClusterArn   = "TENANCY_CLUSTER_ARN"
	VariableSecretArn    = "TENANCY_SECRET_ARN"
	VariableDatabaseName = "TENANCY_DATABASE_NAME"
	// VariableIsolation is the isolation level: cluster, database or
	// schema.
	VariableIsolation = "TENANCY_DATABASE_ISOLATION"
	// VariableSchema is a schema-level Aurora tenant's schema, also the
	// first entry of its role's search_path.
	VariableSchema = "TENANCY_DATABASE_SCHEMA"
	// VariableKeyPrefix starts the partition key of every item a
	// schema-level DynamoDB tenant may touch in the shared table.
	VariableKeyPrefix = "TENANCY_KEY_PREFIX"
)

// tenantConfig is the JSON of the tenantConfig variable; region and name
// come first, the documented shape.
type tenantConfig struct {
	Region      string         `json:"region"`
	Name        string         `json:"name"`
	ID          string         `json:"id"`
	Environment string         `json:"environment"`
	Tier        Tier           `json:"tier"`
	Database    databaseConfig `json:"database"`
}

// databaseConfig says where the tenant's data is. DynamoDB tenants have
// the table fields, Aurora tenants the cluster fields.
type databaseConfig struct {
	Engine       DatabaseEngine `json:"engine"`
	Isolation    Isolation      `json:"isolation"`
	Region       string         `json:"region"`
	TableName    string         `json:"tableName,omitempty"`
	TableArn     string         `json:"tableArn,omitempty"`
	ClusterArn   string         `json:"clusterArn,omitempty"`
	SecretArn    string         `json:"secretArn,omitempty"`
	DatabaseName string         `json:"databaseName,omitempty"`
	Schema       string         `json:"schema,omitempty"`
	KeyPrefix    string         `json:"keyPrefix,omitempty"`
}

// contract is the tenant's config before its database is known.
func (b *builder) contract() tenantConfig {
	a := b.args
	return tenantConfig{Region: a.Region, Name: a.DisplayName, ID: b.id, Environment: a.Environment, Tier: a.Tier,
		Database: databaseConfig{Engine: a.Database.Engine, Isolation: a.Database.Isolation, Region: a.Region}}
}

// withDatabase fills in where the database is: its name, ARN and secret
// ARN once known, and what the level adds (database, schema, key prefix).
func (c tenantConfig) withDatabase(db *database, name, arn, secretArn string) tenantConfig {
	if c.Database.Engine == EngineAuroraPostgreSQL {
		c.Database.ClusterArn, c.Database.SecretArn = arn, secretArn
		c.Database.DatabaseName, c.Database.Schema = db.databaseName, db.schema
	} else {
		c.Database.TableName, c.Database.TableArn, c.Database.KeyPrefix = name, arn, db.keyPrefix
	}
	return c
}

// variables are the app's environment: the user's variables, tenantConfig
// and the TENANCY_* variables (validation keeps the user's names apart).
func (c tenantConfig) variables(user map[string]string) (map[string]string, error) {
	js, err := json.Marshal(c)
	if err != nil {
		return nil, err
	}
	vars := maps.Clone(user)
	if vars == nil {
		vars = map[string]string{}
	}
	vars[TenantConfigVariable] = string(js)
	d := c.Database
	set := map[string]string{
		VariableDatabaseEngine: string(d.Engine), VariableDatabaseRegion: d.Region,
		VariableTableName: d.TableName, VariableTableArn: d.TableArn,
		VariableClusterArn: d.ClusterArn, VariableSecretArn: d.SecretArn, VariableDatabaseName: d.DatabaseName,
		VariableIsolation: string(d.Isolation), VariableSchema: d.Schema, VariableKeyPrefix: d.KeyPrefix,
	}
	for k, v := range set {
		if v != "" {
			vars[k] = v
		}
	}
	return vars, nil
}
