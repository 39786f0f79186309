// Package standin is a small, honest stand-in for the pulumi-aws and
// pulumi-random provider plugins, for the engine tests only. It keeps state
// like a cloud would (ids, computed outputs), diffs like the real providers
// do for the properties this program sets (which ones force a replacement,
// and a region change of an aws provider), and writes every mutating call
// to a log so tests can prove what the engine did and did not do.
package standin
