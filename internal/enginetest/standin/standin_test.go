package standin

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

func props(t *testing.T, m map[string]any) *pulumirpc.DiffRequest {
	t.Helper()
	s, err := marshal(resource.NewPropertyMapFromMap(m))
	if err != nil {
		t.Fatal(err)
	}
	return &pulumirpc.DiffRequest{News: s}
}

func TestDiffReplacesWhatTheRealProviderReplaces(t *testing.T) {
	cases := []struct {
		typ          string
		olds, news   map[string]any
		diffs, repls []string
	}{
		{"aws:amplify/app:App", map[string]any{"name": "dev-acme"}, map[string]any{"name": "dev-acme-corp"}, []string{"name"}, nil},
		{"aws:dynamodb/table:Table", map[string]any{"hashKey": "pk"}, map[string]any{"hashKey": "id"}, []string{"hashKey"}, []string{"hashKey"}},
		{"aws:rds/cluster:Cluster", map[string]any{"engine": "aurora-postgresql", "engineVersion": "16.6"},
			map[string]any{"engine": "aurora-postgresql", "engineVersion": "16.8"}, []string{"engineVersion"}, nil},
		{"aws:rds/cluster:Cluster", map[string]any{"kmsKeyId": "a"}, map[string]any{}, []string{"kmsKeyId"}, []string{"kmsKeyId"}},
		{"aws:amplify/branch:Branch", map[string]any{"branchName": "main"}, map[string]any{"branchName": "release"}, []string{"branchName"}, []string{"branchName"}},
		{"aws:kms/key:Key", map[string]any{"tags": map[string]any{"tier": "a"}}, map[string]any{"tags": map[string]any{"tier": "a"}}, nil, nil},
		{invocationType, map[string]any{"input": "{}"}, map[string]any{"input": `{"a":1}`}, []string{"input"}, []string{"input"}},
		{invocationType, map[string]any{"input": "{}", "lifecycleScope": "CRUD"}, map[string]any{"input": `{"a":1}`, "lifecycleScope": "CRUD"},
			[]string{"input"}, nil},
		{invocationType, map[string]any{"functionName": "a", "lifecycleScope": "CRUD"}, map[string]any{"functionName": "b", "lifecycleScope": "CRUD"},
			[]string{"functionName"}, []string{"functionName"}},
	}
	s := &server{pkg: "aws", log: &callLog{}}
	for _, tc := range cases {
		req := props(t, tc.news)
		req.Type = tc.typ
		req.OldInputs = props(t, tc.olds).News
		resp, err := s.Diff(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(resp.GetDiffs(), tc.diffs) || !slices.Equal(resp.GetReplaces(), tc.repls) {
			t.Errorf("%s %v -> %v: diffs %v replaces %v, want %v %v", tc.typ, tc.olds, tc.news,
				resp.GetDiffs(), resp.GetReplaces(), tc.diffs, tc.repls)
		}
	}
}

func TestRegionChangeReplacesTheAwsProvider(t *testing.T) {
	req := props(t, map[string]any{"region": "eu-west-1"})
	req.OldInputs = props(t, map[string]any{"region": "eu-central-1"}).News
	resp, err := (&server{pkg: "aws"}).DiffConfig(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(resp.GetReplaces(), []string{"region"}) {
		t.Errorf("replaces %v, want [region]", resp.GetReplaces())
	}
}

func TestRandomPasswordHonoursLengthAndCharacters(t *testing.T) {
	out, err := randomPassword(resource.NewPropertyMapFromMap(map[string]any{
		"length": 32, "special": true, "overrideSpecial": "!#",
	}))
	if err != nil {
		t.Fatal(err)
	}
	v := out["result"]
	if !v.IsSecret() {
		t.Fatal("result is not a secret")
	}
	pw := v.SecretValue().Element.StringValue()
	if len(pw) != 32 || strings.Trim(pw, lowerChars+upperChars+numericChars+"!#") != "" {
		t.Errorf("password %q: want 32 characters from the allowed set", pw)
	}
	again, _ := randomPassword(resource.NewPropertyMapFromMap(map[string]any{"length": 32}))
	if again["result"].SecretValue().Element.StringValue() == pw {
		t.Error("two passwords are equal")
	}
}
