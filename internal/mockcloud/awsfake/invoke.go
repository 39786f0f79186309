package awsfake

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// AccountID is the AWS account every fake ARN is in.
const AccountID = "123456789012"

// DeployerArn is the identity every fake deployment runs as.
const DeployerArn = "arn:aws:iam::" + AccountID + ":role/tenancy-deployer"

// Invoke answers the provider functions the program calls, for the mocks
// and the stand-in plugins alike; region is the provider's.
func Invoke(token, region string) (resource.PropertyMap, error) {
	switch token {
	case "aws:index/getAvailabilityZones:getAvailabilityZones":
		return resource.NewPropertyMapFromMap(map[string]any{
			"id": region, "names": []any{region + "a", region + "b", region + "c"},
			"zoneIds": []any{"az1", "az2", "az3"},
		}), nil
	case "aws:index/getCallerIdentity:getCallerIdentity":
		return resource.NewPropertyMapFromMap(map[string]any{
			"accountId": AccountID, "id": AccountID, "arn": DeployerArn, "userId": "AROAEXAMPLEDEPLOYER",
		}), nil
	}
	return nil, fmt.Errorf("awsfake: unexpected call to %s", token)
}
