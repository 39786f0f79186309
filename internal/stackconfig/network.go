package stackconfig

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

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

// parseNetworks reads tenancy:network, a map from region to network: each
// Amplify region at most once, each with at most maxSecurityGroups distinct
// security groups.
func parseNetworks(src Source) (map[string]Network, []error) {
	raw, ok := src.Get(KeyNetwork)
	if !ok {
		return nil, nil
	}
	fail := func(field, format string, v ...any) error {
		return &tenant.FieldError{Field: field, Err: fmt.Errorf(format, v...)}
	}
	var networks map[string]Network
	problems := decodeStrict([]byte(raw), &networks)
	if len(problems) > 0 && problems[0].field == "" {
		return nil, []error{fail(KeyNetwork, "must map regions to {subnetGroup, securityGroupIds}, %s", strings.TrimPrefix(problems[0].msg, "want an object, "))}
	}
	if len(networks) > maxRegions {
		return nil, []error{fail(KeyNetwork, "has %d regions; there are %d Amplify regions", len(networks), maxRegions)}
	}
	var errs []error
	broken := map[string]bool{} // regions whose network did not decode
	for _, p := range problems {
		region, _, _ := strings.Cut(p.field, ".")
		broken[region] = true
		errs = append(errs, fail(KeyNetwork+"."+p.field, "%s", p.msg))
	}
	subnetGroup := awsrules.NameRules("aws:rds/subnetGroup:SubnetGroup")[0]
	for _, region := range slices.Sorted(maps.Keys(networks)) {
		field := KeyNetwork + "." + region
		n := networks[region]
		if !tenant.IsAmplifyRegion(region) {
			errs = append(errs, fail(field, "%q does not offer Amplify Hosting", region))
		}
		if broken[region] {
			continue
		}
		if err := subnetGroup.Check(n.SubnetGroup); err != nil {
			errs = append(errs, fail(field+".subnetGroup", "%v", err))
		}
		switch {
		case len(n.SecurityGroupIDs) == 0:
			errs = append(errs, fail(field+".securityGroupIds", "is required: at least one security group of the subnet group's VPC"))
			continue
		case len(n.SecurityGroupIDs) > maxSecurityGroups:
			errs = append(errs, fail(field+".securityGroupIds", "has %d security groups; an Aurora instance can have at most %d", len(n.SecurityGroupIDs), maxSecurityGroups))
			continue
		}
		first := map[string]int{}
		for i, id := range n.SecurityGroupIDs {
			item := fmt.Sprintf("%s.securityGroupIds[%d]", field, i)
			if at, dup := first[id]; dup {
				errs = append(errs, fail(item, "%q is listed twice (first at securityGroupIds[%d])", id, at))
				continue
			}
			first[id] = i
			if !securityGroupID.MatchString(id) {
				errs = append(errs, fail(item, "%q is not a security group ID (sg- and 8 or 17 hex characters)", id))
			}
		}
	}
	return networks, errs
}
