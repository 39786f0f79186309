package stackconfig

import (
	"slices"

	"github.com/amplify-tenancy/tenancy/tenant"
)

// Project is the Pulumi project name, the namespace of every config key.
const Project = "tenancy"

// The stack-level config keys, without the "tenancy:" namespace.
const (
	KeyRepository        = "repository"
	KeyBranch            = "branch"
	KeyAccessToken       = "accessToken"
	KeyProtect           = "protect"
	KeyEnvironment       = "environment"
	KeyProduction        = "production"
	KeyBuildSpec         = "buildSpec"
	KeyBasicAuth         = "basicAuth"
	KeyBasicAuthUsername = "basicAuthUsername"
	KeyBasicAuthPassword = "basicAuthPassword"
	KeyTenants           = "tenants"
	KeyRegions           = "regions"
	KeyQuotas            = "quotas"
	KeyMovedOut          = "movedOut"
	KeyNetwork           = "network"
	KeyTiers             = "tiers"
	KeySharedCluster     = "sharedCluster"
	// KeyFleet and KeyShard are set only in a shard's stack file: the
	// environment whose fleet file (Pulumi.<fleet>.yaml) and lock the shard
	// deploys part of, and the shard's own name (internal/shard).
	KeyFleet = "fleet"
	KeyShard = "shard"
)

// The defaults of the stack-wide settings, declared once: the parser starts
// from them, diff reads them, and TestDefaultsAgreeEverywhere keeps
// Pulumi.yaml and README's config table equal to them.
const (
	DefaultBranch            = "main"
	DefaultProtect           = true
	DefaultBasicAuth         = false
	DefaultBasicAuthUsername = "tenancy"
)

// stackKeys are every key a stack file may set under "tenancy:".
var stackKeys = []string{KeyRepository, KeyBranch, KeyAccessToken, KeyProtect, KeyEnvironment, KeyProduction,
	KeyBuildSpec, KeyBasicAuth, KeyBasicAuthUsername, KeyBasicAuthPassword, KeyTenants, KeyRegions, KeyQuotas, KeyMovedOut, KeyNetwork, KeyTiers, KeySharedCluster,
	KeyFleet, KeyShard}

// secretKeys are the keys that must be set with `pulumi config set --secret`.
var secretKeys = []string{KeyAccessToken, KeyBasicAuthPassword}

// tenantEntry is one item of the tenants list, exactly as written in a stack
// file. Its json tags are the only keys accepted.
type tenantEntry struct {
	ID                   string            `json:"id"`
	Name                 string            `json:"name"`
	Region               string            `json:"region"`
	Tier                 string            `json:"tier"`
	Status               string            `json:"status"`
	Platform             string            `json:"platform"`
	Branch               string            `json:"branch"`
	Domain               string            `json:"domain"`
	FormerIDs            []string          `json:"formerIds"`
	ConfirmMove          string            `json:"confirmMove"`
	ConfirmBackupRemoval bool              `json:"confirmBackupRemoval"`
	Database             databaseEntry     `json:"database"`
	Environment          map[string]string `json:"environment"`
	Backup               *backupEntry      `json:"backup"`
	Account              *accountEntry     `json:"account"`
}

// accountEntry is the account a tenant (or a tier) lives in.
type accountEntry struct {
	RoleArn    string `json:"roleArn"`
	ExternalID string `json:"externalId"`
}

func (a *accountEntry) args() *tenant.AccountArgs {
	if a == nil {
		return nil
	}
	return &tenant.AccountArgs{RoleArn: a.RoleArn, ExternalID: a.ExternalID}
}

type databaseEntry struct {
	Engine              string   `json:"engine"`
	Isolation           string   `json:"isolation"`
	MinCapacity         *float64 `json:"minCapacity"`
	MaxCapacity         *float64 `json:"maxCapacity"`
	InstanceClass       string   `json:"instanceClass"`
	Instances           *int     `json:"instances"`
	BackupRetentionDays *int     `json:"backupRetentionDays"`
	EngineVersion       string   `json:"engineVersion"`
	// AllowMajorVersionUpgrade lets an engineVersion change upgrade.
	AllowMajorVersionUpgrade bool `json:"allowMajorVersionUpgrade"`
}

type backupEntry struct {
	Schedule      string `json:"schedule"`
	RetentionDays int    `json:"retentionDays"`
	NotifyEmail   string `json:"notifyEmail"`
}

func isSecretKey(key string) bool { return slices.Contains(secretKeys, key) }

// SecretKeys returns the keys that must be set with
// `pulumi config set --secret`, for callers that stand in for them offline.
func SecretKeys() []string { return slices.Clone(secretKeys) }
