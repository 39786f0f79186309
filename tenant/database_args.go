package tenant

import (
	"math"
	"regexp"
	"slices"

	"github.com/amplify-tenancy/tenancy/internal/awsrules"
)

// DatabaseEngine selects the kind of database a tenant gets.
type DatabaseEngine string

// The database engines a tenant can use. The engine decides the resource type
// of the tenant's database, so it can never change in place.
const (
	EngineDynamoDB         DatabaseEngine = "dynamodb"
	EngineAuroraPostgreSQL DatabaseEngine = "aurora-postgresql"
)

// Isolation is how far a tenant's data is kept from other tenants' data
// (README, "Isolation levels"). It decides which resources hold the data,
// so it never changes in place: a move between levels is a migration.
type Isolation string

// The isolation levels. The tenant's app, key and roles are its own at
// every level; what differs is where its rows or items live.
const (
	// IsolationCluster: the tenant's own DynamoDB table or Aurora cluster.
	IsolationCluster Isolation = "cluster"
	// IsolationDatabase: the tenant's own PostgreSQL database and login
	// role in its region's shared Aurora cluster. Aurora only.
	IsolationDatabase Isolation = "database"
	// IsolationSchema: the tenant's own schema and login role in one
	// shared database of its region's shared Aurora cluster, or, on
	// DynamoDB, the tenant's items under its own partition-key prefix in
	// the region's shared table.
	IsolationSchema Isolation = "schema"
)

// isolations are the levels in the order README lists them.
var isolations = []Isolation{IsolationSchema, IsolationDatabase, IsolationCluster}

// Isolations returns the isolation levels, a copy the caller may change.
func Isolations() []Isolation { return slices.Clone(isolations) }

// Pooled reports whether the level keeps the tenant's data in its
// region's shared resources.
func (i Isolation) Pooled() bool { return i == IsolationDatabase || i == IsolationSchema }

// Aurora Serverless v2 capacity limits in ACUs, from the Aurora User Guide,
// "Capacity for Aurora Serverless v2": 0 to 256 in steps of 0.5, with at
// least 1 ACU as the maximum.
const (
	auroraMinACU     = 0
	auroraMaxACU     = 256
	auroraMaxFloor   = 1
	maxAuroraReaders = 15
	maxBackupDays    = 35
)

// DatabaseArgs chooses and sizes a tenant's database.
type DatabaseArgs struct {
	// Engine is the database engine. Default EngineDynamoDB.
	Engine DatabaseEngine
	// Isolation is where the tenant's data lives. Default
	// IsolationCluster. The pooled levels (database, schema) live in
	// TenantStackArgs.Shared and take no sizing of their own: the shared
	// cluster is sized for the region.
	Isolation Isolation
	// MinCapacity is the Aurora Serverless v2 minimum in ACUs; nil takes
	// the default, 0.5, and an explicit 0 stays 0 (new(0.0)).
	MinCapacity *float64
	// MaxCapacity is the Aurora Serverless v2 maximum in ACUs; nil takes
	// the default, 4.
	MaxCapacity *float64
	// InstanceClass is a provisioned Aurora instance class (for example
	// db.r6g.large) for large tenants. Default "db.serverless".
	InstanceClass string
	// Instances is the number of Aurora instances, writer included; nil
	// takes the default, 1.
	Instances *int
	// BackupRetentionDays is how long Aurora keeps automated backups; nil
	// takes the default, 7 in production and 1 elsewhere.
	BackupRetentionDays *int
	// EngineVersion is the Aurora PostgreSQL major version. AWS applies
	// minor versions itself, so a minor pinned here would be downgraded on
	// every later update. Default "16".
	EngineVersion string
	// AllowMajorVersionUpgrade lets a change of EngineVersion upgrade the
	// cluster. Without it, EngineVersion changes nothing on a cluster that
	// exists: an upgrade is a deliberate, reviewed edit.
	AllowMajorVersionUpgrade bool
}

// The defaults of a new Aurora cluster.
const (
	// defaultEngineVersion is the Aurora PostgreSQL major version.
	defaultEngineVersion = "16"
	// defaultMinCapacity and defaultMaxCapacity are the Serverless v2 range.
	defaultMinCapacity = 0.5
	defaultMaxCapacity = 4.0
)

// majorVersion is an Aurora PostgreSQL major version such as 16.
var majorVersion = regexp.MustCompile(`^[1-9][0-9]?$`)

// serverlessClass is the Aurora instance class of Serverless v2 instances.
const serverlessClass = "db.serverless"

func (d DatabaseArgs) withDefaults(production bool) DatabaseArgs {
	if d.Engine == "" {
		d.Engine = EngineDynamoDB
	}
	if d.Isolation == "" {
		d.Isolation = IsolationCluster
	}
	if d.Engine != EngineAuroraPostgreSQL || d.Isolation.Pooled() {
		return d
	}
	if d.InstanceClass == "" {
		d.InstanceClass = serverlessClass
	}
	// Defaults fill what is absent only: a value written, 0 included, is
	// kept and validated as written.
	if d.Serverless() && d.MinCapacity == nil {
		d.MinCapacity = new(defaultMinCapacity)
	}
	if d.Serverless() && d.MaxCapacity == nil {
		d.MaxCapacity = new(defaultMaxCapacity)
	}
	if d.Instances == nil {
		d.Instances = new(1)
	}
	if d.BackupRetentionDays == nil {
		days := 1
		if production {
			days = 7
		}
		d.BackupRetentionDays = &days
	}
	if d.EngineVersion == "" {
		d.EngineVersion = defaultEngineVersion
	}
	return d
}

func (d DatabaseArgs) problems() []error {
	var errs []error
	add := func(field, format string, v ...any) {
		errs = append(errs, fieldErrorf("database."+field, format, v...))
	}
	if !slices.Contains(isolations, d.Isolation) {
		add("isolation", "%q is not one of schema, database, cluster", d.Isolation)
		return errs
	}
	if d.Engine == EngineDynamoDB && d.Isolation == IsolationDatabase {
		add("isolation", "database is for aurora-postgresql: a DynamoDB table holds no databases. Use schema (the tenant's items under its own key prefix in the region's shared table) or cluster (its own table)")
		return errs
	}
	if d.Isolation.Pooled() {
		if d.MinCapacity != nil || d.MaxCapacity != nil || d.InstanceClass != "" || d.Instances != nil ||
			d.BackupRetentionDays != nil || d.EngineVersion != "" || d.AllowMajorVersionUpgrade {
			add("isolation", "%s lives in the region's shared %s, which is sized and versioned for the whole region; remove the tenant's capacity, instance, retention and version settings, or use isolation: cluster", d.Isolation, sharedWhat(d.Engine))
		}
		if d.Engine != EngineDynamoDB && d.Engine != EngineAuroraPostgreSQL {
			add("engine", "%q is not one of dynamodb, aurora-postgresql", d.Engine)
		}
		return errs
	}
	switch d.Engine {
	case EngineDynamoDB:
		if d.MinCapacity != nil || d.MaxCapacity != nil || d.InstanceClass != "" || d.Instances != nil ||
			d.BackupRetentionDays != nil || d.EngineVersion != "" || d.AllowMajorVersionUpgrade {
			add("engine", "dynamodb is on-demand and takes no capacity, instance or version settings; remove them or use aurora-postgresql")
		}
		return errs
	case EngineAuroraPostgreSQL:
	default:
		add("engine", "%q is not one of dynamodb, aurora-postgresql", d.Engine)
		return errs
	}
	classErr := awsrules.CheckInstanceClass(d.InstanceClass)
	switch {
	case d.Serverless():
		errs = append(errs, d.capacityProblems()...)
	case classErr != nil:
		add("instanceClass", "%w", classErr)
	case d.MinCapacity != nil || d.MaxCapacity != nil:
		add("minCapacity", "capacity in ACUs applies to db.serverless only, not to instance class %q", d.InstanceClass)
	}
	if n := *d.Instances; n < 1 || n > maxAuroraReaders+1 {
		add("instances", "%d must be between 1 and %d", n, maxAuroraReaders+1)
	}
	if !majorVersion.MatchString(d.EngineVersion) {
		add("engineVersion", "%q must be a major version such as %s; AWS applies minor versions itself", d.EngineVersion, defaultEngineVersion)
	}
	if n := *d.BackupRetentionDays; n < 1 || n > maxBackupDays {
		add("backupRetentionDays", "%d must be between 1 and %d", n, maxBackupDays)
	}
	return errs
}

// sharedWhat names the shared resource a pooled tenant of engine lives in.
func sharedWhat(engine DatabaseEngine) string {
	if engine == EngineDynamoDB {
		return "table"
	}
	return "Aurora cluster"
}

// Serverless reports whether the Aurora cluster runs Serverless v2 instances.
func (d DatabaseArgs) Serverless() bool { return d.InstanceClass == serverlessClass }

// capacityProblems checks a Serverless v2 capacity range.
func (d DatabaseArgs) capacityProblems() []error {
	var errs []error
	for _, c := range []struct {
		field string
		v     float64
	}{{"minCapacity", *d.MinCapacity}, {"maxCapacity", *d.MaxCapacity}} {
		switch {
		case c.v < auroraMinACU:
			errs = append(errs, fieldErrorf("database."+c.field, "%v is below Aurora's limit of %v ACUs", c.v, auroraMinACU))
		case c.v > auroraMaxACU:
			errs = append(errs, fieldErrorf("database."+c.field, "%v is above Aurora's limit of %v ACUs", c.v, auroraMaxACU))
		case math.Mod(c.v*2, 1) != 0:
			errs = append(errs, fieldErrorf("database."+c.field, "%v is not a multiple of 0.5 ACU", c.v))
		}
	}
	lo, hi := *d.MinCapacity, *d.MaxCapacity
	if hi < auroraMaxFloor {
		errs = append(errs, fieldErrorf("database.maxCapacity", "%v is below Aurora's smallest maximum of %v ACU", hi, auroraMaxFloor))
	}
	if lo > hi {
		errs = append(errs, fieldErrorf("database.minCapacity", "%v is above maxCapacity %v", lo, hi))
	}
	return errs
}
