package provisioner

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"regexp"
	"slices"
	"strings"
)

// Isolation is how far a tenant's data is kept from other tenants' data.
type Isolation string

const (
	// IsolationCluster is the tenant's own cluster; the provisioner only
	// adds the application role to the cluster's database.
	IsolationCluster Isolation = "cluster"
	// IsolationDatabase is the tenant's own database in its region's shared
	// cluster.
	IsolationDatabase Isolation = "database"
	// IsolationSchema is the tenant's own schema in the shared database of
	// its region's shared cluster.
	IsolationSchema Isolation = "schema"
)

// Action is the lifecycle step pulumi-aws asks for (the tf.action field).
type Action string

const (
	ActionCreate Action = "create"
	ActionUpdate Action = "update"
	ActionDelete Action = "delete"
)

// TerraformKey is the key under which the provider adds the lifecycle block
// to the input: the default of the Invocation's terraformKey argument.
const TerraformKey = "tf"

// MaintenanceDatabase is where cluster-wide statements (roles, CREATE
// DATABASE, database privileges) run; every Aurora PostgreSQL cluster has
// it.
const MaintenanceDatabase = "postgres"

// DefaultSharedDatabase is the usual name of the shared database that holds
// the schemas of `schema`-level tenants.
const DefaultSharedDatabase = "tenants"

// Name prefixes and suffixes: a tenant id never collides with a reserved
// name (postgres, public, rdsadmin, ...) once it carries them.
const (
	containerPrefix = "tenant-"
	roleSuffix      = "-app"
)

// RoleName is the login role of tenantID's application.
func RoleName(tenantID string) string { return containerPrefix + tenantID + roleSuffix }

// DatabaseName is the database of a `database`-level tenant.
func DatabaseName(tenantID string) string { return containerPrefix + tenantID }

// SchemaName is the schema of a `schema`-level tenant in the shared
// database.
func SchemaName(tenantID string) string { return containerPrefix + tenantID }

// Password limits. Printable ASCII only: PostgreSQL applies SASLprep to
// non-ASCII passwords before hashing, which this package does not
// reimplement (see scramVerifier).
const (
	minPasswordLen = 12
	maxPasswordLen = 256
)

// Secret is a string that never prints: fmt (also inside a struct), slog
// and encoding/json all show [redacted]. Only Payload writes the value.
type Secret string

const redacted = "[redacted]"

func (Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + redacted + `"`), nil }

func (Secret) String() string               { return redacted }
func (Secret) GoString() string             { return redacted }
func (Secret) LogValue() slog.Value         { return slog.StringValue(redacted) }
func (s Secret) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, redacted) }

// Request is the Invocation's input: what the Pulumi program sends, plus the
// lifecycle block pulumi-aws adds under "tf".
type Request struct {
	// TenantID is the tenant's id (the TenantStack name).
	TenantID string `json:"tenantId"`
	// Isolation is the tenant's isolation level.
	Isolation Isolation `json:"isolation"`
	// Database is the tenant's own database (DatabaseName) at `database`
	// level, the shared database (for example "tenants") at `schema` level,
	// and the cluster's database (the one RDS created) at `cluster` level.
	Database string `json:"database"`
	// Role is the application's login role; it must be RoleName(TenantID).
	Role string `json:"role"`
	// Password is the role's password. Required to create and update,
	// ignored on delete.
	Password Secret `json:"password,omitempty"`
	// ClusterArn is the cluster the statements run in (the Data API's
	// resourceArn); the Lambda wrapper builds its Executor from it and
	// SecretArn.
	ClusterArn string `json:"clusterArn"`
	// SecretArn is the master's Secrets Manager secret (the Data API's
	// secretArn), in the cluster's account and region.
	SecretArn string `json:"secretArn"`
	// TF is the lifecycle block added by the provider.
	TF *Lifecycle `json:"tf,omitempty"`
}

// Lifecycle is the block terraform-provider-aws adds to the input of an
// aws_lambda_invocation whose lifecycle_scope is CRUD: see buildInput in
// internal/service/lambda/invocation.go of hashicorp/terraform-provider-aws
// (it sets input[terraform_key] = {"action": action, "prev_input": old}),
// where action is one of the invocationAction constants "create", "update"
// and "delete". prev_input is the previous input object: null on create,
// the state's input on update; on delete the provider reads both from
// state, so prev_input is the input itself. Cited from the source at commit
// 0133e9ef35552b7396cf6cbd9b98bccfd24c7c26.
type Lifecycle struct {
	Action    Action          `json:"action"`
	PrevInput json.RawMessage `json:"prev_input,omitempty"`
}

// Payload is the JSON the provider sends the function for r and action,
// with prev as prev_input (nil for null). Tests and stand-ins use it.
func (r Request) Payload(action Action, prev *Request) ([]byte, error) {
	prevJSON := json.RawMessage("null")
	if prev != nil {
		b, err := json.Marshal(wire(*prev, nil))
		if err != nil {
			return nil, err
		}
		prevJSON = b
	}
	return json.Marshal(wire(r, &Lifecycle{Action: action, PrevInput: prevJSON}))
}

// wire is r as JSON with the password in clear, for Payload only.
func wire(r Request, tf *Lifecycle) any {
	type plain Request // same fields, no methods
	password := string(r.Password)
	r.Password, r.TF = "", tf
	return struct {
		plain
		Password string `json:"password,omitempty"`
	}{plain: plain(r), Password: password}
}

var (
	tenantIDPattern = regexp.MustCompile(`^[a-z][a-z0-9-]{1,30}[a-z0-9]$`)
	// Partition, region, account and name of the Data API's two ARNs.
	clusterArnPattern = regexp.MustCompile(`^arn:(aws[a-z-]*):rds:([a-z0-9-]+):([0-9]{12}):cluster:[A-Za-z][A-Za-z0-9-]{0,62}$`)
	secretArnPattern  = regexp.MustCompile(`^arn:(aws[a-z-]*):secretsmanager:([a-z0-9-]+):([0-9]{12}):secret:[A-Za-z0-9/_+=.@-]{1,512}$`)
	// reservedDatabases exist in every Aurora PostgreSQL cluster and are
	// never a tenant's or the shared one.
	reservedDatabases = map[string]bool{"postgres": true, "template0": true, "template1": true, "rdsadmin": true}
)

// ParseRequest decodes and validates payload strictly: unknown fields,
// trailing data, a missing lifecycle block, a name other than the one the
// tenant id decides, a changed identity on update are all errors, each
// naming its field. No error ever contains the password.
func ParseRequest(payload []byte) (*Request, error) {
	var r Request
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("invalid request: %w", jsonError(err))
	}
	if dec.More() {
		return nil, errors.New("invalid request: payload: data after the JSON object")
	}
	if err := r.validate(); err != nil {
		msg := err.Error()
		// A password pasted into another field must not come back in the
		// echo of that field.
		if len(r.Password) >= 4 {
			msg = strings.ReplaceAll(msg, string(r.Password), redacted)
		}
		return nil, errors.New("invalid request: " + msg)
	}
	return &r, nil
}

// jsonError describes a decoding error without quoting the payload: a
// syntax error's message can show a character of the password.
func jsonError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Errorf("payload: not valid JSON at byte %d", syn.Offset)
	case errors.As(err, &typ):
		return fmt.Errorf("%s: must be a JSON %s, not %s", jsonField(typ.Field), jsonKind(typ.Type.Kind().String()), typ.Value)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return errors.New("payload: empty or truncated")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return fmt.Errorf("%s: unknown field", strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`))
	}
	return fmt.Errorf("payload: %v", err)
}

func jsonField(f string) string {
	if f == "" {
		return "payload"
	}
	return f
}

func jsonKind(k string) string {
	switch k {
	case "string":
		return "string"
	case "ptr", "struct":
		return "object"
	}
	return k
}

// fieldErrors collects problems, each prefixed with its field.
type fieldErrors []error

func (e *fieldErrors) add(field, format string, args ...any) {
	*e = append(*e, fmt.Errorf("%s: "+format, append([]any{field}, args...)...))
}

// identityProblems checks what names the tenant's place: tenantId,
// isolation, role, database.
func (r *Request) identityProblems() fieldErrors {
	var errs fieldErrors
	idOK := validTenantID(r.TenantID)
	if !idOK {
		errs.add("tenantId", "%s is not a tenant id (%s, no \"--\")", show(r.TenantID), tenantIDPattern)
	}
	switch r.Isolation {
	case IsolationCluster, IsolationDatabase, IsolationSchema:
	default:
		errs.add("isolation", "%s is not one of cluster, database, schema", show(string(r.Isolation)))
	}
	if idOK && r.Role != RoleName(r.TenantID) {
		errs.add("role", "%s must be %q for tenant %q", show(r.Role), RoleName(r.TenantID), r.TenantID)
	}
	if idOK {
		if msg := databaseProblem(r.Isolation, r.TenantID, r.Database); msg != "" {
			errs.add("database", "%s %s", show(r.Database), msg)
		}
	}
	return errs
}

// validate checks the whole request.
func (r *Request) validate() error {
	errs := r.identityProblems()
	cluster := clusterArnPattern.FindStringSubmatch(r.ClusterArn)
	if cluster == nil {
		errs.add("clusterArn", "%s is not the ARN of an RDS cluster", show(r.ClusterArn))
	}
	secret := secretArnPattern.FindStringSubmatch(r.SecretArn)
	switch {
	case secret == nil:
		errs.add("secretArn", "%s is not the ARN of a Secrets Manager secret", show(r.SecretArn))
	case cluster != nil && !slices.Equal(secret[1:4], cluster[1:4]):
		errs.add("secretArn", "must be in the cluster's partition, region and account (%s)", strings.Join(cluster[1:4], ":"))
	}
	if r.TF == nil {
		errs.add(TerraformKey, "missing; invoke with lifecycleScope CRUD (terraformKey %q)", TerraformKey)
	} else {
		switch r.TF.Action {
		case ActionCreate, ActionUpdate, ActionDelete:
		default:
			errs.add(TerraformKey+".action", "%s is not one of create, update, delete", show(string(r.TF.Action)))
		}
	}
	if r.TF == nil || r.TF.Action != ActionDelete {
		if msg := passwordProblem(string(r.Password)); msg != "" {
			errs.add("password", "%s", msg)
		}
	}
	if r.TF != nil && r.TF.Action == ActionUpdate {
		errs = append(errs, r.unchangedIdentity()...)
	}
	return errors.Join(errs...)
}

// unchangedIdentity refuses an update that moves the tenant: a new id,
// level, database, role or cluster is a new resource (replace, with delete
// before create), never an in-place update that would leave the old one
// behind.
func (r *Request) unchangedIdentity() []error {
	raw := bytes.TrimSpace(r.TF.PrevInput)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return nil
	}
	// Lenient: an older program may have sent fields this one does not know.
	var prev struct {
		TenantID   string    `json:"tenantId"`
		Isolation  Isolation `json:"isolation"`
		Database   string    `json:"database"`
		Role       string    `json:"role"`
		ClusterArn string    `json:"clusterArn"`
	}
	if err := json.Unmarshal(raw, &prev); err != nil {
		return []error{fmt.Errorf("%s.prev_input: not an input object (%v)", TerraformKey, jsonError(err))}
	}
	var errs []error
	for _, f := range []struct{ name, old, new string }{
		{"tenantId", prev.TenantID, r.TenantID},
		{"isolation", string(prev.Isolation), string(r.Isolation)},
		{"database", prev.Database, r.Database},
		{"role", prev.Role, r.Role},
		{"clusterArn", prev.ClusterArn, r.ClusterArn},
	} {
		if f.old != f.new && !(f.name == "clusterArn" && f.old == "") { // older inputs had no clusterArn
			errs = append(errs, fmt.Errorf("%s: changed from %s to %s; a tenant's database is never moved in place",
				f.name, show(f.old), show(f.new)))
		}
	}
	return errs
}

func validTenantID(id string) bool {
	return tenantIDPattern.MatchString(id) && !strings.Contains(id, "--")
}

func databaseProblem(level Isolation, tenantID, db string) string {
	switch level {
	case IsolationDatabase:
		if db != DatabaseName(tenantID) {
			return fmt.Sprintf("must be %q for tenant %q", DatabaseName(tenantID), tenantID)
		}
	case IsolationSchema, IsolationCluster:
		switch {
		case !validTenantID(db):
			return fmt.Sprintf("is not a database name (%s, no \"--\")", tenantIDPattern)
		case reservedDatabases[db]:
			return "is reserved"
		case level == IsolationSchema && strings.HasPrefix(db, containerPrefix):
			return fmt.Sprintf("must not start with %q, which tenant databases use", containerPrefix)
		}
	}
	return ""
}

func passwordProblem(p string) string {
	if len(p) < minPasswordLen || len(p) > maxPasswordLen {
		return fmt.Sprintf("must be %d to %d characters (has %d)", minPasswordLen, maxPasswordLen, len(p))
	}
	for i := 0; i < len(p); i++ {
		if p[i] < 0x20 || p[i] > 0x7e {
			return fmt.Sprintf("must be printable ASCII (byte %d is not)", i)
		}
	}
	return ""
}

// show quotes a request value for an error message, shortened so a huge
// field cannot flood the log.
func show(s string) string {
	const max = 64
	if len(s) > max {
		return fmt.Sprintf("%q...", s[:max])
	}
	return fmt.Sprintf("%q", s)
}
