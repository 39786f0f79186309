package deploy_test

import (
	"encoding/json"
	"slices"
	"sync"
	"testing"

	"github.com/amplify-tenancy/tenancy/internal/deploy"
	"github.com/amplify-tenancy/tenancy/tenant/tenanttest"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// TestTenantsOutputHasTheDomainRecords: a tenant with a custom domain
// has, in the "tenants" output, the DNS records to create after `up`: the
// certificate's validation record, then the apex and www records; a tenant
// without one, or offboarded, has no "domain" key, so its output is as
// before.
func TestTenantsOutputHasTheDomainRecords(t *testing.T) {
	tenants := []map[string]any{
		{"id": "acme", "name": "Acme", "region": "eu-west-1", "domain": "shop.acme.example.com"},
		{"id": "globex", "name": "Globex", "region": "us-east-1"},
		{"id": "initech", "name": "Initech", "region": "us-east-1", "domain": "initech.example.com", "status": "offboarded"},
	}
	raw, err := json.Marshal(tenants)
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu  sync.Mutex
		out map[string]any
	)
	_, err = tenanttest.Run(func(ctx *pulumi.Context) error {
		m, err := deploy.Fleet(ctx)
		if err != nil {
			return err
		}
		m.ToMapOutput().ApplyT(func(v map[string]any) error {
			mu.Lock()
			defer mu.Unlock()
			out = v
			return nil
		})
		return nil
	}, tenanttest.Options{Project: "tenancy", Stack: "dev", SecretKeys: []string{"tenancy:accessToken"}, Config: map[string]string{
		"tenancy:repository": "https://github.com/example/app", "tenancy:accessToken": "token", "tenancy:tenants": string(raw),
	}})
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	cases := []struct {
		id      string
		domain  any
		records []string
	}{
		{"acme", "shop.acme.example.com", []string{
			"_c3e2d7eaf1e656b73f46cd6980fdc0e.example.com. CNAME _b5f1d2a0e9.acm-validations.aws.",
			" CNAME d1a2b3c4example.cloudfront.net",
			"www CNAME d1a2b3c4example.cloudfront.net",
		}},
		{"globex", nil, nil},
		// Offboarded: no app, so no records to create.
		{"initech", nil, nil},
	}
	for _, c := range cases {
		entry, _ := out[c.id].(map[string]any)
		d, has := entry["domain"].(map[string]any)
		if c.domain == nil {
			if has {
				t.Errorf("%s: domain %v, want none", c.id, d)
			}
			continue
		}
		records, _ := d["records"].([]string)
		if d["name"] != c.domain || !slices.Equal(records, c.records) {
			t.Errorf("%s: domain %v records %q, want %v %q", c.id, d["name"], records, c.domain, c.records)
		}
	}
}
