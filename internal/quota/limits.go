// Package quota checks a fleet against the per-region account quotas of AWS
// and the per-repository limit of GitHub before anything is deployed, so a
// fleet that outgrows them fails a review, not a `pulumi up` halfway through.
//
// The messages name regions and repositories, never tenants: they go into
// logs and pull-request comments, and a quota belongs to the account.
package quota

// Limits are the quotas a fleet is checked against. The defaults are AWS's
// and GitHub's defaults; an account with raised quotas sets its own in the
// stack config key tenancy:quotas.
type Limits struct {
	// AmplifyApps is the Amplify apps one account may have in one region.
	// Default 25 (AWS General Reference, Amplify endpoints and quotas).
	AmplifyApps int `json:"amplifyApps"`
	// AuroraInstances is the RDS DB instances one account may have in one
	// region, Aurora instances included. Default 40, or 20 in ap-south-1
	// while this stays 40 (Aurora User Guide, quotas).
	AuroraInstances int `json:"auroraInstances"`
	// DynamoDBTables is the DynamoDB tables one account may have in one
	// region. Default 2,500 (DynamoDB Developer Guide, service quotas).
	DynamoDBTables int `json:"dynamodbTables"`
	// RepositoryWebhooks is the number of apps that may connect to one
	// repository when each adds its own repository webhook; GitHub allows 20
	// webhooks per event per repository. 0, the default, turns the check off:
	// tenancy connects apps with accessToken, which goes through the Amplify
	// GitHub App and adds no repository webhook (docs/performance.md). Set 20
	// if apps are connected with oauthToken (legacy OAuth, or Bitbucket,
	// CodeCommit, GitLab).
	RepositoryWebhooks int `json:"repositoryWebhooks"`
}

// Defaults returns the default quotas of a new AWS account and of GitHub.
func Defaults() Limits {
	return Limits{AmplifyApps: 25, AuroraInstances: 40, DynamoDBTables: 2500}
}
