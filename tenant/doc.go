// Package tenant provisions one tenant of an AWS Amplify SaaS inside the
// tenant's own AWS region: an Amplify app and branch built from the shared
// repository, a customer-managed KMS key, and a database (DynamoDB or Aurora
// PostgreSQL Serverless v2) that never leaves that region.
//
// The package never reads stack configuration; callers turn their own config
// into TenantStackArgs and call NewTenantStack once per tenant, passing one
// shared aws.Provider per region (NewRegionProvider), whose region is then
// checked before anything is registered. Package tenanttest runs such a
// program under mocks, for its tests; Unjoin lists the problems of the
// error a run returns.
package tenant
