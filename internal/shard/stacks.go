package shard

import (
	"context"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
)

// StackNames lists the stacks of ws's project in its backend, by their
// short names: a backend with organizations lists organization/project/name.
func StackNames(ctx context.Context, ws auto.Workspace) (map[string]bool, error) {
	summaries, err := ws.ListStacks(ctx)
	if err != nil {
		return nil, err
	}
	names := make(map[string]bool, len(summaries))
	for _, s := range summaries {
		names[s.Name[strings.LastIndexByte(s.Name, '/')+1:]] = true
	}
	return names, nil
}
