package shard

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/amplify-tenancy/tenancy/internal/stackconfig"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
)

// InitStacks creates the stacks of l's shards that do not exist yet, with
// the Pulumi Automation API in a local workspace on dir (the project
// directory: Pulumi.yaml, the fleet file, the lock), and returns the names
// of the stacks it created, in lock order. It needs the Pulumi CLI. opts
// configure the workspace as for auto.NewLocalWorkspace: auto.Pulumi(cmd)
// for a CLI other than the one on PATH, auto.EnvVars for the backend
// (PULUMI_BACKEND_URL, a file:// URL for a self-managed one) and the
// passphrase (PULUMI_CONFIG_PASSPHRASE) when the process environment lacks
// them, auto.PulumiHome. dir is always the work dir.
//
// For each shard:
//   - no stack file and no stack: `pulumi stack init <shard>` with the
//     passphrase secrets provider, which writes Pulumi.<shard>.yaml with a
//     new encryption salt; then tenancy:fleet and tenancy:shard are set,
//     and the secrets (accessToken, and basicAuthPassword when set) are
//     copied as secrets, encrypted with the shard's own salt;
//   - a stack file but no stack (a fresh backend, or a shard whose file a
//     colleague committed): `pulumi stack init <shard>`, which keeps the
//     file's salt, so its secrets still decrypt; the file is not changed;
//   - a stack and its file: nothing;
//   - a stack without its file: an error, since only the file's salt
//     decrypts the stack's secrets (restore it from git).
//
// The secrets come from the fleet stack <env> (decrypted by `pulumi
// config` with its own stack file), or, when there is no such stack (the
// fleet was sharded and its single stack removed), from the first of l's
// shards whose stack and file exist. The stack files written are meant to
// be committed.
func InitStacks(ctx context.Context, dir string, l *Lock, opts ...auto.LocalWorkspaceOption) ([]string, error) {
	if l == nil || !ValidEnv(l.Env) {
		return nil, errors.New("fleet init: no lock of an environment to create stacks for")
	}
	opts = append(append([]auto.LocalWorkspaceOption{auto.SecretsProvider("passphrase")}, opts...), auto.WorkDir(dir))
	ws, err := auto.NewLocalWorkspace(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("fleet init: workspace in %s: %w", dir, err)
	}
	exists, err := StackNames(ctx, ws)
	if err != nil {
		return nil, fmt.Errorf("fleet init: listing stacks: %w", err)
	}
	// Which shards have their stack file, looked at once.
	hasFile := map[string]bool{}
	var todo []Shard
	for _, s := range l.Shards {
		_, err := os.Stat(filepath.Join(dir, StackFileName(s.Name)))
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, err
		}
		hasFile[s.Name] = err == nil
		switch {
		case exists[s.Name] && !hasFile[s.Name]:
			return nil, fmt.Errorf("fleet init: stack %s exists but %s does not: restore the file from git (its encryption salt decrypts the stack's secrets)", s.Name, StackFileName(s.Name))
		case !exists[s.Name]:
			todo = append(todo, s)
		}
	}
	if len(todo) == 0 {
		return nil, nil
	}

	var secrets auto.ConfigMap
	var created []string
	for _, s := range todo {
		if hasFile[s.Name] {
			if err := ws.CreateStack(ctx, s.Name); err != nil {
				return created, fmt.Errorf("fleet init: stack %s: %w", s.Name, err)
			}
			created = append(created, s.Name)
			continue
		}
		if secrets == nil {
			if secrets, err = sourceSecrets(ctx, ws, l, exists, hasFile); err != nil {
				return created, err
			}
		}
		if err := ws.CreateStack(ctx, s.Name); err != nil {
			return created, fmt.Errorf("fleet init: stack %s: %w", s.Name, err)
		}
		created = append(created, s.Name)
		config := auto.ConfigMap{
			stackconfig.Project + ":" + stackconfig.KeyFleet: {Value: l.Env},
			stackconfig.Project + ":" + stackconfig.KeyShard: {Value: s.Name},
		}
		for k, v := range secrets {
			config[k] = v
		}
		if err := ws.SetAllConfig(ctx, s.Name, config); err != nil {
			return created, fmt.Errorf("fleet init: stack %s: config: %w", s.Name, err)
		}
	}
	return created, nil
}

// sourceSecrets reads the secrets a shard needs from the fleet stack, or
// from a shard that has them, decrypted.
func sourceSecrets(ctx context.Context, ws auto.Workspace, l *Lock, exists, hasFile map[string]bool) (auto.ConfigMap, error) {
	from := ""
	if exists[l.Env] {
		from = l.Env
	} else {
		for _, s := range l.Shards {
			if hasFile[s.Name] && exists[s.Name] {
				from = s.Name
				break
			}
		}
	}
	if from == "" {
		return nil, fmt.Errorf("fleet init: no stack to copy the secrets from: neither the fleet stack %s nor any shard exists; create it and set them (pulumi stack init %s; pulumi config set --secret %s ... --stack %s), then run fleet init again",
			l.Env, l.Env, stackconfig.KeyAccessToken, l.Env)
	}
	all, err := ws.GetAllConfig(ctx, from)
	if err != nil {
		return nil, fmt.Errorf("fleet init: reading the secrets of stack %s: %w", from, err)
	}
	out := auto.ConfigMap{}
	for _, k := range stackconfig.SecretKeys() {
		v, ok := all[stackconfig.Project+":"+k]
		if !ok || v.Value == "" {
			continue
		}
		out[stackconfig.Project+":"+k] = auto.ConfigValue{Value: v.Value, Secret: true}
	}
	if _, ok := out[stackconfig.Project+":"+stackconfig.KeyAccessToken]; !ok {
		return nil, fmt.Errorf("fleet init: stack %s has no %s to copy; set it: pulumi config set --secret %s ... --stack %s",
			from, stackconfig.KeyAccessToken, stackconfig.KeyAccessToken, from)
	}
	return out, nil
}
