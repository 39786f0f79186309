// Command tenancy is the Pulumi program that deploys every tenant of a stack,
// each into its own AWS region, with one shared aws provider per region.
//
// Run without arguments, as the Pulumi CLI runs it, it is the program. With
// a command (validate, plan, diff) it checks, plans or compares a stack
// offline; see internal/cli.
package main

import (
	"os"

	"github.com/amplify-tenancy/tenancy/internal/cli"
	"github.com/amplify-tenancy/tenancy/internal/deploy"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func main() {
	if len(os.Args) < 2 {
		pulumi.Run(deploy.Program)
		return
	}
	os.Exit(cli.Run(os.Args[1:], cli.Env{Stdout: os.Stdout, Stderr: os.Stderr, Program: deploy.Program}))
}
