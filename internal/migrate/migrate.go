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
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"reflect"
	"slices"
	"strings"

	"github.com/amplify-tenancy/tenancy/internal/deploy"
	"github.com/amplify-tenancy/tenancy/internal/shard"
	"github.com/amplify-tenancy/tenancy/internal/stackconfig"
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
// anything, or any failure, undoes the imports (each shard's stack is
// emptied again) and leaves <env> as it was; the error wraps
// ErrNotMigrated unless undoing failed too. Updates are allowed and
// reported in ShardResult.Changes.
func Run(ctx context.Context, dir, env string, lock *shard.Lock, opts Options) (*Result, error) {
	if lock == nil {
		return nil, fmt.Errorf("%w: environment %s has no %s: assign its shards first with: go run . fleet assign --env %s", ErrNotMigrated, env, shard.FileName(env), env)
	}
	if lock.Env != env {
		return nil, fmt.Errorf("%w: the lock given is environment %s's, not %s's", ErrNotMigrated, lock.Env, env)
	}
	m := &migration{dir: dir, env: env, lock: lock, log: opts.Log, program: opts.Program}
	if m.log == nil {
		m.log = io.Discard
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
	// dirty is set when undoing the imports failed: shards may hold
	// resources <env> holds too.
	dirty bool
}

func (m *migration) logf(format string, v ...any) { fmt.Fprintf(m.log, format+"\n", v...) }

// checkLock refuses a lock that does not fit the fleet file, as the
// program would in every shard.
func (m *migration) checkLock() error {
	f, err := stackconfig.ReadFile(m.dir + string(os.PathSeparator) + shard.StackFileName(m.env))
	if err != nil {
		return fmt.Errorf("the fleet file: %w", err)
	}
	f.Stack = m.env
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
	summaries, err := m.ws.ListStacks(ctx)
	if err != nil {
		return nil, fmt.Errorf("listing stacks: %w", err)
	}
	exists := map[string]bool{}
	for _, s := range summaries {
		exists[s.Name[strings.LastIndexByte(s.Name, '/')+1:]] = true
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
	empty := map[string]apitype.UntypedDeployment{} // each shard as it is: empty
	var full []string
	for _, s := range m.lock.Shards {
		d, err := m.export(ctx, s.Name, false)
		if err != nil {
			return nil, err
		}
		n, err := countResources(d)
		if err != nil {
			return nil, fmt.Errorf("stack %s: %w", s.Name, err)
		}
		if n > 0 {
			full = append(full, s.Name)
		}
		empty[s.Name] = d
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
	res := &Result{Plan: plan, Backup: backup}

	// Import every shard; from here on, a failure undoes them.
	var imported []string
	undo := func(cause error) error {
		var errs []error
		for _, name := range slices.Backward(imported) {
			if err := m.importStack(ctx, name, empty[name]); err != nil {
				errs = append(errs, fmt.Errorf("emptying shard %s again: %w", name, err))
			}
		}
		if len(errs) > 0 {
			m.dirty = true
			return fmt.Errorf("%w; and undoing the imports failed, so empty these shards by hand (pulumi stack export --stack <shard>, remove every resource but the first, pulumi stack import) before running migrate again; stack %s still holds every resource: %w",
				cause, m.env, errors.Join(errs...))
		}
		m.logf("%s: the shards are empty again; stack %s is as it was", m.env, m.env)
		return fmt.Errorf("%w (%w: the shards were emptied again, stack %s is unchanged)", cause, ErrNotMigrated, m.env)
	}
	for _, sp := range plan.Shards {
		secrets, err := secretsProviders(empty[sp.Name])
		if err != nil {
			return res, undo(fmt.Errorf("stack %s: %w", sp.Name, err))
		}
		d, err := plan.ShardDeployment(sp, secrets)
		if err != nil {
			return res, undo(err)
		}
		if err := m.importStack(ctx, sp.Name, d); err != nil {
			return res, undo(err)
		}
		imported = append(imported, sp.Name)
		if err := m.verify(ctx, sp.Name, d, secrets); err != nil {
			return res, undo(err)
		}
		res.Shards = append(res.Shards, ShardResult{Name: sp.Name, Home: sp.Home, Tenants: len(sp.Tenants), Resources: len(sp.resources)})
		m.logf("%s: imported %d resources (%d tenants%s), %d providers copied, %d dependencies on other shards dropped",
			sp.Name, len(sp.resources), len(sp.Tenants), map[bool]string{true: ", home shard", false: ""}[sp.Home], len(sp.Providers), len(sp.Dropped))
	}

	// Home shards first: the others read their outputs.
	siblings := map[string]int{}
	for _, s := range m.lock.Shards {
		home, _ := m.lock.Home(s.Region, s.Account)
		siblings[home.Name]++
	}
	order := slices.Clone(res.Shards)
	slices.SortStableFunc(order, func(a, b ShardResult) int {
		switch {
		case a.Home == b.Home:
			return 0
		case a.Home:
			return -1
		}
		return 1
	})
	for i := range order {
		r := &order[i]
		counts, changes, err := m.preview(ctx, r.Name)
		r.Preview, r.Changes = counts, changes
		setResult(res, *r)
		if err != nil {
			return res, undo(fmt.Errorf("preview of %s: %w", r.Name, err))
		}
		m.logf("%s: preview: %s", r.Name, summary(counts))
		if bad := forbidden(changes); len(bad) > 0 {
			return res, undo(fmt.Errorf("preview of %s would %s", r.Name, strings.Join(bad, "; ")))
		}
		if r.Home && siblings[r.Name] > 1 {
			up, err := m.up(ctx, r.Name)
			r.Up = up
			setResult(res, *r)
			if err != nil {
				return res, undo(fmt.Errorf("up of home shard %s: %w", r.Name, err))
			}
			m.logf("%s: up (its outputs, for the other shards of its place): %s", r.Name, upSummary(up))
			for op, n := range up {
				if n > 0 && op != string(apitype.OpSame) && op != string(apitype.OpUpdate) && op != string(apitype.OpRead) {
					// What it created is in the shard's state alone:
					// emptying the shard would lose track of it.
					m.dirty = true
					return res, fmt.Errorf("up of home shard %s: %d resources %s after a preview that showed none; the imports are NOT undone (that would lose track of what the update made): stack %s and the shards %s both hold resources, sort them out by hand",
						r.Name, n, op, m.env, strings.Join(imported, ", "))
				}
			}
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

func setResult(res *Result, r ShardResult) {
	for i := range res.Shards {
		if res.Shards[i].Name == r.Name {
			res.Shards[i] = r
		}
	}
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

func summary(counts map[apitype.OpType]int) string {
	var parts []string
	for _, op := range slices.Sorted(maps.Keys(counts)) {
		parts = append(parts, fmt.Sprintf("%d %s", counts[op], op))
	}
	if len(parts) == 0 {
		return "no resources"
	}
	return strings.Join(parts, ", ")
}

func upSummary(counts map[string]int) string {
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
