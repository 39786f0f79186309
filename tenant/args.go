package tenant

import (
	"errors"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/amplify-tenancy/tenancy/internal/secretrules"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// TenantStackArgs configures one tenant. Plain Go fields decide names, regions
// and which resources exist; pulumi.StringInput fields are passed through to
// AWS unchanged and may be secret.
type TenantStackArgs struct {
	// DisplayName is the tenant's human-readable name: one line of
	// printable text (no control characters), at most 255 characters. It
	// can change freely: no resource name depends on it. Required.
	DisplayName string
	// Region is the AWS region holding the tenant's app and data, one of
	// AmplifyRegions(). It can never change in place. Required.
	Region string
	// Environment names the deployment (for example "dev" or "prod"): it
	// goes into app names, tags and the branch's variables, so it never
	// changes for a deployed tenant. Whether the deployment is production
	// is Production's to say. Required.
	Environment string
	// Production says whether the deployment is production: the branch's
	// stage is PRODUCTION, Aurora backups are kept 7 days by default
	// rather than 1, and BasicAuth is refused (a production site is
	// public). Set it explicitly (new(true), new(false)); nil means
	// Environment == "prod", so that a program written before the field
	// existed keeps its production settings, its backups among them.
	Production *bool
	// Tier is the tenant's commercial tier, used for cost allocation.
	// Default TierStandard.
	Tier Tier
	// Status is the tenant's lifecycle state. Default StatusActive.
	Status Status
	// Repository is the HTTPS URL of the shared application repository,
	// https://<host>/<owner>/<name> (optionally ending in .git), without
	// credentials, query or fragment: the token goes in AccessToken.
	// Required.
	Repository string
	// Branch is the git branch Amplify builds for this tenant: a name git
	// accepts (git check-ref-format --branch) of letters, digits and
	// . _ / -. Required.
	Branch string
	// AccessToken is the repository access token. Keep it secret
	// (pulumi.ToSecret or config.RequireSecret). Required.
	AccessToken pulumi.StringInput
	// Platform is the Amplify platform. Default PlatformWebCompute.
	Platform Platform
	// BuildSpec is an optional amplify.yml build specification; empty uses the
	// one in the repository.
	BuildSpec string
	// EnvironmentVariables are app-level variables for the build and the SSR
	// runtime. They are not secret: a name or a value that looks like a
	// secret is refused, and so are names tenancy or Amplify reserve, in any
	// case (tenantConfig, TENANCY_*, AWS*, AMPLIFY_*). See variable_rules.go.
	EnvironmentVariables map[string]string
	// Database chooses and sizes the tenant's database.
	Database DatabaseArgs
	// Domain is an optional custom domain served with an Amplify-managed
	// certificate.
	Domain string
	// BasicAuth, when set, puts the branch behind basic auth. Not allowed in
	// production (Production).
	BasicAuth *BasicAuthArgs
	// Backup, when set, adds an AWS Backup plan for the tenant's database in
	// the tenant's region.
	Backup *BackupArgs
	// Protect marks data-bearing resources (key, database, secret) protected
	// and retained on delete, and turns on AWS-side deletion protection.
	Protect bool
	// Provider is the aws provider for Region (and Account), shared by every
	// tenant of the region. When nil, the component creates its own
	// provider as a child. A provider made by NewRegionProvider or
	// NewAccountProvider for another region or account is refused before
	// anything is registered. One made otherwise (aws.NewProvider) has a
	// region the component learns only once the engine has registered it,
	// so a wrong one fails the program only after the tenant's children
	// are registered: prefer the two constructors.
	Provider *aws.Provider
	// Account is the AWS account the tenant lives in, when it is not the
	// deployer's own: everything of the tenant is created there, through
	// Provider (NewAccountProvider), which must be for this account and
	// Region. It can never change in place.
	Account *AccountArgs
	// Shared are the resources of Region (in Account) that pooled tenants
	// share (NewRegionShared): required when Database.Isolation is
	// database or schema, and for an Aurora tenant's application role.
	Shared *Shared
	// Network is where a new Aurora cluster is created, shared by every
	// Aurora tenant of the region (NewRegionNetwork, or an existing subnet
	// group). When nil, an Aurora tenant creates its own network as
	// children. A cluster that exists keeps its network.
	Network *Network
}

// BasicAuthArgs holds basic-auth credentials for a non-production branch.
type BasicAuthArgs struct {
	// Username is the basic-auth user name. Required.
	Username string
	// Password is the basic-auth password; keep it secret. Required.
	Password pulumi.StringInput
}

// Tier is a tenant's commercial tier.
type Tier string

// The tiers a tenant can be on.
const (
	TierStarter    Tier = "starter"
	TierStandard   Tier = "standard"
	TierEnterprise Tier = "enterprise"
)

// Platform is the Amplify hosting platform.
type Platform string

// The Amplify platforms: static single-page apps, or apps with server-side
// rendering.
const (
	PlatformWeb        Platform = "WEB"
	PlatformWebCompute Platform = "WEB_COMPUTE"
)

// idPattern is the rule every tenant ID follows: it prefixes every resource
// name, so it must be DNS-safe and short.
var idPattern = regexp.MustCompile(`^[a-z][a-z0-9-]{1,30}[a-z0-9]$`)

// ValidateID checks a tenant ID against idPattern. It also refuses "--",
// which RDS refuses in the cluster, instance and snapshot identifiers the ID
// goes into (RDS API reference, CreateDBCluster.DBClusterIdentifier).
func ValidateID(id string) error {
	if !idPattern.MatchString(id) || strings.Contains(id, "--") {
		return fieldErrorf("id", "%q must match %s without \"--\" (lower-case letters, digits and single hyphens, 3 to 32 characters)", id, idPattern)
	}
	return nil
}

var (
	// envNamePattern: a letter first, single hyphens, no trailing one, since
	// the environment goes into RDS snapshot identifiers.
	envNamePattern  = regexp.MustCompile(`^[a-z][a-z0-9-]{0,30}$`)
	variablePattern = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,127}$`)
	domainPattern   = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$`)
	userPattern     = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)
)

// TenantConfigVariable is the app environment variable that carries the
// tenant's identity as JSON; the component sets it, users may not.
const TenantConfigVariable = "tenantConfig"

// reservedVariablePrefix starts the names of the variables tenancy sets on
// the app and branch (the data contract); users may not set them, in any
// case (see reservedVariable).
const reservedVariablePrefix = "TENANCY_"

// WithDefaults returns a copy of the args with every default filled in:
// the values NewTenantStack deploys.
func (a TenantStackArgs) WithDefaults() TenantStackArgs {
	if a.Tier == "" {
		a.Tier = TierStandard
	}
	if a.Status == "" {
		a.Status = StatusActive
	}
	if a.Platform == "" {
		a.Platform = PlatformWebCompute
	}
	a.Database = a.Database.withDefaults(a.IsProduction())
	return a
}

// IsProduction reports whether the tenant is deployed to production
// (Production), the one place every production rule asks.
func (a *TenantStackArgs) IsProduction() bool { return isProduction(a.Production, a.Environment) }

// isProduction is production when set, else whether environment is the
// one production has always been called.
func isProduction(production *bool, environment string) bool {
	if production != nil {
		return *production
	}
	return environment == "prod"
}

// Validate checks args after defaults are applied and returns every problem
// at once, each a *FieldError joined with errors.Join. It is ValidateShared
// and ValidateOwn together.
func (a *TenantStackArgs) Validate() error {
	return errors.Join(a.ValidateShared(), a.ValidateOwn())
}

// ValidateShared checks the fields a stack usually gives every tenant alike:
// Environment, Repository, Branch, AccessToken, BuildSpec and BasicAuth. A
// loader that builds many tenants from one set of shared values checks them
// once with ValidateShared, then each tenant with ValidateOwn (and
// ValidateBranch for a tenant's own branch), so a bad shared value is
// reported once rather than once per tenant.
func (a *TenantStackArgs) ValidateShared() error {
	d := a.WithDefaults()
	var errs []error
	add := func(field, format string, v ...any) { errs = append(errs, fieldErrorf(field, format, v...)) }
	if !envNamePattern.MatchString(d.Environment) || strings.Contains(d.Environment, "--") || strings.HasSuffix(d.Environment, "-") {
		add("environment", "%q must be a lower-case name such as dev or prod: a letter first, then letters, digits and single hyphens, at most 31 characters, not ending in a hyphen", d.Environment)
	}
	if p := repositoryProblem(d.Repository); p != "" {
		add("repository", "%s", p)
	}
	if err := ValidateBranch(d.Branch); err != nil {
		errs = append(errs, err)
	}
	if d.AccessToken == nil {
		add("accessToken", "is required (set it with: pulumi config set --secret accessToken ...)")
	}
	if kind := secretrules.ValueKind(d.BuildSpec); kind != "" {
		add("buildSpec", "holds what looks like a secret (%s); the build specification is stored in plain text, so read secrets from AWS Secrets Manager in the build instead", kind)
	}
	if d.BasicAuth != nil {
		// A suspended production tenant is closed with a generated
		// password (amplify.go); credentials given for it would open it.
		if d.IsProduction() {
			add("basicAuth", "is for non-production environments; production sites are public (a suspended tenant is closed with a generated password)")
		}
		if !userPattern.MatchString(d.BasicAuth.Username) {
			add("basicAuth.username", "%q must be 1 to 64 letters, digits, '.', '_' or '-'", d.BasicAuth.Username)
		}
		if d.BasicAuth.Password == nil {
			add("basicAuth.password", "is required")
		}
	}
	return errors.Join(errs...)
}

// ValidateBranch checks a git branch name as Branch takes it.
func ValidateBranch(name string) error {
	if p := branchProblem(name); p != "" {
		return fieldErrorf("branch", "%q is not a valid git branch name: %s", name, p)
	}
	return nil
}

// ValidateOwn checks the fields that are the tenant's own: every field
// ValidateShared does not check.
func (a *TenantStackArgs) ValidateOwn() error {
	d := a.WithDefaults()
	var errs []error
	add := func(field, format string, v ...any) { errs = append(errs, fieldErrorf(field, format, v...)) }

	if p := displayNameProblem(d.DisplayName); p != "" {
		add("name", "%s", p)
	}
	switch {
	case d.Region == "":
		add("region", "is required")
	case !IsAmplifyRegion(d.Region):
		add("region", "%q does not offer Amplify Hosting; choose one of %s", d.Region, strings.Join(amplifyRegions, ", "))
	}
	if !slices.Contains([]Tier{TierStarter, TierStandard, TierEnterprise}, d.Tier) {
		add("tier", "%q is not one of starter, standard, enterprise", d.Tier)
	}
	if !slices.Contains([]Status{StatusActive, StatusSuspended, StatusOffboarded}, d.Status) {
		add("status", "%q is not one of active, suspended, offboarded", d.Status)
	}
	if d.Platform != PlatformWeb && d.Platform != PlatformWebCompute {
		add("platform", "%q is not one of WEB, WEB_COMPUTE", d.Platform)
	}
	for _, k := range slices.Sorted(maps.Keys(d.EnvironmentVariables)) {
		if p := variableProblem(k, d.EnvironmentVariables[k]); p != "" {
			add("environment."+k, "%s", p)
		}
	}
	if d.Domain != "" && (len(d.Domain) > 253 || !domainPattern.MatchString(d.Domain)) {
		add("domain", "%q is not a valid lower-case domain name", d.Domain)
	}
	errs = append(errs, d.Database.problems()...)
	if d.Backup != nil {
		errs = append(errs, d.Backup.problems()...)
		if d.Database.Isolation.Pooled() {
			add("backup", "backs up a tenant's own table or cluster; a %s-level tenant's data is in the region's shared %s, which AWS Backup can only back up whole (README: Isolation levels, for a per-tenant export)", d.Database.Isolation, sharedWhat(d.Database.Engine))
		}
	}
	if d.Account != nil {
		errs = append(errs, d.Account.problems()...)
	}
	return errors.Join(errs...)
}
