package standin

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

func checkRequest(t *testing.T, typ, name string, olds, news map[string]any) *pulumirpc.CheckRequest {
	t.Helper()
	o, err := marshal(resource.NewPropertyMapFromMap(olds))
	if err != nil {
		t.Fatal(err)
	}
	n, err := marshal(resource.NewPropertyMapFromMap(news))
	if err != nil {
		t.Fatal(err)
	}
	urn := resource.NewURN("dev", "tenancy", "tenancy:tenant:TenantStack", tokens.Type(typ), name)
	return &pulumirpc.CheckRequest{Urn: string(urn), Olds: o, News: n}
}

// TestCheckAutoNamesAndRefusesWhatAWSRefuses: a name is made as
// pulumi-aws makes it and kept once made, and an input AWS refuses fails
// with the rule and its source.
func TestCheckAutoNamesAndRefusesWhatAWSRefuses(t *testing.T) {
	s := &server{pkg: "aws", log: &callLog{}}
	cases := []struct {
		name, typ, logical string
		olds, news         map[string]any
		wantName           string // regexp the name input must match; "" for no name
		wantFailure        string // "" for none
	}{
		{"auto-name", "aws:backup/vault:Vault", "acme-backup-vault", nil, map[string]any{}, `^acme-backup-vault-[0-9a-f]{7}$`, ""},
		{"name kept", "aws:backup/vault:Vault", "acme-backup-vault", map[string]any{"name": "acme-backup-vault-0a1b2c3"}, map[string]any{}, `^acme-backup-vault-0a1b2c3$`, ""},
		{"explicit name", "aws:backup/vault:Vault", "x", nil, map[string]any{"name": "given"}, `^given$`, ""},
		{"auto-name too long", "aws:backup/vault:Vault", strings.Repeat("a", 43), nil, map[string]any{}, `^a+-[0-9a-f]{7}$`,
			"BackupVaultName"},
		{"cluster identifier with --", "aws:rds/cluster:Cluster", "acme-db", nil, map[string]any{"clusterIdentifier": "acme--db"}, "", "validIdentifier"},
		{"schedule more often than hourly", "aws:backup/plan:Plan", "acme-backup-plan", nil,
			map[string]any{"rules": []any{map[string]any{"ruleName": "r", "schedule": "cron(*/5 * * * ? *)"}}}, `^acme-backup-plan-`, "at most hourly"},
		{"reserved variable", "aws:amplify/app:App", "acme-app", nil,
			map[string]any{"name": "dev-acme", "accessToken": "t", "repository": "https://x", "environmentVariables": map[string]any{"AWS_REGION": "x"}}, "", "reserved AWS prefix"},
		{"basic auth without credentials", "aws:amplify/branch:Branch", "acme-main", nil,
			map[string]any{"branchName": "main", "enableBasicAuth": true}, "", "needs basicAuthCredentials"},
		{"lambda function auto-name", functionType, "eu-central-1-provisioner", nil, map[string]any{}, `^eu-central-1-provisioner-[0-9a-f]{7}$`, ""},
		{"invocation input", invocationType, "acme-db-app-role", nil,
			map[string]any{"functionName": "f", "input": `{"a":1}`, "lifecycleScope": "CRUD"}, "", ""},
		{"invocation input not JSON", invocationType, "acme-db-app-role", nil,
			map[string]any{"functionName": "f", "input": `{"a":`}, "", "not valid JSON"},
		{"invocation CRUD input not an object", invocationType, "acme-db-app-role", nil,
			map[string]any{"functionName": "f", "input": `[1]`, "lifecycleScope": "CRUD"}, "", "requires input to be a JSON object"},
		{"invocation scope", invocationType, "acme-db-app-role", nil,
			map[string]any{"functionName": "f", "input": `{}`, "lifecycleScope": "ALWAYS"}, "", "not one of CREATE_ONLY, CRUD"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp, err := s.Check(context.Background(), checkRequest(t, c.typ, c.logical, c.olds, c.news))
			if err != nil {
				t.Fatal(err)
			}
			inputs, err := unmarshal(resp.GetInputs())
			if err != nil {
				t.Fatal(err)
			}
			if c.wantName != "" {
				if name := inputs["name"]; !name.IsString() || !regexp.MustCompile(c.wantName).MatchString(name.StringValue()) {
					t.Errorf("name %v, want %s", name, c.wantName)
				}
			}
			var reasons []string
			for _, f := range resp.GetFailures() {
				reasons = append(reasons, f.GetReason())
			}
			got := strings.Join(reasons, "\n")
			switch {
			case c.wantFailure == "" && got != "":
				t.Errorf("refused: %s", got)
			case c.wantFailure != "" && (!strings.Contains(got, c.wantFailure) || !strings.Contains(got, "(")):
				t.Errorf("failures %q, want one naming %q and its source", got, c.wantFailure)
			}
		})
	}
}
