//go:build engine

package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/amplify-tenancy/tenancy/internal/cli"
	"github.com/amplify-tenancy/tenancy/internal/deploy"
	"github.com/amplify-tenancy/tenancy/internal/provisioner/build"
	"github.com/amplify-tenancy/tenancy/internal/shard"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
)

// The engine fleet benchmark (docs/performance.md, "The fleet through the
// engine") is configured from the environment, so that `go test -tags
// engine -run Engine` (.ci/run) skips it:
//
//	TENANCY_FLEET_TENANTS=N   the fleet's size; unset, the test skips
//	TENANCY_FLEET_SINGLE=1    deploy the fleet as one stack, not in shards
//	TENANCY_FLEET_PARALLEL=P  the runner's --parallel (default benchParallel)
//	TENANCY_FLEET_MAX_TENANTS=K  shards of at most K tenants (default: the
//	                          lock's default, shard.DefaultMaxTenants)
//	TENANCY_FLEET_PULUMI=PATH the CLI the runner runs (default .bin/pulumi),
//	                          say a wrapper that logs each invocation's time
const (
	envFleetTenants    = "TENANCY_FLEET_TENANTS"
	envFleetSingle     = "TENANCY_FLEET_SINGLE"
	envFleetParallel   = "TENANCY_FLEET_PARALLEL"
	envFleetMaxTenants = "TENANCY_FLEET_MAX_TENANTS"
	envFleetPulumi     = "TENANCY_FLEET_PULUMI"
)

// benchParallel is the runner's --parallel unless TENANCY_FLEET_PARALLEL
// says otherwise, and the runner's own default: at 1,000 tenants on this
// 2-core machine, 6 was no faster than 4 and took 46% more memory
// (docs/performance.md, "Why 15").
const benchParallel = 4

// benchEnv is the environment the benchmark deploys.
const benchEnv = "prod"

// renamedTenant is the tenant whose display name the one-tenant change
// edits: a DynamoDB tenant with SSR, in its region's first shard, the
// fullest.
const renamedTenant = 1

// TestEngineFleet deploys a generated fleet of TENANCY_FLEET_TENANTS
// tenants over 17 regions through the real engine and the fleet runner
// (cli.Run, the code `go run . fleet up` runs): a fresh `fleet up` of every
// shard, a `fleet up` of the whole fleet that changes nothing, and
// `fleet up --changed --base HEAD` after one tenant's display name was
// edited, which must run only that tenant's shard. It prints one line:
//
//	fleet N tenants, S shards: fresh X s, no-op Y s, one-tenant change Z s, peak RSS M MB, backend wrote B MB
//
// with TENANCY_FLEET_SINGLE=1 the same fleet is one stack (no lock), and
// the line says "single stack" for "S shards".
//
// Times are wall times of the runner's whole command, stack selection and
// git included. Peak RSS is the largest sum, sampled every 100 ms from
// /proc, of the resident memory of this process (it hosts the inline
// programs, as `go run . fleet up` does) and every process below it (the
// CLIs and the provider plugins); the largest single process is logged.
// Backend bytes are what the child processes wrote to block-backed files
// during the fresh `up` (getrusage RUSAGE_CHILDREN ru_oublock, which the
// kernel counts when a page is dirtied, so a checkpoint overwritten before
// it reached the disk still counts): the backend's directory is on the
// disk and everything else the CLIs write (event logs, PULUMI_HOME, the
// project, the plugins' call log) on tmpfs (/dev/shm), which is not
// counted. The other operations' bytes are logged.
func TestEngineFleet(t *testing.T) {
	n, err := strconv.Atoi(os.Getenv(envFleetTenants))
	if os.Getenv(envFleetTenants) == "" {
		t.Skipf("set %s=N to deploy a fleet of N tenants (docs/performance.md)", envFleetTenants)
	}
	if err != nil || n < renamedTenant+1 {
		t.Fatalf("%s=%q: want a number of tenants", envFleetTenants, os.Getenv(envFleetTenants))
	}
	single := os.Getenv(envFleetSingle) == "1"
	parallel, maxTenants := benchParallel, 0
	if v := os.Getenv(envFleetMaxTenants); v != "" {
		if maxTenants, err = strconv.Atoi(v); err != nil || maxTenants < 1 {
			t.Fatalf("%s=%q: want a number of tenants", envFleetMaxTenants, v)
		}
	}
	if v := os.Getenv(envFleetParallel); v != "" {
		if parallel, err = strconv.Atoi(v); err != nil || parallel < 1 {
			t.Fatalf("%s=%q: want a number of stacks", envFleetParallel, v)
		}
	}

	// The backend on the disk, everything else on tmpfs: see above.
	disk := os.TempDir()
	if isTmpfs(disk) {
		t.Fatalf("%s is tmpfs: the backend's bytes are counted on a disk; set TMPDIR to a directory on one", disk)
	}
	state, err := os.MkdirTemp(disk, "tenancy-fleet-state-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(state) })
	if isTmpfs("/dev/shm") {
		t.Setenv("TMPDIR", "/dev/shm")
	} else {
		t.Logf("no tmpfs at /dev/shm: the backend bytes include what the CLIs write elsewhere (event logs)")
	}
	root := t.TempDir()
	dir, home := filepath.Join(root, "project"), filepath.Join(root, "home")
	for _, d := range []string{dir, home} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	project, err := os.ReadFile("Pulumi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	fleetPath := filepath.Join(dir, shard.StackFileName(benchEnv))
	for name, data := range map[string][]byte{"Pulumi.yaml": project, shard.StackFileName(benchEnv): benchFleetFile(n)} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// The runner takes the backend, passphrase and plugins from the
	// environment, as the Pulumi CLI does.
	for k, v := range engineEnv(state, home, filepath.Join(root, "calls.log")) {
		t.Setenv(k, v)
	}
	pulumiCLI := filepath.Join(cliRoot, "bin", "pulumi")
	if p := os.Getenv(envFleetPulumi); p != "" {
		pulumiCLI = p
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*engineTimeout)
	defer cancel()
	// The provisioner function is built once per machine and cached; build
	// (or find) it now, so that no timed operation pays for it.
	if _, err := build.Archive(ctx); err != nil {
		t.Fatal(err)
	}
	cmd := engineCLI(t)

	// The fleet stack holds the secrets InitStacks copies to each shard;
	// as a single stack, it is what the runner deploys.
	newFleetStack(ctx, t, dir, benchEnv, cmd)
	stacks := "single stack"
	var lock *shard.Lock
	if !single {
		if lock, err = shard.Assign(nil, benchEnv, parsedFleetIn(t, dir, benchEnv), maxTenants); err != nil {
			t.Fatal(err)
		}
		if err := lock.Write(dir); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		created, err := shard.InitStacks(ctx, dir, lock, auto.Pulumi(cmd))
		if err != nil {
			t.Fatal(err)
		}
		if len(created) != len(lock.Shards) {
			t.Fatalf("InitStacks created %d stacks, the lock has %d shards", len(created), len(lock.Shards))
		}
		stacks = fmt.Sprintf("%d shards", len(lock.Shards))
		t.Logf("%d tenants in %d shards of at most %d; their stacks created in %.1f s",
			n, len(lock.Shards), lock.MaxTenants, time.Since(start).Seconds())
	}
	// --changed compares with a git ref: the project as set up is HEAD.
	for _, args := range [][]string{
		{"init", "-q"},
		{"add", "-A"},
		{"-c", "user.name=bench", "-c", "user.email=bench@example.invalid", "commit", "-q", "-m", "fleet as deployed"},
	} {
		if out, err := exec.Command("git", append([]string{"-C", dir}, args...)...).CombinedOutput(); err != nil {
			t.Fatalf("git %s: %v\n%s", args[0], err, out)
		}
	}

	b := &fleetBench{t: t, dir: dir, logs: root, cli: pulumiCLI, parallel: parallel, sampler: startRSSSampler(100 * time.Millisecond)}
	defer b.sampler.stop()
	t.Logf("%s tenants over %d regions, %s, --parallel %d; load before: %s", strconv.Itoa(n), len(fleetRegions), stacks, parallel, loadavg())

	fresh := b.run("fresh", "up", "--env", benchEnv, "--parallel", strconv.Itoa(parallel))
	if fresh.total.Create == 0 || fresh.total.Delete+fresh.total.Replace > 0 {
		t.Errorf("fresh up: %+v, want creates only", fresh.total)
	}
	if !single && len(fresh.rows) != len(lock.Shards) {
		t.Errorf("fresh up ran %d stacks, want all %d shards", len(fresh.rows), len(lock.Shards))
	}
	noop := b.run("no-op", "up", "--env", benchEnv, "--parallel", strconv.Itoa(parallel))
	if noop.total != (runnerChanges{}) {
		t.Errorf("no-op up changed %+v, want nothing", noop.total)
	}

	// One tenant's display name edited, uncommitted.
	data, err := os.ReadFile(fleetPath)
	if err != nil {
		t.Fatal(err)
	}
	old := "name: " + benchTenantName(renamedTenant) + "\n"
	if c := bytes.Count(data, []byte(old)); c != 1 {
		t.Fatalf("%s holds %q %d times, want once", fleetPath, old, c)
	}
	data = bytes.Replace(data, []byte(old), []byte("name: "+benchTenantName(renamedTenant)+" renamed\n"), 1)
	if err := os.WriteFile(fleetPath, data, 0o644); err != nil {
		t.Fatal(err)
	}
	want := []string{benchEnv}
	if !single {
		// What --changed runs: shard.Changed, as the runner calls it.
		s, _ := lock.ShardOf(benchTenantID(renamedTenant))
		changed, err := shard.Changed(dir, benchEnv, "HEAD")
		if err != nil {
			t.Fatal(err)
		}
		if want = []string{s.Name}; !slices.Equal(changed, want) {
			t.Errorf("shard.Changed: %v, want the renamed tenant's shard %v", changed, want)
		}
	}
	change := b.run("one-tenant change", "up", "--env", benchEnv, "--parallel", strconv.Itoa(parallel), "--changed", "--base", "HEAD")
	if ran := change.names(); !slices.Equal(ran, want) {
		t.Errorf("--changed ran %v, want %v", ran, want)
	}
	if change.total.Update == 0 || change.total.Create+change.total.Delete+change.total.Replace > 0 {
		t.Errorf("one-tenant change: %+v, want updates only", change.total)
	}

	peak, largest := b.sampler.peak()
	t.Logf("largest single process: %d MB; final size of the backend's files: %.1f MB",
		largest>>20, float64(dirSize(t, state))/1e6)
	fmt.Printf("fleet %d tenants, %s: fresh %s s, no-op %s s, one-tenant change %s s, peak RSS %d MB, backend wrote %d MB\n",
		n, stacks, secs(fresh.wall), secs(noop.wall), secs(change.wall), peak>>20, fresh.wroteBytes/1_000_000)
}

// benchTenantID and benchTenantName are tenant i's id and display name;
// the name is unique as a string, so an edit finds it in the file.
func benchTenantID(i int) string   { return fmt.Sprintf("tenant-%04d", i) }
func benchTenantName(i int) string { return fmt.Sprintf("Tenant %04d", i) }

// benchFleetFile is the fleet file of n tenants dealt round-robin over
// fleetRegions, by the rules of the mock benchmarks' fleetConfig (every
// fifth tenant Aurora with a backup plan, every seventh a static WEB
// site, the rest DynamoDB with SSR), plus a few pooled ones: every
// eleventh tenant not on Aurora already is an Aurora tenant at schema
// level in its region's shared cluster, and every thirteenth a DynamoDB
// tenant at schema level in its region's shared table. Quotas are raised
// so no stack warns.
func benchFleetFile(n int) []byte {
	var b strings.Builder
	b.WriteString(`config:
  tenancy:repository: https://github.com/amplify-tenancy/storefront
  tenancy:branch: main
  tenancy:protect: true
  tenancy:quotas: {amplifyApps: 1000, auroraInstances: 1000}
  tenancy:tenants:
`)
	for i := range n {
		fmt.Fprintf(&b, "    - id: %s\n      name: %s\n      region: %s\n", benchTenantID(i), benchTenantName(i), fleetRegions[i%len(fleetRegions)])
		switch {
		case i%5 == 0:
			b.WriteString("      database: {engine: aurora-postgresql, maxCapacity: 8}\n")
			b.WriteString("      backup: {schedule: \"cron(0 3 * * ? *)\", retentionDays: 14}\n")
		case i%11 == 3:
			b.WriteString("      database: {engine: aurora-postgresql, isolation: schema}\n")
		case i%13 == 4:
			b.WriteString("      database: {isolation: schema}\n")
		}
		if i%7 == 0 {
			b.WriteString("      platform: WEB\n")
		}
	}
	return []byte(b.String())
}

// fleetBench runs the fleet commands and measures each.
type fleetBench struct {
	t        *testing.T
	dir      string // the project
	logs     string // where each command's output is kept
	cli      string
	parallel int
	sampler  *rssSampler
}

// runnerChanges are the C/U/D/R counts of a summary row.
type runnerChanges struct{ Create, Update, Delete, Replace int }

// summaryLine is one stack's row of the runner's summary table.
type summaryLine struct {
	name     string
	tenants  int
	changes  runnerChanges
	duration time.Duration
	result   string
}

// phase is what one fleet command took.
type phase struct {
	wall       time.Duration
	rows       []summaryLine
	total      runnerChanges
	wroteBytes int64
}

func (p phase) names() []string {
	var out []string
	for _, r := range p.rows {
		out = append(out, r.name)
	}
	return out
}

// run runs `go run . fleet <args>` in-process (cli.Run) and measures its
// wall time, the bytes its child processes wrote to the disk, the CPU
// time it and everything else on the machine used, and the peak memory.
func (b *fleetBench) run(name string, args ...string) phase {
	t := b.t
	t.Helper()
	logPath := filepath.Join(b.logs, strings.ReplaceAll(name, " ", "-")+".log")
	out, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	b.sampler.reset()
	before, cpuBefore, loadBefore := usage(), machineCPU(), loadavg()
	start := time.Now()
	args = append(args, "--pulumi", b.cli)
	code := cli.Run(append([]string{"fleet"}, args...), cli.Env{Stdout: out, Stderr: out, Dir: b.dir, Program: deploy.Program})
	wall := time.Since(start)
	after, cpuAfter := usage(), machineCPU()
	peak, largest := b.sampler.phasePeak()

	tail := lastLines(t, logPath, 400)
	if code != cli.ExitOK {
		t.Fatalf("fleet %s: exit %d; the end of its output (all of it: %s):\n%s", strings.Join(args, " "), code, logPath, tail)
	}
	p := phase{wall: wall, wroteBytes: (after.oublock - before.oublock) * 512}
	p.rows, p.total = parseSummary(t, tail)
	ours := (after.cpu - before.cpu).Seconds()
	machine := (cpuAfter - cpuBefore).Seconds()
	var sum time.Duration
	for _, r := range p.rows {
		sum += r.duration
	}
	slowest := slices.Clone(p.rows)
	slices.SortFunc(slowest, func(a, c summaryLine) int { return int(c.duration - a.duration) })
	var top []string
	for _, r := range slowest[:min(len(slowest), 4)] {
		top = append(top, fmt.Sprintf("%s (%d tenants) %.1f s", r.name, r.tenants, r.duration.Seconds()))
	}
	t.Logf("%s: %.1f s wall, %d stacks, %.1f s summed over stacks (slowest: %s); changes %d/%d/%d/%d; backend wrote %.1f MB; peak RSS %d MB (largest process %d MB); CPU: ours %.0f s (CLIs and plugins %.0f s, this process, the programs, %.0f s), whole machine %.0f s (others %.0f s, %.2f cores on average); load %s -> %s",
		name, wall.Seconds(), len(p.rows), sum.Seconds(), strings.Join(top, ", "),
		p.total.Create, p.total.Update, p.total.Delete, p.total.Replace, float64(p.wroteBytes)/1e6,
		peak>>20, largest>>20, ours, (after.children - before.children).Seconds(), ours-(after.children-before.children).Seconds(), machine, max(machine-ours, 0), max(machine-ours, 0)/wall.Seconds(), loadBefore, loadavg())
	return p
}

// parseSummary reads the runner's summary table from the end of its
// output: a row per stack, then the total.
func parseSummary(t *testing.T, out string) ([]summaryLine, runnerChanges) {
	t.Helper()
	lines := strings.Split(out, "\n")
	head := -1
	for i, l := range lines {
		if strings.HasPrefix(l, "STACK ") {
			head = i
		}
	}
	if head < 0 {
		t.Fatalf("no summary table in the runner's output:\n%s", out)
	}
	var rows []summaryLine
	for _, l := range lines[head+1:] {
		f := strings.Fields(l)
		if strings.HasPrefix(l, "total, ") {
			return rows, parseChanges(t, f[len(f)-3])
		}
		if len(f) != 5 {
			t.Fatalf("summary row %q", l)
		}
		tenants, _ := strconv.Atoi(f[1])
		d, err := time.ParseDuration(f[3])
		if err != nil {
			t.Fatalf("summary row %q: %v", l, err)
		}
		rows = append(rows, summaryLine{name: f[0], tenants: tenants, changes: parseChanges(t, f[2]), duration: d, result: f[4]})
	}
	t.Fatalf("no total row in the runner's summary:\n%s", out)
	return nil, runnerChanges{}
}

func parseChanges(t *testing.T, cell string) runnerChanges {
	var c runnerChanges
	if _, err := fmt.Sscanf(cell, "%d/%d/%d/%d", &c.Create, &c.Update, &c.Delete, &c.Replace); err != nil {
		t.Fatalf("changes %q: %v", cell, err)
	}
	return c
}

// lastLines returns the last n lines of a file.
func lastLines(t *testing.T, path string, n int) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var ring []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		ring = append(ring, sc.Text())
		if len(ring) > 2*n {
			ring = slices.Clone(ring[len(ring)-n:])
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(ring[max(len(ring)-n, 0):], "\n")
}

// secs formats a duration in seconds: 0.1 s resolution under a minute.
func secs(d time.Duration) string {
	if d < time.Minute {
		return strconv.FormatFloat(d.Seconds(), 'f', 1, 64)
	}
	return strconv.Itoa(int(d.Round(time.Second).Seconds()))
}

// rusage is what getrusage says of this process and its reaped children.
type rusage struct {
	cpu      time.Duration // user and system, this process and its children
	children time.Duration // user and system, the children only
	oublock  int64         // children's blocks written (512 bytes)
}

func usage() rusage {
	var self, children syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &self)
	_ = syscall.Getrusage(syscall.RUSAGE_CHILDREN, &children)
	tv := func(v syscall.Timeval) time.Duration { return time.Duration(v.Nano()) }
	return rusage{
		cpu:      tv(self.Utime) + tv(self.Stime) + tv(children.Utime) + tv(children.Stime),
		children: tv(children.Utime) + tv(children.Stime),
		oublock:  children.Oublock,
	}
}

// machineCPU is the CPU time every core of the machine has spent busy,
// from /proc/stat.
func machineCPU() time.Duration {
	data, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0
	}
	line, _, _ := strings.Cut(string(data), "\n")
	f := strings.Fields(line) // cpu user nice system idle iowait irq softirq steal ...
	var busy int64
	for i, v := range f[1:] {
		if i == 3 || i == 4 { // idle, iowait
			continue
		}
		n, _ := strconv.ParseInt(v, 10, 64)
		busy += n
	}
	return time.Duration(busy) * time.Second / 100 // USER_HZ
}

// loadavg is the first three fields of /proc/loadavg.
func loadavg() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(data))
	return strings.Join(f[:min(len(f), 3)], " ")
}

// isTmpfs reports whether path is on a tmpfs.
func isTmpfs(path string) bool {
	var fs syscall.Statfs_t
	return syscall.Statfs(path, &fs) == nil && fs.Type == 0x01021994
}

// dirSize is the total size of the files under dir.
func dirSize(t *testing.T, dir string) int64 {
	var total int64
	err := filepath.WalkDir(dir, func(_ string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		total += info.Size()
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return total
}

// rssSampler samples the resident memory of this process and every
// process below it.
type rssSampler struct {
	mu                      sync.Mutex
	peakAll, largestAll     int64
	peakPhase, largestPhase int64
	done                    chan struct{}
	stopped                 sync.WaitGroup
}

func startRSSSampler(every time.Duration) *rssSampler {
	s := &rssSampler{done: make(chan struct{})}
	s.stopped.Go(func() {
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			select {
			case <-s.done:
				return
			case <-tick.C:
				total, largest := treeRSS(os.Getpid())
				s.mu.Lock()
				s.peakAll, s.largestAll = max(s.peakAll, total), max(s.largestAll, largest)
				s.peakPhase, s.largestPhase = max(s.peakPhase, total), max(s.largestPhase, largest)
				s.mu.Unlock()
			}
		}
	})
	return s
}

func (s *rssSampler) reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.peakPhase, s.largestPhase = 0, 0
}

func (s *rssSampler) phasePeak() (total, largest int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.peakPhase, s.largestPhase
}

func (s *rssSampler) peak() (total, largest int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.peakAll, s.largestAll
}

func (s *rssSampler) stop() {
	close(s.done)
	s.stopped.Wait()
}

var pageSize = int64(os.Getpagesize())

// treeRSS sums the resident memory of pid and its descendants (found
// through /proc/<pid>/task/<tid>/children) and returns the largest one.
func treeRSS(pid int) (total, largest int64) {
	queue := []int{pid}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		if statm, err := os.ReadFile(fmt.Sprintf("/proc/%d/statm", p)); err == nil {
			if f := strings.Fields(string(statm)); len(f) > 1 {
				pages, _ := strconv.ParseInt(f[1], 10, 64)
				total += pages * pageSize
				largest = max(largest, pages*pageSize)
			}
		}
		tasks, _ := os.ReadDir(fmt.Sprintf("/proc/%d/task", p))
		for _, task := range tasks {
			data, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%s/children", p, task.Name()))
			if err != nil {
				continue
			}
			for _, c := range strings.Fields(string(data)) {
				if child, err := strconv.Atoi(c); err == nil {
					queue = append(queue, child)
				}
			}
		}
	}
	return total, largest
}
