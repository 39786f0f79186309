package stackconfig

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"regexp"
	"slices"

	"github.com/amplify-tenancy/tenancy/internal/awsrules"
	"github.com/amplify-tenancy/tenancy/tenant"
)

// Network is an existing network of one region, named in tenancy:network,
// for the region's new Aurora clusters.
type Network struct {
	// SubnetGroup is the DB subnet group's name.
	SubnetGroup string `json:"subnetGroup"`
	// SecurityGroupIDs are the clusters' VPC security groups.
	SecurityGroupIDs []string `json:"securityGroupIds"`
}

// securityGroupID is an EC2 security group ID (EC2 API reference,
// SecurityGroup.GroupId: sg- and 8 or 17 hex characters).
var securityGroupID = regexp.MustCompile(`^sg-([0-9a-f]{8}|[0-9a-f]{17})$`)

// parseNetworks reads tenancy:network, a map from region to network.
func parseNetworks(src Source) (map[string]Network, []error) {
	raw, ok := src.Get(KeyNetwork)
	if !ok {
		return nil, nil
	}
	fail := func(field, format string, v ...any) error {
		return &tenant.FieldError{Field: field, Err: fmt.Errorf(format, v...)}
	}
	var loose map[string]map[string]any
	if err := json.Unmarshal([]byte(raw), &loose); err != nil {
		return nil, []error{fail(KeyNetwork, "must map regions to {subnetGroup, securityGroupIds}: %v", err)}
	}
	var networks map[string]Network
	if err := json.NewDecoder(bytes.NewReader([]byte(raw))).Decode(&networks); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			return nil, []error{fail(KeyNetwork+"."+typeErr.Field, "want %s, got %s", jsonKind(typeErr.Type), typeErr.Value)}
		}
		return nil, []error{fail(KeyNetwork, "%v", err)}
	}
	var errs []error
	subnetGroup := awsrules.NameRules("aws:rds/subnetGroup:SubnetGroup")[0]
	for _, region := range slices.Sorted(maps.Keys(networks)) {
		field := KeyNetwork + "." + region
		unknown := unknownKeys(loose[region], reflect.TypeFor[Network](), field+".")
		for _, k := range slices.Sorted(maps.Keys(unknown)) {
			errs = append(errs, fail(k, "%s", unknown[k]))
		}
		n := networks[region]
		if !tenant.IsAmplifyRegion(region) {
			errs = append(errs, fail(field, "%q does not offer Amplify Hosting", region))
		}
		if err := subnetGroup.Check(n.SubnetGroup); err != nil {
			errs = append(errs, fail(field+".subnetGroup", "%v", err))
		}
		if len(n.SecurityGroupIDs) == 0 {
			errs = append(errs, fail(field+".securityGroupIds", "is required: at least one security group of the subnet group's VPC"))
		}
		for i, id := range n.SecurityGroupIDs {
			if !securityGroupID.MatchString(id) {
				errs = append(errs, fail(fmt.Sprintf("%s.securityGroupIds[%d]", field, i), "%q is not a security group ID (sg- and 8 or 17 hex characters)", id))
			}
		}
	}
	return networks, errs
}
