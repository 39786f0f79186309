package cli

import "github.com/amplify-tenancy/tenancy/internal/deploy"

// program is the Pulumi program main.go runs, so plan runs what it would.
var program = deploy.Program
