// Package standin is a small, honest stand-in for the pulumi-aws and
// pulumi-random provider plugins, for the engine tests only. It keeps state
// like a cloud would (ids, computed outputs), diffs like the real providers
// do for the properties this program sets (which ones force a replacement,
// and a region change of an aws provider), and writes every mutating call
// to a log so tests can prove what the engine did and did not do.
//
// With PostgresEnv set (the JSON of a pgtest.Conn), one real PostgreSQL
// stands in for every Aurora cluster: an aws.lambda.Invocation runs the
// provisioner's handler on create, update and delete with the payload
// terraform-provider-aws sends, and a cluster's databaseName is created.
package standin
