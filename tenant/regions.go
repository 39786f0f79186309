package tenant

import "slices"

// amplifyRegions lists the AWS regions where Amplify Hosting is offered, from
// the AWS General Reference, "AWS Amplify endpoints and quotas"
// (https://docs.aws.amazon.com/general/latest/gr/amplify.html). A tenant can
// only live in one of these, because its app and its data share a region.
var amplifyRegions = []string{
	"ap-east-1", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
	"ap-south-1", "ap-southeast-1", "ap-southeast-2",
	"ca-central-1",
	"eu-central-1", "eu-north-1", "eu-south-1", "eu-west-1", "eu-west-2", "eu-west-3",
	"me-south-1",
	"sa-east-1",
	"us-east-1", "us-east-2", "us-west-1", "us-west-2",
}

// IsAmplifyRegion reports whether Amplify Hosting is offered in region.
func IsAmplifyRegion(region string) bool {
	return slices.Contains(amplifyRegions, region)
}

// AmplifyRegions returns the AWS regions where Amplify Hosting is offered,
// a copy the caller may change.
func AmplifyRegions() []string { return slices.Clone(amplifyRegions) }
