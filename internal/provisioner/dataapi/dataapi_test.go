package dataapi

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/amplify-tenancy/tenancy/internal/provisioner"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rdsdata"
	"github.com/aws/aws-sdk-go-v2/service/rdsdata/types"
)

var _ provisioner.Executor = (*Executor)(nil)

// fake records each call and answers with the next output.
type fake struct {
	calls []rdsdata.ExecuteStatementInput
	out   []*rdsdata.ExecuteStatementOutput
	err   error
}

func (f *fake) ExecuteStatement(_ context.Context, in *rdsdata.ExecuteStatementInput, _ ...func(*rdsdata.Options)) (*rdsdata.ExecuteStatementOutput, error) {
	f.calls = append(f.calls, *in)
	if f.err != nil {
		return nil, f.err
	}
	out := &rdsdata.ExecuteStatementOutput{}
	if len(f.out) > 0 {
		out, f.out = f.out[0], f.out[1:]
	}
	return out, nil
}

const (
	cluster = "arn:aws:rds:eu-central-1:123456789012:cluster:shared"
	secret  = "arn:aws:secretsmanager:eu-central-1:123456789012:secret:master-AbCdEf"
)

func TestExecSendsOneStatementWithoutTransaction(t *testing.T) {
	f := &fake{}
	e := &Executor{Client: f, ClusterArn: cluster, SecretArn: secret}
	if err := e.Exec(context.Background(), "postgres", `CREATE ROLE "tenant-acme-app" NOLOGIN`); err != nil {
		t.Fatal(err)
	}
	if len(f.calls) != 1 {
		t.Fatalf("%d calls, want 1", len(f.calls))
	}
	in := f.calls[0]
	if aws.ToString(in.ResourceArn) != cluster || aws.ToString(in.SecretArn) != secret ||
		aws.ToString(in.Database) != "postgres" || aws.ToString(in.Sql) != `CREATE ROLE "tenant-acme-app" NOLOGIN` {
		t.Errorf("input %+v", in)
	}
	if in.TransactionId != nil || len(in.Parameters) != 0 || in.FormatRecordsAs != "" {
		t.Errorf("transaction id, parameters or a records format set: %+v", in)
	}
}

func TestQueryConvertsRecordsToText(t *testing.T) {
	f := &fake{out: []*rdsdata.ExecuteStatementOutput{{Records: [][]types.Field{
		{&types.FieldMemberStringValue{Value: "tenant-acme-app"}, &types.FieldMemberLongValue{Value: 16384},
			&types.FieldMemberBooleanValue{Value: true}, &types.FieldMemberIsNull{Value: true}},
		{&types.FieldMemberDoubleValue{Value: 1.5}, &types.FieldMemberBlobValue{Value: []byte{0xde, 0xad}},
			&types.FieldMemberBooleanValue{}, &types.FieldMemberStringValue{}},
	}}}}
	e := &Executor{Client: f, ClusterArn: cluster, SecretArn: secret}
	rows, err := e.Query(context.Background(), "tenants", "SELECT 1")
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"tenant-acme-app", "16384", "t", ""}, {"1.5", `\xdead`, "f", ""}}
	if !slices.EqualFunc(rows, want, slices.Equal) {
		t.Errorf("rows %q, want %q", rows, want)
	}
	if aws.ToString(f.calls[0].Database) != "tenants" {
		t.Errorf("database %q", aws.ToString(f.calls[0].Database))
	}
}

func TestQueryWithoutRowsAndRefusedValues(t *testing.T) {
	f := &fake{out: []*rdsdata.ExecuteStatementOutput{{}, {Records: [][]types.Field{{&types.FieldMemberArrayValue{}}}}}}
	e := &Executor{Client: f, ClusterArn: cluster, SecretArn: secret}
	rows, err := e.Query(context.Background(), "postgres", "SELECT 1 WHERE false")
	if err != nil || len(rows) != 0 {
		t.Errorf("rows %q, err %v; want none", rows, err)
	}
	if _, err := e.Query(context.Background(), "postgres", "SELECT ARRAY[1]"); err == nil || !strings.Contains(err.Error(), "unsupported") {
		t.Errorf("array value: err %v, want unsupported", err)
	}
}

func TestErrorsAreWrapped(t *testing.T) {
	cause := errors.New("BadRequestException: ERROR: permission denied")
	e := &Executor{Client: &fake{err: cause}, ClusterArn: cluster, SecretArn: secret}
	err := e.Exec(context.Background(), "postgres", "SELECT 1")
	if !errors.Is(err, cause) || !strings.HasPrefix(err.Error(), "data api: ") {
		t.Errorf("err %v", err)
	}
}

// TestHandleRunsThroughTheDataAPI: the provisioner's handler drives the
// executor with one call per statement, all against the request's cluster.
func TestHandleRunsThroughTheDataAPI(t *testing.T) {
	req := provisioner.Request{TenantID: "acme", Isolation: provisioner.IsolationDatabase,
		Database: provisioner.DatabaseName("acme"), Role: provisioner.RoleName("acme"),
		Password: "correct-horse-battery", ClusterArn: cluster, SecretArn: secret}
	payload, err := req.Payload(provisioner.ActionDelete, &req)
	if err != nil {
		t.Fatal(err)
	}
	f := &fake{out: []*rdsdata.ExecuteStatementOutput{{Records: [][]types.Field{{&types.FieldMemberStringValue{Value: "tenant-acme-app"}}}}}}
	out, err := provisioner.Handle(context.Background(), &Executor{Client: f, ClusterArn: cluster, SecretArn: secret}, payload)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.calls) != 2 || aws.ToString(f.calls[1].Sql) != `ALTER ROLE "tenant-acme-app" NOLOGIN` {
		t.Errorf("calls %+v", f.calls)
	}
	if !strings.Contains(string(out), `"login":false`) {
		t.Errorf("response %s", out)
	}
}
