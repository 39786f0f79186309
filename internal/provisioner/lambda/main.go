// Command lambda is the region's provisioning function (runtime
// provided.al2023, handler bootstrap): it parses the Invocation's input
// with provisioner.ParseRequest, runs provisioner.Apply through the RDS
// Data API against the request's cluster as its master secret, and returns
// the provisioner's JSON response as the function's result. Build it with
// package build; it never logs the request or its password.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"strings"

	"github.com/amplify-tenancy/tenancy/internal/provisioner"
	"github.com/amplify-tenancy/tenancy/internal/provisioner/dataapi"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/rdsdata"
)

func main() {
	log := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	cfg, err := config.LoadDefaultConfig(context.Background())
	if err != nil {
		log.Error("aws config", "error", err.Error())
		os.Exit(1)
	}
	h := &handler{log: log, executor: func(req *provisioner.Request) provisioner.Executor {
		return dataAPI(cfg, req)
	}}
	lambda.Start(h.handle)
}

// dataAPI is the executor for req's cluster, in the cluster's region.
func dataAPI(cfg aws.Config, req *provisioner.Request) provisioner.Executor {
	client := rdsdata.NewFromConfig(cfg, func(o *rdsdata.Options) { o.Region = arnRegion(req.ClusterArn) })
	return &dataapi.Executor{Client: client, ClusterArn: req.ClusterArn, SecretArn: req.SecretArn}
}

// arnRegion is the region field of an ARN ParseRequest accepted.
func arnRegion(arn string) string {
	if parts := strings.SplitN(arn, ":", 5); len(parts) == 5 {
		return parts[3]
	}
	return ""
}

type handler struct {
	log      *slog.Logger
	executor func(*provisioner.Request) provisioner.Executor
}

// handle is provisioner.Handle with the request parsed once, to build the
// executor from it. It logs the tenant, the action and the outcome only:
// errors never hold the password (ParseRequest and Apply redact it).
func (h *handler) handle(ctx context.Context, payload json.RawMessage) (json.RawMessage, error) {
	req, err := provisioner.ParseRequest(payload)
	if err != nil {
		h.log.Error("refused", "error", err.Error())
		return nil, err
	}
	attrs := []any{"tenant", req.TenantID, "isolation", string(req.Isolation), "action", string(req.TF.Action)}
	resp, err := provisioner.Apply(ctx, h.executor(req), req)
	if err != nil {
		h.log.Error("failed", append(attrs, "error", err.Error())...)
		return nil, err
	}
	out, err := json.Marshal(resp)
	if err != nil {
		return nil, fmt.Errorf("response: %w", err)
	}
	h.log.Info("done", append(attrs, "login", resp.Login, "statements", len(resp.Steps))...)
	return out, nil
}
