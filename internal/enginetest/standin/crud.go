package standin

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"

	"github.com/amplify-tenancy/tenancy/internal/mockcloud"
	"github.com/amplify-tenancy/tenancy/internal/provisioner"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"
)

// Create returns a new id and the inputs plus the outputs AWS computes
// (the same ones the mocks compute). In a preview it returns the inputs
// only, so the computed outputs stay unknown, as with the real provider.
func (s *server) Create(ctx context.Context, req *pulumirpc.CreateRequest) (*pulumirpc.CreateResponse, error) {
	if req.GetPreview() {
		return &pulumirpc.CreateResponse{Properties: req.GetProperties()}, nil
	}
	urn := resource.URN(req.GetUrn())
	id, out, err := s.create(ctx, urn, req.GetProperties())
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", urn, err)
	}
	s.log.record("create", urn, id)
	return &pulumirpc.CreateResponse{Id: id, Properties: out}, nil
}

func (s *server) create(ctx context.Context, urn resource.URN, properties *structpb.Struct) (string, *structpb.Struct, error) {
	inputs, err := unmarshal(properties)
	if err != nil {
		return "", nil, err
	}
	id, err := newID(urn.Name())
	if err != nil {
		return "", nil, err
	}
	computed := mockcloud.Computed(string(urn.Type()), urn.Name(), id, s.region)
	if urn.Type() == "random:index/randomPassword:RandomPassword" {
		if computed, err = randomPassword(inputs); err != nil {
			return "", nil, err
		}
	}
	if s.pg != nil {
		switch urn.Type() {
		case invocationType:
			result, err := s.invoke(ctx, provisioner.ActionCreate, inputs, nil)
			if err != nil {
				return "", nil, err
			}
			computed["result"] = resource.NewProperty(result)
		case clusterType:
			if err := s.ensureClusterDatabase(ctx, inputs); err != nil {
				return "", nil, fmt.Errorf("cluster database: %w", err)
			}
		}
	}
	out, err := marshal(mockcloud.State(inputs, computed))
	return id, out, err
}

// Read returns the resource as it was last written: nothing changes
// behind the engine's back here.
func (s *server) Read(_ context.Context, req *pulumirpc.ReadRequest) (*pulumirpc.ReadResponse, error) {
	return &pulumirpc.ReadResponse{Id: req.GetId(), Properties: req.GetProperties(), Inputs: req.GetInputs()}, nil
}

// Update applies the new inputs and keeps the computed outputs (ARNs,
// physical names), which do not change on an in-place update. With
// PostgresEnv set, an Invocation runs the provisioner with action update
// (its result unknown in a preview of a new input, as with the provider).
func (s *server) Update(ctx context.Context, req *pulumirpc.UpdateRequest) (*pulumirpc.UpdateResponse, error) {
	urn := resource.URN(req.GetUrn())
	state, err := update(req)
	if err == nil && s.pg != nil && urn.Type() == invocationType {
		err = s.updateInvocation(ctx, req, state)
	}
	var out *structpb.Struct
	if err == nil {
		out, err = marshal(state)
	}
	if err != nil {
		return nil, fmt.Errorf("update %s: %w", urn, err)
	}
	if !req.GetPreview() {
		s.log.record("update", urn, req.GetId())
	}
	return &pulumirpc.UpdateResponse{Properties: out}, nil
}

func update(req *pulumirpc.UpdateRequest) (resource.PropertyMap, error) {
	olds, err := unmarshal(req.GetOlds())
	if err != nil {
		return nil, err
	}
	news, err := unmarshal(req.GetNews())
	if err != nil {
		return nil, err
	}
	oldInputs, err := unmarshal(req.GetOldInputs())
	if err != nil {
		return nil, err
	}
	// The old outputs that were not inputs are the computed ones.
	computed := resource.PropertyMap{}
	for k, v := range olds {
		if _, input := oldInputs[k]; !input {
			computed[k] = v
		}
	}
	return mockcloud.State(news, computed), nil
}

// updateInvocation sets state's result: the provisioner's, or unknown in a
// preview when the input changes (customizeDiffInputChangeWithCRUDScope).
func (s *server) updateInvocation(ctx context.Context, req *pulumirpc.UpdateRequest, state resource.PropertyMap) error {
	olds, err := unmarshal(req.GetOlds())
	if err != nil {
		return err
	}
	if req.GetPreview() {
		if !olds["input"].DeepEquals(state["input"]) {
			state["result"] = resource.MakeComputed(resource.NewProperty(""))
		}
		return nil
	}
	result, err := s.invoke(ctx, provisioner.ActionUpdate, state, olds)
	if err != nil {
		return err
	}
	state["result"] = resource.NewProperty(result)
	return nil
}

// Delete records the call: tests assert that a refused update deleted
// nothing. With PostgresEnv set, an Invocation whose lifecycle scope is
// not CREATE_ONLY runs the provisioner with action delete first; its
// failure fails the delete, as with the provider.
func (s *server) Delete(ctx context.Context, req *pulumirpc.DeleteRequest) (*emptypb.Empty, error) {
	urn := resource.URN(req.GetUrn())
	if s.pg != nil && urn.Type() == invocationType {
		state, err := unmarshal(req.GetProperties())
		if err != nil {
			return nil, fmt.Errorf("delete %s: %w", urn, err)
		}
		if propOr(state, "lifecycleScope", scopeCreate) != scopeCreate {
			if _, err := s.invoke(ctx, provisioner.ActionDelete, state, state); err != nil {
				return nil, fmt.Errorf("delete %s: %w", urn, err)
			}
		}
	}
	s.log.record("delete", urn, req.GetId())
	return &emptypb.Empty{}, nil
}

// Cancel has nothing to stop: every call returns at once.
func (s *server) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

// newID returns a physical id shaped like AWS's: the logical name and a
// random suffix, unique across runs.
func newID(name string) (string, error) {
	b := make([]byte, 4)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return name + "-" + hex.EncodeToString(b), nil
}
