package stackdiff

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/amplify-tenancy/tenancy/internal/stackconfig"
)

// edit replaces old with new in a stack file's text and fails when old is
// not there, so a case cannot silently test nothing.
type edit struct{ old, new string }

func apply(t *testing.T, text string, edits []edit) string {
	t.Helper()
	for _, e := range edits {
		if !strings.Contains(text, e.old) {
			t.Fatalf("stack file has no %q", e.old)
		}
		text = strings.Replace(text, e.old, e.new, 1)
	}
	return text
}

// version parses a stack file's text as diff does; the case fails when the
// program's parser refuses it.
func version(t *testing.T, stack string, text []byte) *Version {
	t.Helper()
	f, err := stackconfig.ParseFile(stack, text)
	if err != nil {
		t.Fatal(err)
	}
	fleet, err := stackconfig.Parse(f.Source())
	if err != nil {
		t.Fatalf("the parser refuses the stack file: %v", err)
	}
	return &Version{File: f, Fleet: fleet}
}

func TestCompare(t *testing.T) {
	const globexBackup = "      backup:\n        schedule: cron(0 2 * * ? *)\n        retentionDays: 7\n"
	const umbrellaBackup = "      backup:\n        schedule: cron(0 1 * * ? *)\n        retentionDays: 35\n        notifyEmail: ops@umbrella.example.com\n"
	const hooli = "    - id: hooli\n      name: Hooli\n      region: us-west-2\n      tier: standard\n      domain: hooli-shop.example.com\n"
	cases := []struct {
		name                    string
		stack                   string
		edits                   []edit
		risks                   []string // "tenant/field"
		confirmed               []string // the risks config confirms
		added, removed, changed []string
	}{
		{name: "no edit", stack: "prod"},
		{name: "capacity", stack: "prod", edits: []edit{{"maxCapacity: 64", "maxCapacity: 128"}}, changed: []string{"acme"}},
		{name: "display name", stack: "prod", edits: []edit{{"name: Globex", "name: Globex GmbH"}}, changed: []string{"globex"}},
		{name: "tenant added", stack: "prod", edits: []edit{{hooli, hooli + "    - id: wayne\n      name: Wayne\n      region: us-east-1\n"}}, added: []string{"wayne"}},
		{name: "tenant removed", stack: "prod", edits: []edit{{hooli, ""}}, removed: []string{"hooli"}, risks: []string{"hooli/id"}},
		{name: "tenant handed to another stack", stack: "prod", edits: []edit{{hooli, ""}, {"tenancy:protect: true\n", "tenancy:protect: true\n  tenancy:movedOut: [hooli]\n"}}, removed: []string{"hooli"}, risks: []string{"hooli/id"}, confirmed: []string{"hooli/id"}},
		{name: "renamed with formerIds", stack: "prod", edits: []edit{{"- id: hooli\n", "- id: hooli-inc\n      formerIds: [hooli]\n"}}, changed: []string{"hooli-inc"}},
		{name: "renamed without formerIds", stack: "prod", edits: []edit{{"- id: hooli\n", "- id: hooli-inc\n"}}, added: []string{"hooli-inc"}, removed: []string{"hooli"}, risks: []string{"hooli/id"}},
		{name: "region moved", stack: "prod", edits: []edit{{"region: us-west-2", "region: us-east-2"}}, changed: []string{"hooli"}, risks: []string{"hooli/region"}},
		{name: "engine from default", stack: "prod", edits: []edit{{"      domain: hooli-shop.example.com\n", "      domain: hooli-shop.example.com\n      database:\n        engine: aurora-postgresql\n"}}, changed: []string{"hooli"}, risks: []string{"hooli/database.engine"}},
		{name: "default engine spelt out", stack: "prod", edits: []edit{{"      domain: hooli-shop.example.com\n", "      domain: hooli-shop.example.com\n      database:\n        engine: dynamodb\n"}}, changed: []string{"hooli"}},
		{name: "offboarded", stack: "prod", edits: []edit{{"      name: Hooli\n", "      name: Hooli\n      status: offboarded\n"}}, changed: []string{"hooli"}, risks: []string{"hooli/status"}},
		{name: "suspended", stack: "prod", edits: []edit{{"      name: Hooli\n", "      name: Hooli\n      status: suspended\n"}}, changed: []string{"hooli"}},
		{name: "protect off", stack: "prod", edits: []edit{{"tenancy:protect: true", "tenancy:protect: false"}}, risks: []string{"/protect"}},
		{name: "protect already off", stack: "dev", edits: []edit{{"tenancy:branch: develop", "tenancy:branch: next"}}},
		{name: "fewer aurora instances", stack: "prod", edits: []edit{{"        instanceClass: db.r6g.large\n        instances: 2\n", "        instanceClass: db.r6g.large\n"}}, changed: []string{"umbrella"}, risks: []string{"umbrella/database.instances"}},
		{name: "regions narrowed", stack: "prod", edits: []edit{{"tenancy:protect: true\n", "tenancy:protect: true\n  tenancy:regions: [us-east-1, us-west-2, ap-southeast-2]\n"}}, risks: []string{"globex/regions", "umbrella/regions"}},
		{name: "regions narrowed, handed over", stack: "prod", edits: []edit{{"tenancy:protect: true\n", "tenancy:protect: true\n  tenancy:regions: [us-east-1, us-west-2, ap-southeast-2]\n  tenancy:movedOut: [globex, umbrella]\n"}}, risks: []string{"globex/regions", "umbrella/regions"}, confirmed: []string{"globex/regions", "umbrella/regions"}},
		{name: "regions widened", stack: "prod", edits: []edit{{"tenancy:protect: true\n", "tenancy:protect: true\n  tenancy:regions: [us-east-1, us-west-2, ap-southeast-2, eu-central-1, eu-west-1]\n"}}},
		{name: "major upgrade", stack: "prod", edits: []edit{{"        instanceClass: db.r6g.large\n", "        instanceClass: db.r6g.large\n        engineVersion: \"17\"\n        allowMajorVersionUpgrade: true\n"}}, changed: []string{"umbrella"}, risks: []string{"umbrella/database.engineVersion"}, confirmed: []string{"umbrella/database.engineVersion"}},
		{name: "default version spelt out", stack: "prod", edits: []edit{{"        instanceClass: db.r6g.large\n", "        instanceClass: db.r6g.large\n        engineVersion: \"16\"\n"}}, changed: []string{"umbrella"}},
		{name: "backup removed", stack: "prod", edits: []edit{{globexBackup, ""}}, changed: []string{"globex"}, risks: []string{"globex/backup"}},
		{name: "backup removed, confirmed", stack: "prod", edits: []edit{{globexBackup, "      confirmBackupRemoval: true\n"}}, changed: []string{"globex"}, risks: []string{"globex/backup"}, confirmed: []string{"globex/backup"}},
		{name: "backup set to null", stack: "prod", edits: []edit{{globexBackup, "      backup: null\n"}}, changed: []string{"globex"}, risks: []string{"globex/backup"}},
		{name: "offboarded, backup removed", stack: "prod", edits: []edit{{umbrellaBackup, ""}, {"      name: Umbrella Health\n", "      name: Umbrella Health\n      status: offboarded\n"}}, changed: []string{"umbrella"}, risks: []string{"umbrella/status", "umbrella/backup"}},
		{name: "renamed, backup removed", stack: "prod", edits: []edit{{globexBackup, ""}, {"- id: globex\n", "- id: globex-gmbh\n      formerIds: [globex]\n"}}, changed: []string{"globex-gmbh"}, risks: []string{"globex-gmbh/backup"}},
		{name: "backup schedule changed", stack: "prod", edits: []edit{{"cron(0 2 * * ? *)", "cron(0 4 * * ? *)"}}, changed: []string{"globex"}},
		{name: "backup notifications dropped", stack: "prod", edits: []edit{{"        notifyEmail: ops@umbrella.example.com\n", ""}}, changed: []string{"umbrella"}},
		{name: "backup added", stack: "prod", edits: []edit{{hooli, hooli + "      backup:\n        schedule: cron(0 5 * * ? *)\n        retentionDays: 7\n"}}, changed: []string{"hooli"}},
		{name: "more aurora instances", stack: "prod", edits: []edit{{"instances: 2\n        backupRetentionDays", "instances: 3\n        backupRetentionDays"}}, changed: []string{"acme"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			text, err := os.ReadFile("../../testdata/stacks/fleet/Pulumi." + c.stack + ".yaml")
			if err != nil {
				t.Fatal(err)
			}
			r, err := Compare(version(t, c.stack, text), version(t, c.stack, []byte(apply(t, string(text), c.edits))))
			if err != nil {
				t.Fatal(err)
			}
			var risks, confirmed, changed []string
			for _, risk := range r.Risks {
				risks = append(risks, risk.Tenant+"/"+risk.Field)
				if risk.Confirmed {
					confirmed = append(confirmed, risk.Tenant+"/"+risk.Field)
				}
			}
			for _, ch := range r.Changed {
				changed = append(changed, ch.ID)
			}
			check := func(what string, got, want []string) {
				if !slices.Equal(got, want) {
					t.Errorf("%s = %q, want %q", what, got, want)
				}
			}
			check("risks", risks, c.risks)
			check("confirmed", confirmed, c.confirmed)
			check("added", r.Added, c.added)
			check("removed", r.Removed, c.removed)
			check("changed", changed, c.changed)
		})
	}
}

func TestCompareNewStack(t *testing.T) {
	text, err := os.ReadFile("../../testdata/stacks/fleet/Pulumi.dev.yaml")
	if err != nil {
		t.Fatal(err)
	}
	r, err := Compare(nil, version(t, "dev", text))
	if err != nil {
		t.Fatal(err)
	}
	if !r.NewStack || len(r.Added) != 5 || len(r.Risks) != 0 {
		t.Errorf("new stack: NewStack %v, added %v, risks %v; want true, 5 tenants, none", r.NewStack, r.Added, r.Risks)
	}
}

// TestCompareRefusesABrokenTenantsList: a file whose tenants are not a list
// has no changes to tell, whatever fleet comes with it.
func TestCompareRefusesABrokenTenantsList(t *testing.T) {
	base := &Version{File: &stackconfig.File{Stack: "prod", Values: map[string]string{"tenants": "[]"}}, Fleet: &stackconfig.Fleet{}}
	current := &Version{File: &stackconfig.File{Stack: "prod", Values: map[string]string{"tenants": `{"id": "acme"}`}}, Fleet: &stackconfig.Fleet{}}
	if _, err := Compare(base, current); err == nil {
		t.Error("want an error for a tenants value that is not a list")
	}
}

// TestQuotedBooleansAreNoChange: every `pulumi config set` (and `stack
// init`) rewrites each top-level boolean of the stack file as a string
// (protect: false -> "false"); the next pull request's diff must not show
// that as a change.
func TestQuotedBooleansAreNoChange(t *testing.T) {
	text, err := os.ReadFile("../../testdata/stacks/fleet/Pulumi.dev.yaml")
	if err != nil {
		t.Fatal(err)
	}
	quoted := apply(t, string(text), []edit{
		{"tenancy:protect: false\n", "tenancy:protect: \"false\"\n"},
		{"tenancy:basicAuth: true\n", "tenancy:basicAuth: \"true\"\n"},
	})
	for _, c := range []struct{ name, base, current string }{
		{"quoted by pulumi config set", string(text), quoted},
		{"unquoted by hand", quoted, string(text)},
	} {
		r, err := Compare(version(t, "dev", []byte(c.base)), version(t, "dev", []byte(c.current)))
		if err != nil {
			t.Fatal(err)
		}
		if !r.Empty() || len(r.Risks) > 0 {
			t.Errorf("%s: settings %v, changed %v, risks %v; want no change", c.name, r.Settings, r.Changed, r.Risks)
		}
	}
}
