package stackconfig

import (
	"strings"
	"testing"
)

// Every problem names its tenant (or key) and field in words a stack
// file's author understands: no raw json: errors, no "got number" for a
// fraction, no id clash for a former id listed twice, and one problem in a
// tenant hides none of its others.
func TestProblemsAreClearAndComplete(t *testing.T) {
	const (
		acmeDB = "        maxCapacity: 8\n"
		globex = "    - id: globex\n      name: Globex\n      region: eu-central-1\n"
	)
	cases := []struct {
		name    string
		edits   [][2]string
		wants   []string
		notWant string
	}{
		// YAML values JSON cannot hold.
		{".nan", [][2]string{{acmeDB, "        maxCapacity: .nan\n"}},
			[]string{`stack base: tenant "acme": database.maxCapacity: is .nan, which is not a number; write a number`}, "json:"},
		{".NaN", [][2]string{{acmeDB, "        maxCapacity: .NaN\n"}},
			[]string{`tenant "acme": database.maxCapacity: is .nan`}, "json:"},
		{".inf", [][2]string{{acmeDB, "        maxCapacity: .inf\n"}},
			[]string{`tenant "acme": database.maxCapacity: is infinite (.inf); write a finite number`}, "json:"},
		{"-.inf in a list", [][2]string{{globex, globex + "      formerIds: [-.inf]\n"}},
			[]string{`tenant "globex": formerIds[0]: is infinite`}, "json:"},
		{".inf in a stack-wide key", [][2]string{{"  tenancy:protect: true\n", "  tenancy:quotas: {amplifyApps: .inf}\n"}},
			[]string{`quotas.amplifyApps: is infinite`}, "json:"},
		{".nan in another namespace", [][2]string{{"      team: platform\n", "      team: .nan\n"}},
			[]string{`aws:defaultTags.tags.team: is .nan`}, "json:"},
		{"a number as a map key", [][2]string{{globex, globex + "      environment: {1: x}\n"}},
			[]string{`tenant "globex": environment: has the key 1, which is not a string; quote it`}, "json:"},
		{"null as a map key", [][2]string{{globex, globex + "      environment:\n        ~: x\n"}},
			[]string{`tenant "globex": environment: has the key null, which is not a string`}, "json:"},
		{"a boolean key in a tenant", [][2]string{{globex, globex + "      true: x\n"}},
			[]string{`tenant "globex": has the key true, which is not a string`}, "json:"},
		{"a number key in network", [][2]string{{"  tenancy:protect: true\n", "  tenancy:network: {eu-west-1: {subnetGroup: db, 7: x}}\n"}},
			[]string{`network.eu-west-1: has the key 7, which is not a string`}, "json:"},
		{"a number as a config key", [][2]string{{"  tenancy:protect: true\n", "  42: true\n"}},
			[]string{`line 4: a config key must be a string such as tenancy:tenants`}, "json:"},
		{"a byte that is not UTF-8 in a tenant", [][2]string{{"      name: Globex\n", "      name: Glob\xe9x\n"}},
			[]string{`tenant "globex": name: line 16, column 17: not valid UTF-8; save the stack file as UTF-8`}, ""},
		{"a byte that is not UTF-8 in a key's value", [][2]string{{"  tenancy:protect: true\n", "  tenancy:protect: tr\xffue\n"}},
			[]string{`protect: line 4, column 22: not valid UTF-8`}, ""},
		{"a byte that is not UTF-8 in a comment", [][2]string{{"# A small", "# A \xc3 small"}},
			[]string{`stack base: line 1, column 5: not valid UTF-8`}, ""},
		{"a key twice in a tenant", [][2]string{{globex, globex + "      region: eu-west-1\n"}},
			[]string{`tenant "globex": region: line 18: mapping key "region" already defined at line 17`}, ""},

		// Numbers.
		{"a fraction of instances", [][2]string{{acmeDB, acmeDB + "        instances: 1.5\n"}},
			[]string{`tenant "acme": database.instances: want a whole number, got 1.5`}, "got number"},
		{"a fraction of backup days", [][2]string{{globex, globex + "      backup: {retentionDays: 2.5}\n"}},
			[]string{`tenant "globex": backup.retentionDays: want a whole number, got 2.5`}, "got number"},
		{"instances too large", [][2]string{{acmeDB, acmeDB + "        instances: 100000000000000000000\n"}},
			[]string{`tenant "acme": database.instances: 100000000000000000000 is out of range`}, ""},
		{"a string for a number", [][2]string{{acmeDB, acmeDB + "        instances: \"2\"\n"}},
			[]string{`tenant "acme": database.instances: want a whole number, got string "2"`}, ""},
		{"a fraction of a quota", [][2]string{{"  tenancy:protect: true\n", "  tenancy:quotas: {amplifyApps: 25.5}\n"}},
			[]string{`quotas.amplifyApps: want a whole number, got 25.5`}, "got number"},

		// A former id listed twice is no clash with another tenant.
		{"a former id twice", [][2]string{{globex, globex + "      formerIds: [globex-old, globex-gmbh, globex-old]\n"}},
			[]string{`tenant "globex": formerIds[2]: "globex-old" is listed twice in formerIds (first at formerIds[0])`}, "already used"},

		// One problem hides no other.
		{"a type error and other problems", [][2]string{{globex, "    - id: globex\n      name: Globex\n      region: moon-1\n      tier: 3\n      regoin: x\n      database: {engine: aurora-postgresql, instances: 1.5, maxCapacity: 300}\n      environment: {API_TOKEN: x, FLAG: 1}\n"}},
			[]string{
				`tenant "globex": tier: want a string, got 3`,
				`tenant "globex": regoin: unknown key; did you mean "region"?`,
				`tenant "globex": region: "moon-1" does not offer Amplify Hosting`,
				`tenant "globex": database.instances: want a whole number, got 1.5`,
				`tenant "globex": database.maxCapacity: 300 is above Aurora's limit`,
				`tenant "globex": environment.FLAG: want a string, got 1`,
				`tenant "globex": environment.API_TOKEN: looks like a secret`,
			}, `tier: ""`},
		{"a type error in the id", [][2]string{{"    - id: globex\n", "    - id: 7\n"}},
			[]string{`tenant "tenants[1]": id: want a string, got 7`}, `id: "" must match`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := parseEdited(t, editedAll(t, c.edits...))
			checkProblems(t, err, c.wants...)
			if c.notWant != "" && strings.Contains(err.Error(), c.notWant) {
				t.Errorf("error contains %q:\n%v", c.notWant, err)
			}
		})
	}
}

// Timestamps stay the strings they are written as.
func TestTimestampsStayAsWritten(t *testing.T) {
	f, err := ParseFile("base", []byte(editedAll(t, [2]string{"      name: Globex\n", "      name: 2024-01-01\n"},
		[2]string{"  tenancy:protect: true\n", "  tenancy:protect: true\n  tenancy:buildSpec: 2024-01-01T10:00:00Z\n"})))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(f.Values[KeyTenants], `"name":"2024-01-01"`) || f.Values[KeyBuildSpec] != "2024-01-01T10:00:00Z" {
		t.Errorf("tenants %s, buildSpec %s", f.Values[KeyTenants], f.Values[KeyBuildSpec])
	}
}
