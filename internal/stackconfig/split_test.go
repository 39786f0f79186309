package stackconfig

import (
	"os"
	"strings"
	"testing"
)

// splitExample reads the example pair of split stack files, each edited.
func splitExample(t *testing.T, editEU, editWorld func(string) string) []*File {
	t.Helper()
	var files []*File
	edits := []struct {
		stack string
		edit  func(string) string
	}{{"prod-eu", editEU}, {"prod-world", editWorld}}
	for _, e := range edits {
		stack, edit := e.stack, e.edit
		data, err := os.ReadFile("../../docs/split-stacks/Pulumi." + stack + ".yaml")
		if err != nil {
			t.Fatal(err)
		}
		f, err := ParseFile(stack, []byte(edit(string(data))))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	return files
}

func TestCheckSplit(t *testing.T) {
	same := func(s string) string { return s }
	replace := func(old, new string) func(string) string {
		return func(s string) string {
			if !strings.Contains(s, old) {
				panic("example no longer contains " + old)
			}
			return strings.Replace(s, old, new, 1)
		}
	}
	cases := []struct {
		name             string
		editEU, editRest func(string) string
		wants            []string
	}{
		{"the example pair", same, same, nil},
		{"region in both stacks", same, replace("[us-east-1,", "[eu-west-1, us-east-1,"),
			[]string{"region eu-west-1: selected by stacks prod-eu, prod-world", `tenant "soylent": deployed by stacks prod-eu, prod-world`}},
		{"region in no stack", replace("[eu-central-1, eu-west-1]", "[eu-central-1]"), same,
			[]string{`tenant "soylent": region: eu-west-1 is selected by no stack`}},
		{"stack without regions", replace("  tenancy:regions: [eu-central-1, eu-west-1]\n", ""), same,
			[]string{"stack prod-eu: regions: is not set", `tenant "acme": deployed by stacks prod-eu, prod-world`}},
		{"lists drifted apart", replace("name: Soylent", "name: Soylent Green"), same,
			[]string{`tenant "soylent": listed differently in stacks prod-eu, prod-world`}},
		{"environments differ", replace("tenancy:environment: prod", "tenancy:environment: prod-eu"), same,
			[]string{"environment: stacks prod-world in prod; prod-eu in prod-eu"}},
		{"tenant only in the stack that skips it", same, replace("    - id: soylent\n      name: Soylent\n      region: eu-west-1\n      tier: starter\n", ""),
			nil},
		{"bad tenant in one file", replace("tier: starter\n      platform: WEB", "tier: platinum\n      platform: WEB"), same,
			[]string{`stack prod-eu: tenant "initech": tier: "platinum" is not one of`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := CheckSplit(splitExample(t, c.editEU, c.editRest))
			if len(c.wants) == 0 {
				if err != nil {
					t.Fatalf("want no problem, got:\n%v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("want problems, got none")
			}
			for _, want := range c.wants {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error does not contain %q:\n%v", want, err)
				}
			}
		})
	}
}
