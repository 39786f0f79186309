package stackconfig

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

// FromContext is the Source of a running Pulumi program. It reads with the
// non-panicking, secret-aware getters only.
func FromContext(ctx *pulumi.Context) Source {
	return Source{
		Stack: ctx.Stack(),
		Get: func(key string) (string, bool) {
			// Pulumi.yaml gives optional keys an empty default.
			v, err := config.Try(ctx, key)
			return v, err == nil && v != ""
		},
		Secret: func(key string) pulumi.StringInput {
			v, err := config.TrySecret(ctx, key)
			if raw, _ := ctx.GetConfig(Project + ":" + key); err != nil || raw == "" {
				return nil
			}
			return v
		},
		// The engine marks the keys a stack file sets with secure:; a secret
		// key without the mark was written in plain text.
		Plain: func(key string) bool {
			raw, ok := ctx.GetConfig(Project + ":" + key)
			return ok && raw != "" && !ctx.IsConfigSecret(Project+":"+key)
		},
	}
}
