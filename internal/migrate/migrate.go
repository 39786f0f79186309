// Package migrate moves the resources of an environment's single stack,
// <env>, into the stacks of its shards (internal/shard) without replacing,
// or even touching, any of them: it edits state, never the cloud.
//
// Run exports <env>'s deployment, splits it among the shards of the lock
// (Split: each tenant's TenantStack component and everything below it to
// the tenant's shard; the Aurora network and RegionShared component of an
// account and region to its home shard, the first; to every shard a copy
// of the providers it uses and its root stack resource, whose "tenants"
// output keeps its own tenants), imports each part into its shard's stack
// (which `fleet init` created, empty), and proves that nothing is
// replaced: a preview of every shard, running the program, must show no
// create, delete or replacement. Only then is <env>'s state emptied (its
// root stack resource alone is left), so that no resource has two owners:
// a `pulumi destroy --stack <env>` afterwards deletes nothing.
//
// Secrets. A deployment's ciphertexts are its stack's: every stack has its
// own encryption salt (Pulumi.<stack>.yaml). Run exports <env> with its
// secrets in plain text (`pulumi stack export --show-secrets`, kept in
// memory) and imports each part under the shard's own secrets provider,
// through the CLI's standard input (`pulumi stack import`), which encrypts
// them with the shard's key; no plain-text secret is written to a file.
// It then reads every shard back both ways: stored, its secrets provider
// must be the shard's and no secret may be in plain text; decrypted, every
// resource must be the one imported.
package migrate

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/amplify-tenancy/tenancy/internal/deploy"
	"github.com/amplify-tenancy/tenancy/internal/shard"
	"github.com/amplify-tenancy/tenancy/internal/stackconfig"
	"github.com/amplify-tenancy/tenancy/internal/textout"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Options configure Run.
type Options struct {
	// Workspace configures the Automation API workspace, as for
	// shard.InitStacks: auto.Pulumi(cmd), auto.EnvVars for the backend
	// and passphrase, auto.PulumiHome. The project directory is always
	// the work dir.
	Workspace []auto.LocalWorkspaceOption
	// Program is what the previews run; nil is deploy.ProgramIn(dir), the
	// program `pulumi up --stack <shard>` runs.
	Program pulumi.RunFunc
	// Backup, when set, is a file Run writes <env>'s deployment to, as
	// stored (its secrets encrypted with <env>'s key), before it changes
	// anything: `pulumi stack import --stack <env> --file <backup>`
	// restores it. Written with mode 0600; an existing file is refused.
	Backup string
	// Log, when set, receives a line per step.
	Log io.Writer
	// Parallel is how many shards are imported, previewed or deployed at
	// once; 0 is 4.
	Parallel int
}

// Result is what Run did.
type Result struct {
	// AlreadyMigrated is true when there was nothing to do: <env> holds
	// no resources and its shards do.
	AlreadyMigrated bool
	// Plan is the split of <env>'s deployment (nil when AlreadyMigrated).
	Plan *Plan
	// Shards are the shards in lock order.
	Shards []ShardResult
	// Backup is the file <env>'s deployment was saved to, if any.
	Backup string
}

// ShardResult is one shard's migration.
type ShardResult struct {
	Name string
	Home bool
	// Tenants and Resources are what the shard received (Resources: all
	// of its state, root and copied providers included).
	Tenants, Resources int
	// Preview counts the resources of the shard's preview by operation
	// ("same", "read", "update", ...).
	Preview map[apitype.OpType]int
	// Changes are the resources the preview would change, "<op> <urn>":
	// none but updates, when Run succeeds.
	Changes []string
	// Up counts the operations of the home shard's update that Run ran
	// before previewing the place's other shards (nil when none ran).
	Up map[string]int
}

// undoTimeout bounds emptying the shards again after a failure.
const undoTimeout = 5 * time.Minute

// ErrNotMigrated wraps the errors after which nothing is left changed.
var ErrNotMigrated = errors.New("nothing was migrated")

// Run moves the resources of dir's single stack env into the stacks of
// lock's shards, as the package comment says, and returns what it did.
//
// It refuses, changing nothing: a lock that does not fit the fleet file,
// a shard without its stack (run `fleet init`), a shard whose stack holds
// resources (with <env> empty: already migrated, Result.AlreadyMigrated
// and no error), an <env> with no resources, with pending operations or a
// resource Split cannot place, a tenant of <env>'s state the lock lacks
// or puts in another account or region.
//
// Once the shards are imported, every home shard is previewed; a home
// shard whose place has other shards is then deployed (`up`, which may
// change nothing but its outputs: the others read the shared resources
// from them through a stack reference), and the other shards are
// previewed. A preview or update that would create, delete or replace
// anything, or any failure (an interrupt too), undoes the imports (each
// shard's stack is emptied again) and leaves <env> as it was; the error
// wraps ErrNotMigrated unless undoing failed, or a home shard's update
// made a change its preview did not show (then nothing is undone, as the
// shard's state alone records what it made). Updates are allowed and
// reported in ShardResult.Changes.
func Run(ctx context.Context, dir, env string, lock *shard.Lock, opts Options) (*Result, error) {
	if lock == nil {
		return nil, fmt.Errorf("%w: environment %s has no %s: assign its shards first with: go run . fleet assign --env %s", ErrNotMigrated, env, shard.FileName(env), env)
	}
	if lock.Env != env {
		return nil, fmt.Errorf("%w: the lock given is environment %s's, not %s's", ErrNotMigrated, lock.Env, env)
	}
	m := &migration{dir: dir, env: env, lock: lock, log: opts.Log, program: opts.Program, parallel: opts.Parallel}
	if m.log == nil {
		m.log = io.Discard
	}
	if m.parallel < 1 {
		m.parallel = 4
	}
	if m.program == nil {
		m.program = deploy.ProgramIn(dir)
	}
	if err := m.checkLock(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNotMigrated, err)
	}
	wsOpts := append(slices.Clone(opts.Workspace), auto.WorkDir(dir))
	ws, err := auto.NewLocalWorkspace(ctx, wsOpts...)
	if err != nil {
		return nil, fmt.Errorf("%w: workspace in %s: %w", ErrNotMigrated, dir, err)
	}
	m.ws, m.wsOpts = ws, wsOpts

	res, err := m.run(ctx, opts.Backup)
	if err != nil && !m.dirty && !errors.Is(err, ErrNotMigrated) {
		err = fmt.Errorf("%w: %w", ErrNotMigrated, err)
	}
	return res, err
}

type migration struct {
	dir, env string
	lock     *shard.Lock
	log      io.Writer
	program  pulumi.RunFunc
	ws       auto.Workspace
	wsOpts   []auto.LocalWorkspaceOption
	parallel int
	logMu    sync.Mutex
	// dirty is set when undoing the imports failed: shards may hold
	// resources <env> holds too.
	dirty bool
}

func (m *migration) logf(format string, v ...any) {
	m.logMu.Lock()
	defer m.logMu.Unlock()
	fmt.Fprintf(m.log, format+"\n", v...)
}

// checkLock refuses a lock that does not fit the fleet file, as the
// program would in every shard.
func (m *migration) checkLock() error {
	f, err := stackconfig.ReadFile(filepath.Join(m.dir, shard.StackFileName(m.env)))
	if err != nil {
		return fmt.Errorf("the fleet file: %w", err)
	}
	fleet, err := stackconfig.Parse(f.Source())
	if err != nil {
		return fmt.Errorf("the fleet file %s: %w", shard.StackFileName(m.env), err)
	}
	if errs := shard.Check(m.lock, m.env, fleet); len(errs) > 0 {
		return errors.Join(errs...)
	}
	return nil
}

func (m *migration) run(ctx context.Context, backup string) (*Result, error) {
	// Every shard's stack exists; note what each holds.
	exists, err := shard.StackNames(ctx, m.ws)
	if err != nil {
		return nil, fmt.Errorf("listing stacks: %w", err)
	}
	if !exists[m.env] {
		return nil, fmt.Errorf("stack %s does not exist in this backend: there is nothing to migrate (check PULUMI_BACKEND_URL or pulumi login)", m.env)
	}
	var missing []string
	for _, s := range m.lock.Shards {
		if !exists[s.Name] {
			missing = append(missing, s.Name)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("shards without a stack: %s; create them first with: go run . fleet init --env %s", strings.Join(missing, ", "), m.env)
	}
	names := m.lock.Names()
	empty := make([]apitype.UntypedDeployment, len(names)) // each shard as it is: empty
	counts := make([]int, len(names))
	if err := m.each(len(names), func(i int) error {
		d, err := m.export(ctx, names[i], false)
		if err != nil {
			return err
		}
		empty[i] = d
		if counts[i], err = countResources(d); err != nil {
			return fmt.Errorf("stack %s: %w", names[i], err)
		}
		return nil
	}); err != nil {
		return nil, err
	}
	var full []string
	for i, n := range counts {
		if n > 0 {
			full = append(full, names[i])
		}
	}
	envStored, err := m.export(ctx, m.env, false)
	if err != nil {
		return nil, err
	}
	envCount, err := countResources(envStored)
	if err != nil {
		return nil, fmt.Errorf("stack %s: %w", m.env, err)
	}
	switch {
	case len(full) > 0 && envCount == 0:
		m.logf("%s: already migrated: its shards hold its resources and stack %s none; nothing changed", m.env, m.env)
		return &Result{AlreadyMigrated: true}, nil
	case len(full) > 0:
		return nil, fmt.Errorf("shards %s already hold resources, and stack %s holds some too: migrate moves %s into empty shards only; see which stack holds what with pulumi stack --stack <name> --show-urns", strings.Join(full, ", "), m.env, m.env)
	case envCount == 0:
		return nil, fmt.Errorf("stack %s holds no resources: there is nothing to migrate", m.env)
	}

	// <env> in plain text, split.
	envPlain, err := m.export(ctx, m.env, true)
	if err != nil {
		return nil, err
	}
	plan, err := Split(m.env, envPlain, m.lock)
	if err != nil {
		return nil, err
	}
	m.logf("%s: %d tenants into %d shards", m.env, len(plan.Tenants), len(plan.Shards))
	if backup != "" {
		if err := writeBackup(backup, envStored); err != nil {
			return nil, err
		}
		m.logf("%s: its deployment saved to %s (restore: pulumi stack import --stack %s --file %s)", m.env, backup, m.env, backup)
	}
	res := &Result{Plan: plan, Backup: backup, Shards: make([]ShardResult, len(plan.Shards))}
	for i, sp := range plan.Shards {
		res.Shards[i] = ShardResult{Name: sp.Name, Home: sp.Home, Tenants: len(sp.Tenants), Resources: len(sp.resources)}
	}

	// Import every shard; from here on, a failure undoes them.
	imported := make([]bool, len(names))
	undo := func(cause error) error {
		// Undone even when ctx was cancelled (Ctrl-C): that is the point.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), undoTimeout)
		defer cancel()
		var errs []error
		var mu sync.Mutex
		_ = m.each(len(names), func(i int) error {
			if !imported[i] {
				return nil
			}
			if err := m.importStack(ctx, names[i], empty[i]); err != nil {
				mu.Lock()
				errs = append(errs, fmt.Errorf("emptying shard %s again: %w", names[i], err))
				mu.Unlock()
			}
			return nil
		})
		if len(errs) > 0 {
			m.dirty = true
			return fmt.Errorf("%w; and undoing the imports failed, so empty these shards by hand (pulumi stack export --stack <shard>, remove every resource but the first, pulumi stack import) before running migrate again; stack %s still holds every resource: %w",
				cause, m.env, errors.Join(errs...))
		}
		m.logf("%s: the shards are empty again; stack %s is as it was", m.env, m.env)
		return fmt.Errorf("%w (%w: the shards were emptied again, stack %s is unchanged)", cause, ErrNotMigrated, m.env)
	}
	if err := m.each(len(names), func(i int) error {
		sp := plan.Shards[i]
		secrets, err := secretsProviders(empty[i])
		if err != nil {
			return fmt.Errorf("stack %s: %w", sp.Name, err)
		}
		d, err := plan.ShardDeployment(sp, secrets)
		if err != nil {
			return err
		}
		imported[i] = true // even a failed import may have written
		if err := m.importStack(ctx, sp.Name, d); err != nil {
			return err
		}
		if err := m.verify(ctx, sp.Name, d, secrets); err != nil {
			return err
		}
		home := ""
		if sp.Home {
			home = ", home shard"
		}
		m.logf("%s: imported %d resources (%s%s), %s copied, %s on other shards dropped",
			sp.Name, len(sp.resources), textout.Count(len(sp.Tenants), "tenant"), home, textout.Count(len(sp.Providers), "provider"), textout.Count(len(sp.Dropped), "dependency"))
		return nil
	}); err != nil {
		return res, undo(err)
	}

	// Previews: home shards first, each then deployed when its place has
	// other shards, which read its outputs; then the other shards.
	siblings := map[string]int{}
	for _, s := range m.lock.Shards {
		home, _ := m.lock.Home(s.Region, s.Account)
		siblings[home.Name]++
	}
	for _, homes := range []bool{true, false} {
		var batch []int
		for i := range res.Shards {
			if res.Shards[i].Home == homes {
				batch = append(batch, i)
			}
		}
		if err := m.each(len(batch), func(k int) error {
			r := &res.Shards[batch[k]]
			counts, changes, err := m.preview(ctx, r.Name)
			r.Preview, r.Changes = counts, changes
			if err != nil {
				return fmt.Errorf("preview of %s: %w", r.Name, err)
			}
			m.logf("%s: preview: %s", r.Name, cmp.Or(opSummary(counts), "no resources"))
			if bad := forbidden(changes); len(bad) > 0 {
				more := ""
				if len(bad) > 5 {
					bad, more = bad[:5], fmt.Sprintf("; and %d more", len(bad)-5)
				}
				return fmt.Errorf("preview of %s would %s%s", r.Name, strings.Join(bad, "; "), more)
			}
			if !r.Home || siblings[r.Name] < 2 {
				return nil
			}
			up, err := m.up(ctx, r.Name)
			r.Up = up
			if err != nil {
				return fmt.Errorf("up of home shard %s: %w", r.Name, err)
			}
			m.logf("%s: up (writes the outputs the other shards of its place read): %s", r.Name, opSummary(up))
			for op, n := range up {
				if n > 0 && op != string(apitype.OpSame) && op != string(apitype.OpUpdate) && op != string(apitype.OpRead) {
					return &madeChanges{fmt.Errorf("up of home shard %s: %d resources %s after a preview that showed none", r.Name, n, op)}
				}
			}
			return nil
		}); err != nil {
			var made *madeChanges
			if errors.As(err, &made) {
				// What it created is in the shard's state alone: emptying
				// the shard would lose track of it.
				m.dirty = true
				return res, fmt.Errorf("%w; the imports are NOT undone (that would lose track of what the update made): stack %s and its shards both hold resources, sort them out by hand", err, m.env)
			}
			return res, undo(err)
		}
	}

	// The shards own everything: empty <env>.
	left, err := plan.EnvDeployment()
	if err != nil {
		return res, undo(err)
	}
	if err := m.importStack(ctx, m.env, left); err != nil {
		return res, undo(fmt.Errorf("emptying stack %s: %w", m.env, err))
	}
	m.logf("%s: stack %s now holds no resources; its shards own them", m.env, m.env)
	return res, nil
}

// madeChanges is an update that changed what its preview said it would
// not.
type madeChanges struct{ error }

func (e *madeChanges) Unwrap() error { return e.error }

// each runs fn(0..n-1), at most m.parallel at a time, and returns every
// error, joined in index order; after a first error it starts no more.
func (m *migration) each(n int, fn func(i int) error) error {
	errs := make([]error, n)
	sem := make(chan struct{}, max(m.parallel, 1))
	var wg sync.WaitGroup
	var failed atomic.Bool
	for i := range n {
		sem <- struct{}{}
		if failed.Load() {
			<-sem
			break
		}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			if errs[i] = fn(i); errs[i] != nil {
				failed.Store(true)
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// forbidden are the changes a migration may not make: all but updates.
func forbidden(changes []string) []string {
	var out []string
	for _, c := range changes {
		if !strings.HasPrefix(c, string(apitype.OpUpdate)+" ") {
			out = append(out, c)
		}
	}
	return out
}

// opSummary is "3 same, 1 update": each operation's count, by operation;
// "" for none.
func opSummary[Op ~string](counts map[Op]int) string {
	var parts []string
	for _, op := range slices.Sorted(maps.Keys(counts)) {
		parts = append(parts, fmt.Sprintf("%d %s", counts[op], op))
	}
	return strings.Join(parts, ", ")
}

// cli runs the Pulumi CLI as the workspace runs it, with stdin.
func (m *migration) cli(ctx context.Context, stdin io.Reader, args ...string) (string, error) {
	var env []string
	if home := m.ws.PulumiHome(); home != "" {
		env = append(env, "PULUMI_HOME="+home)
	}
	for k, v := range m.ws.GetEnvVars() {
		env = append(env, k+"="+v)
	}
	stdout, stderr, _, err := m.ws.PulumiCommand().Run(ctx, m.ws.WorkDir(), stdin, nil, nil, env, args...)
	if err != nil {
		return "", fmt.Errorf("pulumi %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr))
	}
	return stdout, nil
}

// export is `pulumi stack export`: with plain, secrets in plain text.
func (m *migration) export(ctx context.Context, stack string, plain bool) (apitype.UntypedDeployment, error) {
	args := []string{"stack", "export", "--stack", stack}
	if plain {
		args = append(args, "--show-secrets")
	}
	out, err := m.cli(ctx, nil, args...)
	if err != nil {
		return apitype.UntypedDeployment{}, err
	}
	var d apitype.UntypedDeployment
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		return d, fmt.Errorf("stack %s: its export: %w", stack, err)
	}
	return d, nil
}

// importStack is `pulumi stack import`, the deployment on standard input
// (never in a file: it may hold secrets in plain text).
func (m *migration) importStack(ctx context.Context, stack string, d apitype.UntypedDeployment) error {
	data, err := json.Marshal(d)
	if err != nil {
		return err
	}
	_, err = m.cli(ctx, bytes.NewReader(data), "stack", "import", "--stack", stack)
	return err
}

// verify reads a shard back after its import: stored under its own
// secrets provider with no secret in plain text, and, decrypted, holding
// exactly the resources imported.
func (m *migration) verify(ctx context.Context, stack string, imported apitype.UntypedDeployment, secrets json.RawMessage) error {
	stored, err := m.export(ctx, stack, false)
	if err != nil {
		return err
	}
	got, err := decodeDeployment(stored)
	if err != nil {
		return fmt.Errorf("stack %s: %w", stack, err)
	}
	if !sameJSON(got.SecretsProviders, secrets) {
		return fmt.Errorf("stack %s: its state is under secrets provider %s, not its own %s", stack, got.SecretsProviders, secrets)
	}
	if path := plainSecret(got.Resources); path != "" {
		return fmt.Errorf("stack %s: a secret is stored in plain text at %s", stack, path)
	}
	plain, err := m.export(ctx, stack, true)
	if err != nil {
		return err
	}
	back, err := decodeDeployment(plain)
	if err != nil {
		return fmt.Errorf("stack %s: %w", stack, err)
	}
	want, err := decodeDeployment(imported)
	if err != nil {
		return err
	}
	if len(back.Resources) != len(want.Resources) {
		return fmt.Errorf("stack %s: imported %d resources, holds %d", stack, len(want.Resources), len(back.Resources))
	}
	for i := range want.Resources {
		if !reflect.DeepEqual(normalize(back.Resources[i]), normalize(want.Resources[i])) {
			a, _ := json.Marshal(want.Resources[i])
			b, _ := json.Marshal(back.Resources[i])
			return fmt.Errorf("stack %s: resource %s reads back otherwise than imported:\nimported %s\nread     %s", stack, str(want.Resources[i], "urn"), a, b)
		}
	}
	return nil
}

// normalize is a resource as JSON values, for comparison.
func normalize(r map[string]any) any {
	data, _ := json.Marshal(r)
	var v any
	_ = json.Unmarshal(data, &v)
	return v
}

func sameJSON(a, b json.RawMessage) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}

// plainSecret is the path of the first secret stored in plain text in
// resources, "" if none.
func plainSecret(resources []map[string]any) string {
	var walk func(path string, v any) string
	walk = func(path string, v any) string {
		switch v := v.(type) {
		case map[string]any:
			if v[resource.SigKey] == resource.SecretSig {
				if _, plain := v["plaintext"]; plain {
					return path
				}
				return ""
			}
			for _, k := range slices.Sorted(maps.Keys(v)) {
				if p := walk(path+"."+k, v[k]); p != "" {
					return p
				}
			}
		case []any:
			for i, e := range v {
				if p := walk(fmt.Sprintf("%s[%d]", path, i), e); p != "" {
					return p
				}
			}
		}
		return ""
	}
	for _, r := range resources {
		for _, k := range []string{"inputs", "outputs"} {
			if p := walk(str(r, "urn")+" "+k, r[k]); p != "" {
				return p
			}
		}
	}
	return ""
}

// countResources is how many resources a deployment holds besides its
// root stack resource and stack references: 0 for a stack never deployed
// and for one whose resources moved away.
func countResources(d apitype.UntypedDeployment) (int, error) {
	if len(d.Deployment) == 0 {
		return 0, nil
	}
	dep, err := decodeDeployment(d)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, r := range dep.Resources {
		if t := str(r, "type"); t != stackType && t != stackRefType {
			n++
		}
	}
	return n, nil
}

// secretsProviders is a deployment's secrets_providers.
func secretsProviders(d apitype.UntypedDeployment) (json.RawMessage, error) {
	dep, err := decodeDeployment(d)
	if err != nil {
		return nil, err
	}
	if len(dep.SecretsProviders) == 0 || bytes.Equal(dep.SecretsProviders, []byte("null")) {
		return nil, errors.New("its state names no secrets provider; it was not created by fleet init (pulumi stack init --secrets-provider passphrase)")
	}
	return dep.SecretsProviders, nil
}

// writeBackup writes d, as stored, to path, refusing to overwrite.
func writeBackup(path string, d apitype.UntypedDeployment) error {
	data, err := json.MarshalIndent(d, "", "    ")
	if err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("the backup: %w", err)
	}
	if _, err := f.Write(append(data, '\n')); err != nil {
		f.Close()
		return fmt.Errorf("the backup: %w", err)
	}
	return f.Close()
}

// preview runs `pulumi preview` of a shard with the program and returns
// its operation counts and every change, "<op> <urn>".
func (m *migration) preview(ctx context.Context, stack string) (map[apitype.OpType]int, []string, error) {
	s, err := auto.SelectStackInlineSource(ctx, stack, stackconfig.Project, m.program, m.wsOpts...)
	if err != nil {
		return nil, nil, err
	}
	var out bytes.Buffer
	ch := make(chan events.EngineEvent)
	done := make(chan []string)
	go func() {
		var changes []string
		for ev := range ch {
			if pre := ev.ResourcePreEvent; pre != nil {
				if op := pre.Metadata.Op; op != apitype.OpSame && op != apitype.OpRead {
					changes = append(changes, string(op)+" "+pre.Metadata.URN)
				}
			}
		}
		done <- changes
	}()
	res, err := s.Preview(ctx, optpreview.ProgressStreams(&out), optpreview.ErrorProgressStreams(&out), optpreview.EventStreams(ch), optpreview.Color("never"))
	changes := <-done
	slices.Sort(changes)
	if err != nil {
		return res.ChangeSummary, changes, fmt.Errorf("%w\n%s", err, out.String())
	}
	return res.ChangeSummary, changes, nil
}

// up runs `pulumi up` of a shard and returns its operation counts.
func (m *migration) up(ctx context.Context, stack string) (map[string]int, error) {
	s, err := auto.SelectStackInlineSource(ctx, stack, stackconfig.Project, m.program, m.wsOpts...)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	res, err := s.Up(ctx, optup.ProgressStreams(&out), optup.ErrorProgressStreams(&out), optup.Color("never"))
	if err != nil {
		return nil, fmt.Errorf("%w\n%s", err, out.String())
	}
	var counts map[string]int
	if res.Summary.ResourceChanges != nil {
		counts = *res.Summary.ResourceChanges
	}
	return counts, nil
}
