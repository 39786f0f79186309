package stackconfig

import (
	"strings"
	"testing"
)

func TestStackWideProblemsAreReportedOnce(t *testing.T) {
	cases := []struct {
		name    string
		values  map[string]string
		want    string
		notWant string
	}{
		{"bad repository", map[string]string{KeyRepository: "git@github.com:x/y"}, `repository: "git@github.com:x/y" must be an https:// repository URL`, ""},
		{"bad stack branch, tenant has its own good one", map[string]string{KeyBranch: "a b"}, `branch: "a b" is not a valid git branch name`, `tenant "one"`},
		{"tenant's own bad branch", map[string]string{KeyTenants: `[{"id":"one","name":"One","region":"eu-west-1","branch":"x..y"}]`}, `tenant "one": branch: "x..y"`, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			values := map[string]string{
				KeyRepository: "https://github.com/example/app",
				KeyTenants: `[{"id":"one","name":"One","region":"eu-west-1","branch":"release"},
				              {"id":"two","name":"Two","region":"eu-west-1"}]`,
			}
			for k, v := range c.values {
				values[k] = v
			}
			_, err := Parse(mapSource(values))
			if err == nil {
				t.Fatal("want an error")
			}
			if n := strings.Count(err.Error(), c.want); n != 1 {
				t.Errorf("%q appears %d times, want once:\n%v", c.want, n, err)
			}
			if c.notWant != "" && strings.Contains(err.Error(), c.notWant) {
				t.Errorf("error mentions %s:\n%v", c.notWant, err)
			}
		})
	}
}
