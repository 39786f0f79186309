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

// ShardSource is the Source of a running shard's program: the settings and
// tenants of the fleet file (Pulumi.<env>.yaml, read with ReadFile), the
// secrets of the running stack, the shard, whose own stack file holds
// them. Secrets the fleet file holds (encrypted with the fleet stack's
// salt, not the shard's) are not read. The stack name is the fleet's, so
// the environment defaults to it, never to the shard's name.
func ShardSource(ctx *pulumi.Context, fleet *File) Source {
	src := fleet.Source()
	own := FromContext(ctx)
	src.Secret = own.Secret
	src.Plain = func(key string) bool {
		_, inFile := fleet.Values[key]
		return inFile || own.Plain(key)
	}
	src.MissingSecretsAreWarnings = false
	return src
}
