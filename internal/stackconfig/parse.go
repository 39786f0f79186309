package stackconfig

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/amplify-tenancy/tenancy/internal/quota"
	"github.com/amplify-tenancy/tenancy/tenant"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Source is where a stack's configuration comes from: the running Pulumi
// program or a stack file read offline.
type Source struct {
	// Stack is the stack name; it is the environment unless the
	// "environment" key says otherwise.
	Stack string
	// Get returns the raw value of a key (objects and lists as JSON) and
	// whether it is set.
	Get func(key string) (string, bool)
	// Secret returns a secret key's value, or nil when it is not set.
	Secret func(key string) pulumi.StringInput
	// Keys lists every key the stack sets, when the source can tell (a stack
	// file can; a running program cannot).
	Keys func() []string
	// MissingSecretsAreWarnings turns a missing secret into a warning with a
	// stand-in value, for offline commands that must work without secrets.
	MissingSecretsAreWarnings bool
	// Plain reports whether a key is set in plain text rather than as a
	// secret, when the source can tell. Parse refuses a secret key (see
	// SecretKeys) set in plain text, without reading its value.
	Plain func(key string) bool
}

// Fleet is a parsed and validated stack: every tenant's args, ready for
// tenant.NewTenantStack once a provider is added.
type Fleet struct {
	// Environment is the deployment environment (dev, prod, ...).
	Environment string
	// Production is tenancy:production: whether the environment is
	// production (parseProduction).
	Production bool
	// Tenants in config order.
	Tenants []Tenant
	// Warnings are problems that do not stop a deployment, quotas the
	// deployed tenants exceed among them.
	Warnings []string
	// Selected are the regions this stack deploys (tenancy:regions); empty
	// means every region.
	Selected []string
	// Skipped are the IDs of valid tenants outside Selected, deployed by
	// another stack.
	Skipped []string
	// Quotas are the limits the deployed tenants are checked against.
	Quotas quota.Limits
	// MovedOut are IDs of tenants whose resources `pulumi state move` has
	// taken to another stack (tenancy:movedOut); this stack may let them go.
	MovedOut []string
	// Networks are the existing networks new Aurora clusters use, by region
	// (tenancy:network); a region without one gets a network of its own.
	Networks map[string]Network
	// Protect is tenancy:protect, which the region's shared data gets as
	// each tenant's data does.
	Protect bool
	// SharedCluster sizes every region's shared Aurora cluster
	// (tenancy:sharedCluster).
	SharedCluster tenant.SharedClusterArgs
}

// Tenant is one tenant of a fleet.
type Tenant struct {
	// ID is the tenant ID, the component name.
	ID string
	// FormerIDs are IDs the tenant had before a rename.
	FormerIDs []string
	// ConfirmMove names the region or database engine the tenant is
	// deliberately leaving, once its data has been migrated.
	ConfirmMove string
	// ConfirmBackupRemoval confirms that the tenant's backup plan, which
	// its last deployment had, is deliberately removed.
	ConfirmBackupRemoval bool
	// Args are validated args, defaults filled in, without a provider.
	Args tenant.TenantStackArgs
}

// Regions returns the distinct regions of the fleet's tenants, sorted.
func (f *Fleet) Regions() []string {
	set := map[string]bool{}
	for _, t := range f.Tenants {
		set[t.Args.Region] = true
	}
	return slices.Sorted(maps.Keys(set))
}

// stackSettings are the stack-wide values every tenant shares.
type stackSettings struct {
	environment, repository, branch, buildSpec string
	protect, basicAuth, production             bool
	basicAuthUsername                          string
	accessToken, basicAuthPassword             pulumi.StringInput
	// tiers are the defaults of each tier (tenancy:tiers).
	tiers map[tenant.Tier]TierDefaults
}

// Parse reads and validates the whole stack. It returns every problem at
// once, joined; each is a *tenant.FieldError naming tenant and field.
func Parse(src Source) (*Fleet, error) {
	fleet := &Fleet{}
	var errs []error
	fail := func(id, field, format string, v ...any) {
		errs = append(errs, &tenant.FieldError{Tenant: id, Field: field, Err: fmt.Errorf(format, v...)})
	}

	// No value larger than a whole stack file may be, whoever passes it.
	get, oversized := src.Get, map[string]bool{}
	src.Get = func(key string) (string, bool) {
		v, ok := get(key)
		if ok && len(v) > maxFileBytes {
			if !oversized[key] {
				oversized[key] = true
				fail("", key, "is %d bytes long; a value may be at most %d bytes (10 MiB)", len(v), maxFileBytes)
			}
			return "", false
		}
		return v, ok
	}
	// A secret in plain text is in the stack file, and so in git, for
	// anyone to read: refuse it, and never read or repeat its value.
	plain := map[string]bool{}
	if src.Plain != nil {
		for _, k := range secretKeys {
			if src.Plain(k) {
				plain[k] = true
				fail("", k, "is a secret but is set in plain text; remove it from the stack file, rotate it, and set it with: pulumi config set --secret %s", k)
			}
		}
	}
	if src.Keys != nil {
		for _, k := range src.Keys() {
			if !slices.Contains(stackKeys, k) {
				fail("", keyField(k), "unknown key%s", suggest(k, slices.Clone(stackKeys)))
			}
		}
	}
	// A fleet file, or a single stack's, never names a fleet or a shard:
	// those keys make a stack a shard, whose settings and tenants are the
	// fleet file's.
	shardKeys := false
	for _, k := range []string{KeyFleet, KeyShard} {
		if _, ok := src.Get(k); ok {
			shardKeys = true
			fail("", k, "is set only in a shard's stack file (Pulumi.<env>-<region>-<n>.yaml, written by: go run . fleet init --env <env>), "+
				"whose settings and tenants are the fleet file's: a fleet file or a single stack may not set it, and plan and diff read the fleet file (--stack <env>); "+
				"go run . validate --stack <shard> checks a shard's stack file")
		}
	}
	if _, listed := src.Get(KeyTenants); shardKeys && !listed {
		// A shard's stack file: its missing settings are no news.
		return fleet, errors.Join(errs...)
	}
	s := stackSettings{environment: src.Stack, branch: DefaultBranch, protect: DefaultProtect,
		basicAuth: DefaultBasicAuth, basicAuthUsername: DefaultBasicAuthUsername}
	str := func(key string, into *string) {
		if v, ok := src.Get(key); ok {
			*into = v
		}
	}
	boolean := func(key string, into *bool) {
		if v, ok := src.Get(key); ok {
			b, err := strconv.ParseBool(v)
			if err != nil {
				fail("", key, "%q is not true or false", v)
			}
			*into = b
		}
	}
	str(KeyEnvironment, &s.environment)
	str(KeyRepository, &s.repository)
	str(KeyBranch, &s.branch)
	str(KeyBuildSpec, &s.buildSpec)
	str(KeyBasicAuthUsername, &s.basicAuthUsername)
	boolean(KeyProtect, &s.protect)
	boolean(KeyBasicAuth, &s.basicAuth)
	fleet.Environment, fleet.Protect = s.environment, s.protect
	var problems []error
	s.production, problems = parseProduction(src, s.environment)
	errs = append(errs, problems...)
	fleet.Production = s.production
	fleet.Selected, problems = parseRegions(src)
	errs = append(errs, problems...)
	fleet.Quotas, problems = parseQuotas(src)
	errs = append(errs, problems...)
	fleet.MovedOut, problems = parseMovedOut(src)
	errs = append(errs, problems...)
	fleet.Networks, problems = parseNetworks(src)
	errs = append(errs, problems...)
	s.tiers, problems = parseTiers(src)
	errs = append(errs, problems...)
	fleet.SharedCluster, problems = parseSharedCluster(src, s.production)
	errs = append(errs, problems...)

	secret := func(key string, needed bool) pulumi.StringInput {
		if plain[key] {
			// Refused above; a stand-in keeps the shared check from
			// calling it missing as well.
			return standInSecret()
		}
		v := src.Secret(key)
		if v == nil && needed && src.MissingSecretsAreWarnings {
			fleet.Warnings = append(fleet.Warnings, fmt.Sprintf("%s: secret not set in the stack file; offline commands use a stand-in (set it with: pulumi config set --secret %s ...)", key, key))
			return standInSecret()
		}
		return v
	}
	s.accessToken = secret(KeyAccessToken, true)
	s.basicAuthPassword = secret(KeyBasicAuthPassword, s.basicAuth)

	// The shared settings are checked once, by the tenant package's own
	// rules, and named by their stack keys; each tenant is then checked
	// for what is its own (parseTenant).
	shared := s.args(&tenantEntry{})
	for _, e := range tenant.Unjoin(shared.ValidateShared()) {
		if field := sharedKey(fieldOf(e)); !oversized[field] {
			errs = append(errs, relabel("", field, e))
		}
	}

	raw, ok := src.Get(KeyTenants)
	if !ok {
		if !oversized[KeyTenants] {
			fail("", KeyTenants, "is required: a list of tenants")
		}
		return fleet, errors.Join(errs...)
	}
	entries, err := tenantList(raw)
	if err != nil {
		errs = append(errs, err)
		return fleet, errors.Join(errs...)
	}
	seen := map[string]string{}
	for i, entry := range entries {
		t, problems := parseTenant(i, entry, &s)
		errs = append(errs, problems...)
		if t == nil {
			continue
		}
		for _, id := range append([]string{t.ID}, t.FormerIDs...) {
			if other, dup := seen[id]; dup {
				fail(t.ID, "id", "%q is already used by tenant %q (ids and formerIds must be unique)", id, other)
			}
			seen[id] = t.ID
		}
		fleet.Tenants = append(fleet.Tenants, *t)
	}
	errs = append(errs, checkDomains(fleet.Tenants)...)
	errs = append(errs, checkAccounts(fleet.Tenants)...)
	fleet.selectRegions()
	errs = append(errs, fleet.checkMovedOut()...)
	fleet.checkQuotas()
	sort.SliceStable(errs, func(i, j int) bool { return tenantOf(errs[i]) < tenantOf(errs[j]) })
	return fleet, errors.Join(errs...)
}

// tenantList splits tenancy:tenants into its entries. null, which a stack
// file gets from `tenants:` with nothing after it, is refused rather than
// read as no tenants: a stack that deploys nothing deletes nothing only
// because protection and the guard stop it.
func tenantList(raw string) ([]json.RawMessage, error) {
	fail := func(format string, v ...any) error {
		return &tenant.FieldError{Field: KeyTenants, Err: fmt.Errorf(format, v...)}
	}
	text := bytes.TrimSpace([]byte(raw))
	switch {
	case string(text) == "null":
		return nil, fail("is null; it must list the stack's tenants")
	case !json.Valid(text):
		return nil, fail("must be a list of tenant objects, got %s", describeText(raw))
	case text[0] != '[':
		return nil, fail("must be a list of tenant objects, got %s", describeJSON(text))
	}
	var entries []json.RawMessage
	if err := json.Unmarshal(text, &entries); err != nil {
		return nil, fail("must be a list of tenant objects: %v", err)
	}
	if len(entries) > maxTenants {
		return nil, fail("has %d tenants; a stack may have at most %d: split the fleet into stacks (docs/performance.md)", len(entries), maxTenants)
	}
	return entries, nil
}

// relabel is err, one problem from the tenant package, as a FieldError of
// tenant id (empty for a stack-wide setting) and field.
func relabel(id, field string, err error) error {
	var fe *tenant.FieldError
	if !errors.As(err, &fe) {
		return &tenant.FieldError{Tenant: id, Field: field, Err: err}
	}
	return &tenant.FieldError{Tenant: id, Field: field, Err: fe.Err}
}

// sharedKey is the stack key that sets a field ValidateShared checks.
func sharedKey(field string) string {
	switch field {
	case "basicAuth.username":
		return KeyBasicAuthUsername
	case "basicAuth.password":
		return KeyBasicAuthPassword
	}
	return field
}

func fieldOf(err error) string {
	var fe *tenant.FieldError
	if errors.As(err, &fe) {
		return fe.Field
	}
	return ""
}

func tenantOf(err error) string {
	var fe *tenant.FieldError
	if errors.As(err, &fe) {
		return fe.Tenant
	}
	return ""
}

// parseTenant decodes and validates one entry; t is nil when the entry is
// too broken to deploy. The entry is decoded field by field, so a value of
// the wrong type hides none of the entry's other problems; what validation
// says about a field that did not decode is left out, since it would only
// repeat the problem.
func parseTenant(index int, raw json.RawMessage, s *stackSettings) (*Tenant, []error) {
	label := fmt.Sprintf("tenants[%d]", index)
	var errs []error
	fail := func(field, format string, v ...any) {
		errs = append(errs, &tenant.FieldError{Tenant: label, Field: field, Err: fmt.Errorf(format, v...)})
	}
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '{' {
		// No tenant to name: the entry is named by its place in the list.
		errs = append(errs, &tenant.FieldError{Field: label, Err: fmt.Errorf("must be an object with at least id, name and region, got %s", describeJSON(raw))})
		return nil, errs
	}
	var e tenantEntry
	problems := decodeStrict([]byte(raw), &e)
	if e.ID != "" {
		label = e.ID
	}
	// The fields that did not decode, and the fields they are inside of.
	undecoded, holds := map[string]bool{}, map[string]bool{}
	for _, p := range problems {
		fail(p.field, "%s", p.msg)
		if !p.unknown {
			undecoded[p.field] = true
			for _, outer := range enclosing(p.field) {
				holds[outer] = true
			}
		}
	}
	decoded := func(field string) bool {
		if undecoded[field] || holds[field] {
			return false
		}
		for _, outer := range enclosing(field) {
			if undecoded[outer] {
				return false
			}
		}
		return true
	}
	if err := tenant.ValidateID(e.ID); err != nil && decoded("id") {
		errs = append(errs, relabel(label, "id", err))
	}
	if e.Branch != "" && decoded("branch") {
		if err := tenant.ValidateBranch(e.Branch); err != nil {
			errs = append(errs, relabel(label, "branch", err))
		}
	}
	if len(e.FormerIDs) > maxFormerIDs {
		fail("formerIds", "has %d ids; a tenant may have at most %d", len(e.FormerIDs), maxFormerIDs)
	} else {
		first := make(map[string]int, len(e.FormerIDs))
		for i, former := range e.FormerIDs {
			field := fmt.Sprintf("formerIds[%d]", i)
			if !decoded(field) {
				continue
			}
			if at, dup := first[former]; dup {
				fail(field, "%q is listed twice in formerIds (first at formerIds[%d])", former, at)
				continue
			}
			first[former] = i
			if err := tenant.ValidateID(former); err != nil || former == e.ID {
				fail(field, "%q must be a valid tenant id other than the current one", former)
			}
		}
	}
	t := &Tenant{ID: e.ID, FormerIDs: e.FormerIDs, ConfirmMove: e.ConfirmMove,
		ConfirmBackupRemoval: e.ConfirmBackupRemoval, Args: s.args(&e).WithDefaults()}
	for _, e := range tenant.Unjoin(t.Args.ValidateOwn()) {
		if decoded(fieldOf(e)) {
			errs = append(errs, relabel(label, fieldOf(e), e))
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return t, nil
}

// enclosing returns the top-level field of a tenant that field is inside
// of (database.engine is inside database, formerIds[1] inside formerIds,
// environment.A.B inside environment), nil for a top-level field. A tenant
// entry nests one level, so there is at most one.
func enclosing(field string) []string {
	if i := strings.IndexAny(field, ".["); i > 0 {
		return []string{field[:i]}
	}
	return nil
}

// checkDomains refuses two tenants serving one host name. Every tenant with
// a custom domain serves it and its www. subdomain (tenant/amplify.go), so
// example.com on one tenant and www.example.com on another clash too. All
// listed tenants are checked, deployed by this stack or not: a split fleet
// shares one list. Linear: one map of host names.
func checkDomains(tenants []Tenant) []error {
	type use struct{ tenant, domain string }
	served := map[string]use{}
	var errs []error
	for _, t := range tenants {
		domain := strings.TrimSuffix(strings.ToLower(t.Args.Domain), ".")
		if domain == "" {
			continue
		}
		hosts := []string{domain, "www." + domain}
		clash := false
		for _, host := range hosts {
			other, taken := served[host]
			if !taken {
				continue
			}
			var err error
			switch {
			case host == domain && other.domain == domain:
				err = fmt.Errorf("%q is already the domain of tenant %q", t.Args.Domain, other.tenant)
			case host == domain:
				err = fmt.Errorf("%q is already served by tenant %q, whose domain %q tenancy also serves with www. in front", t.Args.Domain, other.tenant, other.domain)
			default:
				err = fmt.Errorf("%q would also serve %s (tenancy adds www. to every custom domain), the domain of tenant %q", t.Args.Domain, host, other.tenant)
			}
			errs = append(errs, &tenant.FieldError{Tenant: t.ID, Field: "domain", Err: err})
			clash = true
			break
		}
		if clash {
			continue
		}
		for _, host := range hosts {
			served[host] = use{tenant: t.ID, domain: domain}
		}
	}
	return errs
}

// args turns one entry into tenant args, with the stack's shared settings.
func (s *stackSettings) args(e *tenantEntry) tenant.TenantStackArgs {
	a := tenant.TenantStackArgs{
		DisplayName:          e.Name,
		Region:               e.Region,
		Environment:          s.environment,
		Production:           new(s.production),
		Tier:                 tenant.Tier(e.Tier),
		Status:               tenant.Status(e.Status),
		Repository:           s.repository,
		Branch:               s.branch,
		AccessToken:          s.accessToken,
		Platform:             tenant.Platform(e.Platform),
		BuildSpec:            s.buildSpec,
		EnvironmentVariables: e.Environment,
		Domain:               e.Domain,
		Protect:              s.protect,
		Database: tenant.DatabaseArgs{
			Engine:                   tenant.DatabaseEngine(e.Database.Engine),
			Isolation:                tenant.Isolation(e.Database.Isolation),
			MinCapacity:              e.Database.MinCapacity,
			MaxCapacity:              e.Database.MaxCapacity,
			InstanceClass:            e.Database.InstanceClass,
			Instances:                e.Database.Instances,
			BackupRetentionDays:      e.Database.BackupRetentionDays,
			EngineVersion:            e.Database.EngineVersion,
			AllowMajorVersionUpgrade: e.Database.AllowMajorVersionUpgrade,
		},
	}
	if e.Branch != "" {
		a.Branch = e.Branch
	}
	// A tier's defaults fill what the tenant leaves out.
	tier := s.tiers[a.WithDefaults().Tier]
	if a.Database.Isolation == "" {
		a.Database.Isolation = tenant.Isolation(tier.Isolation)
	}
	a.Account = e.Account.args()
	if a.Account == nil {
		a.Account = tier.Account.args()
	}
	if e.Backup != nil {
		a.Backup = &tenant.BackupArgs{Schedule: e.Backup.Schedule, RetentionDays: e.Backup.RetentionDays, NotifyEmail: e.Backup.NotifyEmail}
	}
	if s.basicAuth && a.Status != tenant.StatusOffboarded {
		a.BasicAuth = &tenant.BasicAuthArgs{Username: s.basicAuthUsername, Password: s.basicAuthPassword}
	}
	return a
}

// plainKey is a key that reads unambiguously in an error as written.
var plainKey = regexp.MustCompile(`^[A-Za-z0-9_.:-]+$`)

// keyField is how an error names a key of a stack file: as written when it
// is a plain name, quoted otherwise, so the reader sees where it ends.
func keyField(k string) string {
	if plainKey.MatchString(k) {
		return k
	}
	return strconv.Quote(k)
}
