package standin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/amplify-tenancy/tenancy/internal/awsrules"
	"github.com/amplify-tenancy/tenancy/internal/pgtest"
	"github.com/amplify-tenancy/tenancy/internal/provisioner"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// PostgresEnv names the environment variable that connects the stand-in to
// a real PostgreSQL, standing in for every Aurora cluster: the JSON of a
// pgtest.Conn (PostgresEnvValue). With it, an aws.lambda.Invocation runs
// the provisioner's own handler (provisioner.Handle) as the cluster's
// master, with the payload terraform-provider-aws would send the function,
// and a cluster's databaseName is created as RDS would. Without it,
// invocations and clusters are answered like every other resource.
const PostgresEnv = "TENANCY_STANDIN_POSTGRES"

// PostgresEnvValue is the value of PostgresEnv for s.
func PostgresEnvValue(s *pgtest.Server) (string, error) {
	b, err := json.Marshal(s.Conn())
	return string(b), err
}

// postgresFromEnv attaches to the server PostgresEnv describes; nil when it
// is unset.
func postgresFromEnv() (*pgtest.Server, error) {
	v := os.Getenv(PostgresEnv)
	if v == "" {
		return nil, nil
	}
	var c pgtest.Conn
	dec := json.NewDecoder(strings.NewReader(v))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("%s: not a pgtest.Conn: %v", PostgresEnv, err)
	}
	s, err := pgtest.Attach(c)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", PostgresEnv, err)
	}
	return s, nil
}

// Types and argument defaults of aws_lambda_invocation
// (terraform-provider-aws internal/service/lambda/invocation.go: lifecycle_scope
// defaults to CREATE_ONLY, terraform_key to "tf").
const (
	invocationType = "aws:lambda/invocation:Invocation"
	functionType   = "aws:lambda/function:Function"
	clusterType    = "aws:rds/cluster:Cluster"
	scopeCreate    = "CREATE_ONLY"
	scopeCRUD      = "CRUD"
	invocationSrc  = "terraform-provider-aws internal/service/lambda/invocation.go"
)

// standinNameRules are auto-named properties pulumi-aws has and awsrules
// does not list yet: Check names them like the others.
var standinNameRules = map[string][]awsrules.NameRule{
	functionType: {{Type: functionType, Property: "name", AutoNamed: true,
		Source: "pulumi-aws: aws.lambda.Function name is auto-named (Lambda API reference, FunctionName)"}},
}

// stringProp is v's string, through secrets and known outputs; ok is false
// when v is absent, unknown or not a string.
func stringProp(v resource.PropertyValue) (string, bool) {
	switch {
	case v.IsSecret():
		return stringProp(v.SecretValue().Element)
	case v.IsOutput():
		if !v.OutputValue().Known {
			return "", false
		}
		return stringProp(v.OutputValue().Element)
	case v.IsString():
		return v.StringValue(), true
	}
	return "", false
}

func propOr(m resource.PropertyMap, key, def string) string {
	if s, ok := stringProp(m[resource.PropertyKey(key)]); ok && s != "" {
		return s
	}
	return def
}

// checkInvocation refuses what terraform-provider-aws refuses before any
// call: an input that is not JSON (validation.StringIsJSON), an unknown
// lifecycle scope, and a scope other than CREATE_ONLY without a JSON
// object (customizeDiffValidateInput).
func checkInvocation(news resource.PropertyMap) []*pulumirpc.CheckFailure {
	var failures []*pulumirpc.CheckFailure
	fail := func(prop, reason string) {
		failures = append(failures, &pulumirpc.CheckFailure{Property: prop,
			Reason: "AWS would refuse this: " + reason + " (" + invocationSrc + ")"})
	}
	scope := propOr(news, "lifecycleScope", scopeCreate)
	if scope != scopeCreate && scope != scopeCRUD {
		fail("lifecycleScope", fmt.Sprintf("lifecycleScope %q is not one of CREATE_ONLY, CRUD", scope))
	}
	input, ok := stringProp(news["input"])
	if !ok {
		if !news["input"].ContainsUnknowns() {
			fail("input", "input is required")
		}
		return failures
	}
	if !json.Valid([]byte(input)) {
		fail("input", "input is not valid JSON (validation.StringIsJSON)")
		return failures
	}
	trimmed := strings.TrimSpace(input)
	if scope != scopeCreate && !(strings.HasPrefix(trimmed, "{") && strings.HasSuffix(trimmed, "}")) {
		fail("input", `lifecycleScope other than "CREATE_ONLY" requires input to be a JSON object`)
	}
	return failures
}

// payload is what terraform-provider-aws sends the function (buildInput):
// the input as is for CREATE_ONLY; otherwise the input object with
// {"action": action, "prev_input": <old input object or null>} under the
// terraform key, encoded by encoding/json (keys sorted). On create the old
// input is empty (null); on delete the provider reads old and new from
// state, so prev_input is the input itself.
func payload(action provisioner.Action, news, olds resource.PropertyMap) ([]byte, error) {
	input, _ := stringProp(news["input"])
	if propOr(news, "lifecycleScope", scopeCreate) == scopeCreate {
		return []byte(input), nil
	}
	old := ""
	if olds != nil {
		old, _ = stringProp(olds["input"])
	}
	oldMap, err := jsonObject(old)
	if err != nil {
		return nil, fmt.Errorf("old input: %w", err)
	}
	newMap, err := jsonObject(input)
	if err != nil {
		return nil, fmt.Errorf("input: %w", err)
	}
	if newMap == nil {
		newMap = map[string]any{}
	}
	newMap[propOr(news, "terraformKey", provisioner.TerraformKey)] = map[string]any{
		"action": action, "prev_input": oldMap,
	}
	return json.Marshal(&newMap)
}

func jsonObject(s string) (map[string]any, error) {
	if s == "" {
		return nil, nil
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		return nil, errors.New("not a JSON object") // never echo the input: it holds a password
	}
	return m, nil
}

// invoke runs the provisioner for an Invocation as the function would and
// returns its result. The error has the shape of the provider's ("invoking
// Lambda Function (name): <function error payload>").
func (s *server) invoke(ctx context.Context, action provisioner.Action, news, olds resource.PropertyMap) (string, error) {
	fn := propOr(news, "functionName", "")
	in, err := payload(action, news, olds)
	if err != nil {
		return "", fmt.Errorf("lambda invocation input transformation failed: %w", err)
	}
	out, err := provisioner.Handle(ctx, s.pg.AsMaster(), in)
	if err != nil {
		msg, _ := json.Marshal(map[string]string{"errorMessage": err.Error(), "errorType": "errorString"})
		return "", fmt.Errorf("invoking Lambda Function (%s): %s", fn, msg)
	}
	return string(out), nil
}

// ensureClusterDatabase creates a cluster's databaseName, as RDS does when
// it creates the cluster, owned by the master; one PostgreSQL stands in
// for every cluster, so it may exist already.
func (s *server) ensureClusterDatabase(ctx context.Context, inputs resource.PropertyMap) error {
	name, ok := stringProp(inputs["databaseName"])
	if !ok || name == "" {
		return nil
	}
	master := s.pg.AsMaster()
	exists := func() (bool, error) {
		rows, err := master.Query(ctx, provisioner.MaintenanceDatabase,
			"SELECT 1 FROM pg_catalog.pg_database WHERE datname = '"+strings.ReplaceAll(name, "'", "''")+"'")
		return len(rows) > 0, err
	}
	if ok, err := exists(); err != nil || ok {
		return err
	}
	err := master.Exec(ctx, provisioner.MaintenanceDatabase, `CREATE DATABASE "`+strings.ReplaceAll(name, `"`, `""`)+`"`)
	if ok, _ := exists(); err != nil && ok {
		return nil // another cluster created at the same moment holds the same database
	}
	return err
}
