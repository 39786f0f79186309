// Package enginetest holds what the engine tests (go test -tags engine)
// need besides the Pulumi CLI: stand-in provider plugins for aws and random
// that answer every call on this machine, so the real engine can run the
// program without network access or AWS credentials.
package enginetest
