//go:build tools

// Package tools pins the command-line tools CI builds: the Pulumi CLI for the
// engine tests. It is its own module so the heavy pulumi/pkg dependency never
// reaches users of the tenant package. actionlint is not here: it does not
// build against the go.yaml.in/yaml/v4 pulumi/pkg needs, so .ci/run installs
// it by version instead.
package tools

import (
	_ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
)
