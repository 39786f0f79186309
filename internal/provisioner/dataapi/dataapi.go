// Package dataapi runs the provisioner's statements through the RDS Data
// API: one ExecuteStatement per statement, without a transaction id, so
// each runs in its own autocommit transaction (see package provisioner).
package dataapi

import (
	"context"
	"encoding/hex"
	"fmt"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rdsdata"
	"github.com/aws/aws-sdk-go-v2/service/rdsdata/types"
)

// Client is the part of *rdsdata.Client the Executor uses.
type Client interface {
	ExecuteStatement(ctx context.Context, in *rdsdata.ExecuteStatementInput, opts ...func(*rdsdata.Options)) (*rdsdata.ExecuteStatementOutput, error)
}

// Executor implements provisioner.Executor for one cluster, as the role
// whose Secrets Manager secret SecretArn names (the cluster's master).
type Executor struct {
	Client     Client
	ClusterArn string
	SecretArn  string
}

// Exec runs sql in database.
func (e *Executor) Exec(ctx context.Context, database, sql string) error {
	_, err := e.execute(ctx, database, sql)
	return err
}

// Query runs sql in database and returns its rows, each value as text the
// way PostgreSQL prints it (booleans t and f, bytea as \x and hex, NULL as
// the empty string). Array values are refused: no query here returns one.
func (e *Executor) Query(ctx context.Context, database, sql string) ([][]string, error) {
	out, err := e.execute(ctx, database, sql)
	if err != nil {
		return nil, err
	}
	rows := make([][]string, 0, len(out.Records))
	for i, rec := range out.Records {
		row := make([]string, len(rec))
		for j, f := range rec {
			if row[j], err = text(f); err != nil {
				return nil, fmt.Errorf("data api: row %d, column %d: %w", i, j, err)
			}
		}
		rows = append(rows, row)
	}
	return rows, nil
}

func (e *Executor) execute(ctx context.Context, database, sql string) (*rdsdata.ExecuteStatementOutput, error) {
	out, err := e.Client.ExecuteStatement(ctx, &rdsdata.ExecuteStatementInput{
		ResourceArn: aws.String(e.ClusterArn),
		SecretArn:   aws.String(e.SecretArn),
		Database:    aws.String(database),
		Sql:         aws.String(sql),
	})
	if err != nil {
		return nil, fmt.Errorf("data api: %w", err)
	}
	return out, nil
}

func text(f types.Field) (string, error) {
	switch v := f.(type) {
	case *types.FieldMemberStringValue:
		return v.Value, nil
	case *types.FieldMemberLongValue:
		return strconv.FormatInt(v.Value, 10), nil
	case *types.FieldMemberDoubleValue:
		return strconv.FormatFloat(v.Value, 'g', -1, 64), nil
	case *types.FieldMemberBooleanValue:
		if v.Value {
			return "t", nil
		}
		return "f", nil
	case *types.FieldMemberBlobValue:
		return `\x` + hex.EncodeToString(v.Value), nil
	case *types.FieldMemberIsNull:
		return "", nil
	case nil:
		return "", fmt.Errorf("no value")
	}
	return "", fmt.Errorf("unsupported value %T", f)
}
