// Command pulumi-resource-aws is the engine tests' stand-in for the
// pulumi-aws provider plugin; see package standin. Put its directory on
// PATH and set PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true.
package main

import (
	"fmt"
	"os"

	"github.com/amplify-tenancy/tenancy/internal/enginetest/standin"
)

func main() {
	if err := standin.Main("aws"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
