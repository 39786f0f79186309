package mockcloud

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// DeployerArn is the identity every mock deployment runs as.
const DeployerArn = "arn:aws:iam::" + AccountID + ":role/tenancy-deployer"

// Invoke answers the provider functions the program calls, for the mocks
// and the stand-in plugins alike.
func Invoke(token string) (resource.PropertyMap, error) {
	switch token {
	case "aws:index/getCallerIdentity:getCallerIdentity":
		return resource.NewPropertyMapFromMap(map[string]any{
			"accountId": AccountID, "id": AccountID, "arn": DeployerArn, "userId": "AROAEXAMPLEDEPLOYER",
		}), nil
	}
	return nil, fmt.Errorf("mockcloud: unexpected call to %s", token)
}
