package standin

import (
	"context"
	"fmt"
	"slices"

	"github.com/amplify-tenancy/tenancy/internal/mockcloud"
	"github.com/amplify-tenancy/tenancy/internal/pgtest"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/provider"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"
)

// Versions are the plugin versions the SDKs in go.mod register their
// resources with (pulumi-aws v6.83.4, pulumi-random v4.19.1). The stand-ins
// report them, so state records the version a real deployment would.
var Versions = map[string]string{"aws": "6.83.4", "random": "4.19.1"}

// Main serves the stand-in for package pkg ("aws" or "random") over gRPC the
// way the engine starts any provider plugin.
func Main(pkg string) error {
	version, ok := Versions[pkg]
	if !ok {
		return fmt.Errorf("standin: unknown package %q", pkg)
	}
	var pg *pgtest.Server
	if pkg == "aws" {
		var err error
		if pg, err = postgresFromEnv(); err != nil {
			return fmt.Errorf("standin: %w", err)
		}
	}
	return provider.Main(pkg, func(*provider.HostClient) (pulumirpc.ResourceProviderServer, error) {
		return &server{pkg: pkg, version: version, log: openLog(), pg: pg}, nil
	})
}

// server implements the provider protocol for one package.
type server struct {
	pulumirpc.UnimplementedResourceProviderServer
	pkg, version string
	// region is the configured aws region; empty for random.
	region string
	log    *callLog
	// pg stands in for every Aurora cluster when PostgresEnv is set; nil
	// otherwise.
	pg *pgtest.Server
}

// marshalling keeps secrets and unknowns: the engine asks for both in
// Configure, and dropping a secret flag here would leak it into state.
var marshalling = plugin.MarshalOptions{KeepUnknowns: true, KeepSecrets: true, SkipNulls: true}

func unmarshal(s *structpb.Struct) (resource.PropertyMap, error) {
	if s == nil {
		return resource.PropertyMap{}, nil
	}
	return plugin.UnmarshalProperties(s, marshalling)
}

func marshal(m resource.PropertyMap) (*structpb.Struct, error) {
	return plugin.MarshalProperties(m, marshalling)
}

// GetPluginInfo reports the version the SDK asked for.
func (s *server) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: s.version}, nil
}

// GetSchema returns a minimal package schema: name and version. The engine
// does not need more to deploy; code generation is not done here.
func (s *server) GetSchema(context.Context, *pulumirpc.GetSchemaRequest) (*pulumirpc.GetSchemaResponse, error) {
	return &pulumirpc.GetSchemaResponse{Schema: fmt.Sprintf(`{"name":%q,"version":%q}`, s.pkg, s.version)}, nil
}

// CheckConfig accepts the provider config as given.
func (s *server) CheckConfig(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	return &pulumirpc.CheckResponse{Inputs: req.GetNews()}, nil
}

// DiffConfig reports changed provider config keys and, as pulumi-aws v6
// does, a replacement when the region changes: every resource of the
// provider then has to be recreated in the new region.
func (s *server) DiffConfig(_ context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	var replaceable []string
	if s.pkg == "aws" {
		replaceable = providerReplaceKeys
	}
	return diff(req, replaceable)
}

// Configure records the region and asks for secrets and previews.
func (s *server) Configure(_ context.Context, req *pulumirpc.ConfigureRequest) (*pulumirpc.ConfigureResponse, error) {
	args, err := unmarshal(req.GetArgs())
	if err != nil {
		return nil, fmt.Errorf("configure: %w", err)
	}
	if r := args["region"]; r.IsString() {
		s.region = r.StringValue()
	} else if r, ok := req.GetVariables()["aws:config:region"]; ok {
		s.region = r
	}
	if s.pkg == "aws" && s.region == "" {
		// The real provider fails the same way without a region; the
		// program must never rely on an ambient one.
		return nil, fmt.Errorf("configure: the aws provider needs a region")
	}
	return &pulumirpc.ConfigureResponse{AcceptSecrets: true, SupportsPreview: true}, nil
}

// Diff reports every changed input and which of them force a replacement
// in the real provider (replaceKeys).
func (s *server) Diff(_ context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	replaceable := replaceKeys[req.GetType()]
	if req.GetType() == invocationType {
		news, err := unmarshal(req.GetNews())
		if err != nil {
			return nil, fmt.Errorf("diff: new inputs: %w", err)
		}
		if propOr(news, "lifecycleScope", scopeCreate) == scopeCreate {
			// customizeDiffInputChangeWithCreateOnlyScope: a new input
			// means a new invocation.
			replaceable = append(slices.Clone(replaceable), "input")
		}
	}
	return diff(req, replaceable)
}

// diff compares the old inputs (the old state when the engine has none)
// with the new ones, key by key.
func diff(req *pulumirpc.DiffRequest, replaceable []string) (*pulumirpc.DiffResponse, error) {
	oldStruct, newStruct := req.GetOldInputs(), req.GetNews()
	if oldStruct == nil {
		oldStruct = req.GetOlds()
	}
	olds, err := unmarshal(oldStruct)
	if err != nil {
		return nil, fmt.Errorf("diff: old inputs: %w", err)
	}
	news, err := unmarshal(newStruct)
	if err != nil {
		return nil, fmt.Errorf("diff: new inputs: %w", err)
	}
	resp := &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_NONE}
	for _, k := range changedKeys(olds, news) {
		resp.Changes = pulumirpc.DiffResponse_DIFF_SOME
		resp.Diffs = append(resp.Diffs, k)
		if slices.Contains(replaceable, k) {
			resp.Replaces = append(resp.Replaces, k)
		}
	}
	return resp, nil
}

// changedKeys lists, sorted, the keys whose value differs, added or removed
// ones included; an unknown new value counts as a change.
func changedKeys(olds, news resource.PropertyMap) []string {
	keys := map[resource.PropertyKey]bool{}
	for k := range olds {
		keys[k] = true
	}
	for k := range news {
		keys[k] = true
	}
	var out []string
	for k := range keys {
		o, n := olds[k], news[k] // a missing key reads as null
		if n.ContainsUnknowns() || !o.DeepEquals(n) {
			out = append(out, string(k))
		}
	}
	slices.Sort(out)
	return out
}

// Invoke answers provider functions (the caller's identity) as the mocks do.
func (s *server) Invoke(_ context.Context, req *pulumirpc.InvokeRequest) (*pulumirpc.InvokeResponse, error) {
	out, err := mockcloud.Invoke(req.GetTok(), s.region)
	if err != nil {
		return nil, err
	}
	ret, err := marshal(out)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.InvokeResponse{Return: ret}, nil
}
