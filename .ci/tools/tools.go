//go:build tools

// Package tools pins the command-line tools CI builds: the Pulumi CLI for the
// engine tests and actionlint for the workflows. It is its own module so the
// heavy pulumi/pkg dependency never reaches users of the tenant package.
package tools

import (
	_ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
)
