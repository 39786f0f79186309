package stackconfig

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"sort"
	"strconv"

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
}

// Fleet is a parsed and validated stack: every tenant's args, ready for
// tenant.NewTenantStack once a provider is added.
type Fleet struct {
	// Environment is the deployment environment (dev, prod, ...).
	Environment string
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
	protect, basicAuth                         bool
	basicAuthUsername                          string
	accessToken, basicAuthPassword             pulumi.StringInput
}

// Parse reads and validates the whole stack. It returns every problem at
// once, joined; each is a *tenant.FieldError naming tenant and field.
func Parse(src Source) (*Fleet, error) {
	fleet := &Fleet{}
	var errs []error
	fail := func(id, field, format string, v ...any) {
		errs = append(errs, &tenant.FieldError{Tenant: id, Field: field, Err: fmt.Errorf(format, v...)})
	}

	if src.Keys != nil {
		for _, k := range src.Keys() {
			if !slices.Contains(stackKeys, k) {
				fail("", k, "unknown key%s", suggest(k, slices.Clone(stackKeys)))
			}
		}
	}
	s := stackSettings{environment: src.Stack, branch: "main", protect: true, basicAuthUsername: "tenancy"}
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
	fleet.Environment = s.environment
	var problems []error
	fleet.Selected, problems = parseRegions(src)
	errs = append(errs, problems...)
	fleet.Quotas, problems = parseQuotas(src)
	errs = append(errs, problems...)
	fleet.MovedOut, problems = parseMovedOut(src)
	errs = append(errs, problems...)
	fleet.Networks, problems = parseNetworks(src)
	errs = append(errs, problems...)

	secret := func(key string, needed bool) pulumi.StringInput {
		v := src.Secret(key)
		if v != nil || !needed {
			return v
		}
		if src.MissingSecretsAreWarnings {
			fleet.Warnings = append(fleet.Warnings, fmt.Sprintf("%s: secret not set in the stack file; offline commands use a stand-in (set it with: pulumi config set --secret %s ...)", key, key))
			return standInSecret()
		}
		fail("", key, "is required; set it with: pulumi config set --secret %s ...", key)
		return nil
	}
	s.accessToken = secret(KeyAccessToken, true)
	s.basicAuthPassword = secret(KeyBasicAuthPassword, s.basicAuth)
	if s.basicAuth && s.environment == "prod" {
		fail("", KeyBasicAuth, "is for non-production environments; prod sites are public")
	}

	// A bad stack-wide setting would show up in every tenant's args: report
	// it once, without a tenant, and leave it out of the tenants' problems.
	reported := map[string]bool{}
	for _, e := range errs {
		reported[fieldOf(e)] = true
	}
	stackWide := map[string]bool{} // messages, before a tenant is added
	probe := s.args(&tenantEntry{Name: "probe", Region: tenant.AmplifyRegions[0]})
	for _, e := range tenant.Unjoin(probe.Validate()) {
		if !reported[fieldOf(e)] {
			errs = append(errs, e)
		}
		stackWide[e.Error()] = true
	}

	raw, ok := src.Get(KeyTenants)
	if !ok {
		fail("", KeyTenants, "is required: a list of tenants")
		return fleet, errors.Join(errs...)
	}
	var entries []json.RawMessage
	if err := json.Unmarshal([]byte(raw), &entries); err != nil {
		fail("", KeyTenants, "must be a list of tenant objects: %v", err)
		return fleet, errors.Join(errs...)
	}
	seen := map[string]string{}
	for i, entry := range entries {
		t, problems := parseTenant(i, entry, &s, stackWide)
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
	fleet.selectRegions()
	fleet.checkQuotas()
	sort.SliceStable(errs, func(i, j int) bool { return tenantOf(errs[i]) < tenantOf(errs[j]) })
	return fleet, errors.Join(errs...)
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
// too broken to deploy.
func parseTenant(index int, raw json.RawMessage, s *stackSettings, stackWide map[string]bool) (*Tenant, []error) {
	label := fmt.Sprintf("tenants[%d]", index)
	var errs []error
	fail := func(field, format string, v ...any) {
		errs = append(errs, &tenant.FieldError{Tenant: label, Field: field, Err: fmt.Errorf(format, v...)})
	}
	var loose map[string]any
	if err := json.Unmarshal(raw, &loose); err != nil || loose == nil {
		fail("", "must be an object with at least id, name and region")
		return nil, errs
	}
	if id, ok := loose["id"].(string); ok && id != "" {
		label = id
	}
	unknown := unknownKeys(loose, reflect.TypeFor[tenantEntry](), "")
	for _, field := range slices.Sorted(maps.Keys(unknown)) {
		fail(field, "%s", unknown[field])
	}
	var e tenantEntry
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(&e); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			fail(typeErr.Field, "want %s, got %s", jsonKind(typeErr.Type), typeErr.Value)
		} else {
			fail("", "%v", err)
		}
		return nil, errs
	}
	if err := tenant.ValidateID(e.ID); err != nil {
		errs = append(errs, tenant.ForTenant(label, err))
	}
	for i, former := range e.FormerIDs {
		if err := tenant.ValidateID(former); err != nil || former == e.ID {
			fail(fmt.Sprintf("formerIds[%d]", i), "%q must be a valid tenant id other than the current one", former)
		}
	}
	t := &Tenant{ID: e.ID, FormerIDs: e.FormerIDs, ConfirmMove: e.ConfirmMove,
		ConfirmBackupRemoval: e.ConfirmBackupRemoval, Args: s.args(&e).WithDefaults()}
	for _, e := range tenant.Unjoin(t.Args.Validate()) {
		if !stackWide[e.Error()] {
			errs = append(errs, tenant.ForTenant(label, e))
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return t, nil
}

// args turns one entry into tenant args, with the stack's shared settings.
func (s *stackSettings) args(e *tenantEntry) tenant.TenantStackArgs {
	a := tenant.TenantStackArgs{
		DisplayName:          e.Name,
		Region:               e.Region,
		Environment:          s.environment,
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
	if e.Backup != nil {
		a.Backup = &tenant.BackupArgs{Schedule: e.Backup.Schedule, RetentionDays: e.Backup.RetentionDays, NotifyEmail: e.Backup.NotifyEmail}
	}
	if s.basicAuth && s.basicAuthPassword != nil && a.Status != tenant.StatusOffboarded {
		a.BasicAuth = &tenant.BasicAuthArgs{Username: s.basicAuthUsername, Password: s.basicAuthPassword}
	}
	return a
}

// jsonKind names a Go type the way a stack file's author thinks of it.
func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Float32, reflect.Float64, reflect.Int, reflect.Int64, reflect.Int32:
		return "a number"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice:
		return "a list"
	default:
		return "an object"
	}
}
