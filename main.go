// Command tenancy is the Pulumi program that deploys every tenant of a stack,
// each into its own AWS region, with one shared aws provider per region.
//
// Run without arguments by the Pulumi CLI, it is the program. With a
// command (validate, plan, diff, fleet) it checks, plans or compares a
// stack offline, or runs a fleet's shards; see internal/cli. Without
// arguments outside the Pulumi engine it prints its usage and exits 2.
package main

import (
	"os"

	"github.com/amplify-tenancy/tenancy/internal/cli"
	"github.com/amplify-tenancy/tenancy/internal/deploy"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func main() {
	if isProgram(os.Args[1:], os.Getenv) {
		pulumi.Run(deploy.Program)
		return
	}
	os.Exit(cli.Run(os.Args[1:], cli.Env{Stdout: os.Stdout, Stderr: os.Stderr, Program: deploy.Program}))
}

// isProgram reports whether the process is the Pulumi program: started
// with no command by the Pulumi engine, which passes the address of its
// resource monitor in PULUMI_MONITOR. Outside the engine the program
// could only fail ("exit status 32" and nothing else), so a person who
// runs `go run .` gets the usage instead.
func isProgram(args []string, getenv func(string) string) bool {
	return len(args) == 0 && getenv("PULUMI_MONITOR") != ""
}
