package shard

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// repo is a git repository in a temporary directory.
type repo struct {
	t   *testing.T
	dir string
}

func newRepo(t *testing.T) *repo {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	r := &repo{t: t, dir: t.TempDir()}
	r.git("init", "-q")
	return r
}

func (r *repo) git(args ...string) {
	r.t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = r.dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com",
		"GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com", "GIT_CONFIG_GLOBAL=/dev/null")
	if out, err := cmd.CombinedOutput(); err != nil {
		r.t.Fatalf("git %v: %v\n%s", args, err, out)
	}
}

func (r *repo) write(name, text string) {
	r.t.Helper()
	if err := os.WriteFile(filepath.Join(r.dir, name), []byte(text), 0o644); err != nil {
		r.t.Fatal(err)
	}
}

// fleet writes the fleet file and the lock Assign makes of it from the
// lock in the working tree, and each new shard's stack file.
func (r *repo) fleet(yaml string) {
	r.t.Helper()
	r.write("Pulumi.prod.yaml", yaml)
	prev, err := Read(r.dir, "prod")
	if err != nil {
		r.t.Fatal(err)
	}
	l := mustAssign(r.t, prev, parseFleet(r.t, yaml), 2)
	if err := l.Write(r.dir); err != nil {
		r.t.Fatal(err)
	}
	for _, s := range l.Shards {
		if _, err := os.Stat(filepath.Join(r.dir, StackFileName(s.Name))); err == nil {
			continue
		}
		r.write(StackFileName(s.Name), "encryptionsalt: v1:salt-of-"+s.Name+"\nconfig:\n  tenancy:fleet: prod\n  tenancy:shard: "+s.Name+"\n  tenancy:accessToken:\n    secure: v1:AAAA\n")
	}
}

// TestChanged runs Changed against a base commit for each edit of the
// working tree.
func TestChanged(t *testing.T) {
	all := []string{"prod-eu-central-1-1", "prod-eu-central-1-2", "prod-eu-central-1-210987654321-1", "prod-us-east-1-1"}
	baseYAML := fleetYAML([]string{"  # the fleet", "  tenancy:branch: main"}, base...)
	cases := []struct {
		name string
		edit func(r *repo)
		want []string
	}{
		{"nothing", func(r *repo) {}, nil},
		{"a comment", func(r *repo) { r.fleet(strings.Replace(baseYAML, "# the fleet", "# our fleet", 1)) }, nil},
		{"tenants reordered", func(r *repo) {
			reversed := slices.Clone(base)
			slices.Reverse(reversed)
			r.fleet(fleetYAML([]string{"  # the fleet", "  tenancy:branch: main"}, reversed...))
		}, nil},
		{"one tenant's entry edited", func(r *repo) {
			r.fleet(strings.Replace(baseYAML, "name: Tenant hooli", "name: Hooli Inc", 1))
		}, []string{"prod-eu-central-1-2"}},
		{"a tenant added", func(r *repo) {
			r.fleet(fleetYAML([]string{"  # the fleet", "  tenancy:branch: main"}, append(slices.Clone(base), "newco us-east-1")...))
		}, []string{"prod-us-east-1-2"}},
		{"a tenant removed", func(r *repo) {
			r.fleet(fleetYAML([]string{"  # the fleet", "  tenancy:branch: main"}, slices.DeleteFunc(slices.Clone(base), func(s string) bool { return strings.HasPrefix(s, "stark ") })...))
		}, []string{"prod-us-east-1-1"}},
		{"a tenant renamed", func(r *repo) {
			r.fleet(strings.Replace(baseYAML, "id: umbrella\n", "id: umbrella-health\n      formerIds: [umbrella]\n", 1))
		}, []string{"prod-eu-central-1-2"}},
		{"a tenant moved region", func(r *repo) {
			r.fleet(strings.Replace(baseYAML, "name: Tenant acme\n      region: eu-central-1", "name: Tenant acme\n      region: us-east-1", 1))
		}, []string{"prod-eu-central-1-1", "prod-us-east-1-2"}},
		{"a stack-wide setting", func(r *repo) { r.fleet(strings.Replace(baseYAML, "branch: main", "branch: release", 1)) }, all},
		{"a stack-wide setting added", func(r *repo) {
			r.fleet(strings.Replace(baseYAML, "  tenancy:branch: main\n", "  tenancy:branch: main\n  tenancy:quotas: {amplifyApps: 100}\n", 1))
		}, all},
		{"a shard's stack file", func(r *repo) {
			r.write("Pulumi.prod-eu-central-1-210987654321-1.yaml", "encryptionsalt: v1:salt\nconfig:\n  tenancy:fleet: prod\n  tenancy:shard: prod-eu-central-1-210987654321-1\n  tenancy:accessToken:\n    secure: v1:ROTATED\n")
		}, []string{"prod-eu-central-1-210987654321-1"}},
		{"the lock edited by hand", func(r *repo) {
			l, err := Read(r.dir, "prod")
			if err != nil {
				r.t.Fatal(err)
			}
			l.Shards[0].Tenants = []string{"acme"}
			l.Shards[1].Tenants = append(l.Shards[1].Tenants, "globex")
			if err := l.Write(r.dir); err != nil {
				r.t.Fatal(err)
			}
		}, []string{"prod-eu-central-1-1", "prod-eu-central-1-2"}},
		{"a base without a lock", func(r *repo) {
			r.git("rm", "-q", "--cached", "Pulumi.prod.shards.json")
			r.git("commit", "-q", "-m", "no lock")
		}, all},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := newRepo(t)
			r.fleet(baseYAML)
			r.git("add", "-A")
			r.git("commit", "-q", "-m", "base")
			c.edit(r)
			got, err := Changed(r.dir, "prod", "HEAD")
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("changed %v, want %v", got, c.want)
			}
		})
	}
}

// TestChangedRefusesAnOptionAsBase: a base that starts with "-" never
// reaches git as an option, and one that is no ref is an error.
func TestChangedRefusesAnOptionAsBase(t *testing.T) {
	r := newRepo(t)
	r.fleet(fleetYAML(nil, base...))
	r.git("add", "-A")
	r.git("commit", "-q", "-m", "base")
	written := filepath.Join(r.dir, "written")
	for _, ref := range []string{"--output=" + written, "-p", "HEAD --output=" + written, "no-such-ref"} {
		if _, err := Changed(r.dir, "prod", ref); err == nil {
			t.Errorf("base %q: no error", ref)
		}
	}
	if _, err := os.Stat(written); err == nil {
		t.Error("git wrote a file an option named")
	}
	if _, err := Changed(r.dir, "dev", "HEAD"); err == nil || !strings.Contains(err.Error(), "single stack") {
		t.Errorf("an environment without a lock: %v", err)
	}
}
