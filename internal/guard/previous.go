package guard

import (
	"fmt"

	"github.com/amplify-tenancy/tenancy/internal/risk"
	"github.com/amplify-tenancy/tenancy/tenant"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// OutputName is the stack output the program exports and Previous reads.
const OutputName = "tenants"

// StackRefName is the name a StackReference gives stack, a stack of this
// program's project: <project>/<stack>, with the organization first when
// the backend has one. It is also the reference's resource name, so it
// must not change.
func StackRefName(ctx *pulumi.Context, stack string) string {
	name := ctx.Project() + "/" + stack
	if org := ctx.Organization(); org != "" {
		name = org + "/" + name
	}
	return name
}

// ReadPrevious reads the tenants output of this stack's last deployment
// through a StackReference to the stack itself. A stack never deployed has
// none, and a tenant's first deployment is never a move.
func ReadPrevious(ctx *pulumi.Context) (map[string]Previous, error) {
	name := StackRefName(ctx, ctx.Stack())
	ref, err := pulumi.NewStackReference(ctx, name, nil)
	if err != nil {
		return nil, fmt.Errorf("reading the last deployment of %s: %w", name, err)
	}
	details, err := ref.GetOutputDetails(OutputName)
	if err != nil {
		return nil, fmt.Errorf("reading the last deployment of %s: %w", name, err)
	}
	return parsePrevious(details.Value), nil
}

// parsePrevious reads the exported map id -> {region, account, status,
// backup, database: {engine, isolation, engineVersion}}, ignoring anything
// else it holds. A deployment made before the output had backup reads as
// without backups, so it never refuses a removal; one made before it had
// isolation or account was at cluster level in the deployer's own account,
// the only ones there were.
func parsePrevious(v any) map[string]Previous {
	out := map[string]Previous{}
	tenants, _ := v.(map[string]any)
	for id, raw := range tenants {
		t, _ := raw.(map[string]any)
		db, _ := t["database"].(map[string]any)
		region, _ := t["region"].(string)
		status, _ := t["status"].(string)
		engine, _ := db["engine"].(string)
		version, _ := db["engineVersion"].(string)
		backup, _ := t["backup"].(bool)
		isolation, _ := db["isolation"].(string)
		if isolation == "" && engine != "" {
			isolation = string(tenant.IsolationCluster)
		}
		account, _ := t["account"].(string)
		if account == "" && region != "" {
			account = risk.OwnAccount
		}
		out[id] = Previous{Region: region, Engine: engine, EngineVersion: version, Status: status, Backup: backup,
			Isolation: isolation, Account: account}
	}
	return out
}
