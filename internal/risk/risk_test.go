package risk

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/amplify-tenancy/tenancy/internal/stackconfig"
)

// stack is the before version of the cases: an Aurora tenant with two
// instances and backups, a DynamoDB tenant with backups, one without, and
// an offboarded one.
const stack = `config:
  tenancy:repository: https://github.com/amplify-tenancy/storefront
  tenancy:protect: true
  tenancy:tenants:
    - id: acme
      name: Acme
      region: us-east-1
      database:
        engine: aurora-postgresql
        instances: 2
      backup:
        schedule: cron(0 3 * * ? *)
        retentionDays: 35
    - id: globex
      name: Globex
      region: eu-central-1
      backup:
        schedule: cron(0 2 * * ? *)
        retentionDays: 7
    - id: hooli
      name: Hooli
      region: us-west-2
    - id: initech
      name: Initech
      region: eu-west-1
      status: offboarded
`

// parse parses a stack file's text as the program does and fails the test
// when the parser refuses it: every case compares fleets the program
// accepts.
func parse(t *testing.T, text string) *stackconfig.Fleet {
	t.Helper()
	f, err := stackconfig.ParseFile("prod", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	fleet, err := stackconfig.Parse(f.Source())
	if err != nil {
		t.Fatalf("the parser refuses the stack:\n%v\n%s", err, text)
	}
	return fleet
}

// edit replaces old with new in text, and fails when old is not there, so
// a case cannot silently test nothing.
func edit(t *testing.T, text string, edits ...string) string {
	t.Helper()
	for i := 0; i+1 < len(edits); i += 2 {
		if !strings.Contains(text, edits[i]) {
			t.Fatalf("stack has no %q", edits[i])
		}
		text = strings.Replace(text, edits[i], edits[i+1], 1)
	}
	return text
}

// show writes a risk as "tenant/field verdict key": refused (the program
// refuses it), confirmed, or reported (a lifecycle step the program lets
// through), then the key that confirms it, if any.
func show(r Risk) string {
	verdict := "reported"
	switch {
	case r.Refused():
		verdict = "refused"
	case r.Confirmed:
		verdict = "confirmed"
	}
	return strings.TrimSpace(fmt.Sprintf("%s/%s %s %s", r.Tenant, r.Field, verdict, r.Confirm))
}

func TestAssess(t *testing.T) {
	const (
		globexBackup = "      backup:\n        schedule: cron(0 2 * * ? *)\n        retentionDays: 7\n"
		acmeDatabase = "      database:\n        engine: aurora-postgresql\n        instances: 2\n"
		hooli        = "    - id: hooli\n      name: Hooli\n      region: us-west-2\n"
		initech      = "    - id: initech\n      name: Initech\n      region: eu-west-1\n      status: offboarded\n"
		protect      = "  tenancy:protect: true\n"
	)
	cases := []struct {
		name   string
		before map[string]Tenant // nil: the stack, parsed
		edits  []string          // old, new, ... of the after version
		want   []string          // show of each risk
		reason string            // in the first risk's reason
	}{
		{name: "no edit"},
		{name: "display name", edits: []string{"name: Globex", "name: Globex GmbH"}},
		{name: "region moved", edits: []string{"region: eu-central-1", "region: eu-west-1"},
			want: []string{"globex/region refused confirmMove"}, reason: `changing "eu-central-1" to "eu-west-1" would create a new, empty database`},
		{name: "region moved, confirmed", edits: []string{"region: eu-central-1", "region: eu-west-1\n      confirmMove: eu-central-1"},
			want: []string{"globex/region confirmed confirmMove"}},
		{name: "confirmMove names the new region", edits: []string{"region: eu-central-1", "region: eu-west-1\n      confirmMove: eu-west-1"},
			want: []string{"globex/region refused confirmMove", "globex/confirmMove refused"}},
		// A confirmMove that names nothing the tenant leaves is refused: left
		// in place after a move, it would confirm the move back unreviewed.
		{name: "stale confirmMove", edits: []string{"region: eu-central-1", "region: eu-central-1\n      confirmMove: eu-west-1"},
			want: []string{"globex/confirmMove refused"}, reason: `"eu-west-1" names nothing the tenant is leaving`},
		{name: "isolation changed", edits: []string{hooli, hooli + "      database:\n        isolation: schema\n"},
			want: []string{"hooli/database.isolation refused confirmMove"}, reason: `changing "cluster" to "schema" would create a new, empty database`},
		{name: "isolation changed, confirmed", edits: []string{hooli, hooli + "      confirmMove: cluster\n      database:\n        isolation: schema\n"},
			want: []string{"hooli/database.isolation confirmed confirmMove"}},
		{name: "account changed", edits: []string{hooli, hooli + "      account:\n        roleArn: arn:aws:iam::210987654321:role/tenancy\n"},
			want: []string{"hooli/account refused confirmMove"}, reason: `changing "own" to "210987654321" would create a new, empty database`},
		{name: "account changed, confirmed", edits: []string{hooli, hooli + "      confirmMove: own\n      account:\n        roleArn: arn:aws:iam::210987654321:role/tenancy\n"},
			want: []string{"hooli/account confirmed confirmMove"}},
		{name: "engine changed", edits: []string{acmeDatabase, ""},
			want: []string{"acme/database.engine refused confirmMove"}},
		{name: "engine changed, confirmed", edits: []string{acmeDatabase, "      confirmMove: aurora-postgresql\n"},
			want: []string{"acme/database.engine confirmed confirmMove"}},
		{name: "default engine spelt out", edits: []string{hooli, hooli + "      database:\n        engine: dynamodb\n"}},
		{name: "major upgrade", edits: []string{"instances: 2\n", "instances: 2\n        engineVersion: \"17\"\n"},
			want: []string{"acme/database.engineVersion refused allowMajorVersionUpgrade"}, reason: "16 -> 17 is a major version upgrade"},
		{name: "major upgrade allowed", edits: []string{"instances: 2\n", "instances: 2\n        engineVersion: \"17\"\n        allowMajorVersionUpgrade: true\n"},
			want: []string{"acme/database.engineVersion confirmed allowMajorVersionUpgrade"}},
		{name: "downgrade, allowed or not", edits: []string{"instances: 2\n", "instances: 2\n        engineVersion: \"15\"\n        allowMajorVersionUpgrade: true\n"},
			want: []string{"acme/database.engineVersion refused"}, reason: "16 -> 15 is a downgrade"},
		{name: "default version spelt out", edits: []string{"instances: 2\n", "instances: 2\n        engineVersion: \"16\"\n"}},
		{name: "backup removed", edits: []string{globexBackup, ""},
			want: []string{"globex/backup refused confirmBackupRemoval"}},
		{name: "backup set to null", edits: []string{globexBackup, "      backup: null\n"},
			want: []string{"globex/backup refused confirmBackupRemoval"}},
		{name: "backup removed, confirmed", edits: []string{globexBackup, "      confirmBackupRemoval: true\n"},
			want: []string{"globex/backup confirmed confirmBackupRemoval"}},
		{name: "backup removal confirmed with confirmMove", edits: []string{globexBackup, "      confirmMove: eu-central-1\n"},
			want: []string{"globex/confirmMove refused", "globex/backup refused confirmBackupRemoval"}},
		{name: "backup changed", edits: []string{"cron(0 2 * * ? *)", "cron(0 4 * * ? *)"}},
		{name: "backup added", edits: []string{hooli, hooli + "      backup:\n        schedule: cron(0 5 * * ? *)\n        retentionDays: 7\n"}},
		{name: "offboarded", edits: []string{"region: us-west-2\n", "region: us-west-2\n      status: offboarded\n"},
			want: []string{"hooli/status reported"}},
		{name: "suspended", edits: []string{"region: us-west-2\n", "region: us-west-2\n      status: suspended\n"}},
		{name: "offboarded, backup removed", edits: []string{globexBackup, "      status: offboarded\n"},
			want: []string{"globex/status reported", "globex/backup refused confirmBackupRemoval"}},
		{name: "fewer aurora instances", edits: []string{"        instances: 2\n", ""},
			want: []string{"acme/database.instances reported"}, reason: "2 -> 1: deletes Aurora cluster instance acme-db-2"},
		{name: "more aurora instances", edits: []string{"instances: 2", "instances: 3"}},
		{name: "protect off", edits: []string{protect, "  tenancy:protect: false\n"},
			want: []string{"/protect reported"}},
		{name: "active tenant removed", edits: []string{hooli, ""},
			want: []string{"hooli/id refused movedOut"}, reason: "while it was active"},
		{name: "active tenant handed over with movedOut", edits: []string{hooli, "", protect, protect + "  tenancy:movedOut: [hooli]\n"},
			want: []string{"hooli/id confirmed movedOut"}},
		{name: "offboarded tenant removed", edits: []string{initech, ""},
			want: []string{"initech/id reported movedOut"}, reason: "removed after offboarding"},
		{name: "renamed with formerIds", edits: []string{"- id: hooli\n", "- id: hooli-inc\n      formerIds: [hooli]\n"}},
		{name: "renamed and moved", edits: []string{"- id: hooli\n", "- id: hooli-inc\n      formerIds: [hooli]\n", "region: us-west-2", "region: us-east-2"},
			want: []string{"hooli-inc/region refused confirmMove"}},
		{name: "renamed and backup removed", edits: []string{"- id: globex\n", "- id: globex-gmbh\n      formerIds: [globex]\n", globexBackup, ""},
			want: []string{"globex-gmbh/backup refused confirmBackupRemoval"}},
		// Aliases keep the resources, not what is named after the id inside
		// PostgreSQL or the shared table.
		{name: "aurora tenant renamed", edits: []string{"- id: acme\n", "- id: acme-corp\n      formerIds: [acme]\n"},
			want: []string{"acme-corp/id refused"}, reason: `renaming "acme" to "acme-corp": the tenant's data is named after its id, its database role tenant-acme-app`},
		{name: "schema-level dynamodb tenant renamed", edits: []string{hooli, strings.Replace(hooli, "- id: hooli", "- id: hooli-inc\n      formerIds: [hooli]", 1) + "      database:\n        isolation: schema\n"},
			want: []string{"hooli-inc/id refused", "hooli-inc/database.isolation refused confirmMove"}, reason: "under the key prefix hooli#"},
		{name: "renamed without formerIds", edits: []string{"- id: hooli\n", "- id: hooli-inc\n"},
			want: []string{"hooli/id refused movedOut"}, reason: "removed, and \"hooli-inc\" looks like the same tenant under a new id"},
		{name: "regions narrowed", edits: []string{protect, protect + "  tenancy:regions: [us-east-1, us-west-2]\n"},
			want: []string{"globex/regions refused movedOut", "initech/regions refused movedOut"}, reason: "no longer selects the tenant's region"},
		{name: "regions narrowed, handed over", edits: []string{protect, protect + "  tenancy:regions: [us-east-1, us-west-2]\n  tenancy:movedOut: [globex, initech]\n"},
			want: []string{"globex/regions confirmed movedOut", "initech/regions confirmed movedOut"}},
		{name: "regions narrowed, one handed over", edits: []string{protect, protect + "  tenancy:regions: [us-east-1, us-west-2]\n  tenancy:movedOut: [globex]\n"},
			want: []string{"globex/regions confirmed movedOut", "initech/regions refused movedOut"}},
		{name: "several at once, in order", edits: []string{protect, "  tenancy:protect: false\n", "region: eu-central-1", "region: eu-west-2", globexBackup, "", hooli, ""},
			want: []string{"/protect reported", "globex/region refused confirmMove", "globex/backup refused confirmBackupRemoval", "hooli/id refused movedOut"}},

		// A deployment's output knows only some fields: the others raise nothing.
		{name: "output lacks version, backup, instances, protect and status",
			before: map[string]Tenant{"acme": {Region: "us-east-1", Engine: "aurora-postgresql"}},
			edits: []string{"instances: 2\n", "instances: 1\n        engineVersion: \"17\"\n", protect, "  tenancy:protect: false\n",
				"region: us-east-1\n", "region: us-east-1\n      status: offboarded\n"}},
		{name: "output with every field", // the same edits, now known
			before: map[string]Tenant{"acme": {Region: "us-east-1", Engine: "aurora-postgresql", EngineVersion: "16", Status: "active", Instances: 2, Protect: true}},
			edits: []string{"instances: 2\n", "instances: 1\n        engineVersion: \"17\"\n", protect, "  tenancy:protect: false\n",
				"region: us-east-1\n", "region: us-east-1\n      status: offboarded\n"},
			want: []string{"/protect reported", "acme/status reported", "acme/database.engineVersion refused allowMajorVersionUpgrade", "acme/database.instances reported"}},
		{name: "output without status: a removal stays refused",
			before: map[string]Tenant{"wayne": {Region: "us-east-1", Engine: "dynamodb"}},
			want:   []string{"wayne/id refused movedOut"}, reason: "while it was active"},
		{name: "output without a name: no rename hint",
			before: map[string]Tenant{"hooli": {Region: "us-west-2", Engine: "dynamodb", Status: "active"}},
			edits:  []string{"- id: hooli\n", "- id: hooli-inc\n"},
			want:   []string{"hooli/id refused movedOut"}, reason: "the tenant is no longer deployed by this stack"},
		{name: "tenant another stack deploys is not this stack's to lose",
			before: map[string]Tenant{},
			edits:  []string{hooli, ""}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := c.before
			if before == nil {
				before = Deployed(parse(t, stack))
			}
			risks := Assess(before, parse(t, edit(t, stack, c.edits...)))
			var got []string
			for _, r := range risks {
				got = append(got, show(r))
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("risks = %q, want %q", got, c.want)
			}
			if c.reason != "" && (len(risks) == 0 || !strings.Contains(risks[0].Text(), c.reason)) {
				t.Errorf("the first risk's reason lacks %q: %v", c.reason, risks)
			}
			for _, r := range risks {
				if r.Guarded && !strings.Contains(r.Text(), "README") && !strings.Contains(r.Text(), "docs/") {
					t.Errorf("%s: a refusal must point to the documented path: %s", show(r), r.Text())
				}
				if r.Confirm != "" && !strings.Contains(r.Text(), r.Confirm) {
					t.Errorf("%s: the reason does not name %s, which confirms it: %s", show(r), r.Confirm, r.Text())
				}
			}
		})
	}
}

// TestDeployedSkipsOtherStacksTenants: a stack that selects regions deploys
// only their tenants, so only they can be lost by it.
func TestDeployedSkipsOtherStacksTenants(t *testing.T) {
	split := edit(t, stack, "  tenancy:protect: true\n", "  tenancy:protect: true\n  tenancy:regions: [us-east-1]\n")
	got := Deployed(parse(t, split))
	if len(got) != 1 || got["acme"] != (Tenant{Name: "Acme", Region: "us-east-1", Engine: "aurora-postgresql", EngineVersion: "16",
		Status: "active", Backup: true, Instances: 2, BackupRetentionDays: 7, Protect: true, Isolation: "cluster", Account: OwnAccount}) {
		t.Errorf("Deployed = %+v, want acme alone, every field from its defaulted args", got)
	}
}

func TestRenderEscapesByKind(t *testing.T) {
	r := Risk{Format: "%s %s %s %d", Args: []any{"v", Quoted("q"), Code("c"), 7}}
	got := r.Render(func(s string) string { return "V(" + s + ")" }, func(s string) string { return "Q(" + s + ")" }, func(s string) string { return "C(" + s + ")" })
	if got != "V(v) Q(q) C(c) 7" {
		t.Errorf("Render = %q", got)
	}
	if got := r.Text(); got != "v \"q\" `c` 7" {
		t.Errorf("Text = %q", got)
	}
}
