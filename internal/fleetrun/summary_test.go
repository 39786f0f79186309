package fleetrun

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestSummaryTable(t *testing.T) {
	results := []Result{
		{Stack: Stack{Name: "prod-eu-central-1-1", Tenants: 50}, Changes: Changes{Create: 3, Replace: 1}, Duration: 62 * time.Second},
		{Stack: Stack{Name: "prod-ap-southeast-2-123456789012-12", Tenants: 7}, Changes: Changes{Update: 120}, Duration: 2*time.Hour + 3*time.Minute},
		{Stack: Stack{Name: "prod-us-east-1-1", Tenants: 40}, Duration: 1500 * time.Millisecond,
			Err: errors.New("failed to run update: exit status 255\ncode: 255\nstderr: error: boom")},
		{Stack: Stack{Name: "prod-us-west-2-1", Tenants: 12}, Err: ErrNotStarted},
		{Stack: Stack{Name: "dev", Tenants: -1}, Changes: Changes{Delete: 2}, Duration: 400 * time.Millisecond},
	}
	var out bytes.Buffer
	WriteSummary(&out, Up, results, 2*time.Hour+4*time.Minute)
	want := `STACK                                TENANTS    C/U/D/R  DURATION  RESULT
prod-eu-central-1-1                       50    3/0/0/1     1m02s  ok
prod-ap-southeast-2-123456789012-12        7  0/120/0/0     2h03m  ok
prod-us-east-1-1                          40    0/0/0/0      1.5s  failed
prod-us-west-2-1                          12          -      0.0s  not run
dev                                        ?    0/0/2/0      0.4s  ok
total, 5 stacks                          109  3/120/2/1     2h04m  1 failed
C/U/D/R: resources created/updated/deleted/replaced
not run: 1 of 5 stacks (not started: the run was interrupted)
prod-us-east-1-1: failed to run update: exit status 255
`
	if out.String() != want {
		t.Errorf("summary:\n%s\nwant:\n%s", out.String(), want)
	}
	checkWidth(t, out.String())
}

// checkWidth checks that every line of the table (up to the legend) fits
// SummaryWidth.
func checkWidth(t *testing.T, table string) {
	t.Helper()
	for l := range strings.Lines(table) {
		if n := len([]rune(strings.TrimSuffix(l, "\n"))); n > SummaryWidth {
			t.Errorf("line of %d columns: %q", n, l)
		}
		if strings.HasPrefix(l, "C/U/D/R:") {
			return
		}
	}
}

func TestSummaryFitsEightyColumnsWithLongNames(t *testing.T) {
	long := "prod-ap-southeast-2-123456789012-" + strings.Repeat("x", 60) + "-999"
	results := []Result{
		{Stack: Stack{Name: long, Tenants: 99999}, Changes: Changes{Create: 9999, Update: 9999, Delete: 9999, Replace: 9999},
			Duration: 99 * time.Hour, Err: errors.New("x")},
		{Stack: Stack{Name: "prod-us-east-1-1", Tenants: 3}},
	}
	for _, op := range []Op{Preview, Up} {
		var out bytes.Buffer
		WriteSummary(&out, op, results, time.Minute)
		checkWidth(t, out.String())
		if !strings.Contains(out.String(), "prod-ap-sou") || !strings.Contains(out.String(), "..") || !strings.Contains(out.String(), "x-999 ") {
			t.Errorf("a long name keeps its start and end:\n%s", out.String())
		}
	}
}

func TestSummaryLegendNamesThePreviewsChanges(t *testing.T) {
	var out bytes.Buffer
	WriteSummary(&out, Preview, []Result{{Stack: Stack{Name: "prod-eu-west-1-1"}}}, time.Second)
	if !strings.Contains(out.String(), "C/U/D/R: resources to create/update/delete/replace\n") {
		t.Errorf("preview legend missing:\n%s", out.String())
	}
}

func TestMatricesBatchAt256(t *testing.T) {
	names := make([]string, 600)
	for i := range names {
		names[i] = fmt.Sprintf("prod-eu-central-1-%d", i+1)
	}
	ms, err := Matrices(names, MaxMatrixJobs)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 3 || len(ms[0].Include) != 256 || len(ms[1].Include) != 256 || len(ms[2].Include) != 88 {
		t.Fatalf("600 stacks in batches of %d", sizes(ms))
	}
	if ms[2].Include[87].Shard != "prod-eu-central-1-600" {
		t.Errorf("last entry %q", ms[2].Include[87].Shard)
	}
	var out bytes.Buffer
	if err := WriteMatrices(&out, ms); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d lines, want one per batch", len(lines))
	}
	if !strings.HasPrefix(lines[0], `{"include":[{"shard":"prod-eu-central-1-1"},{"shard":"prod-eu-central-1-2"},`) {
		t.Errorf("matrix line: %.100s", lines[0])
	}
	var m Matrix
	if err := json.Unmarshal([]byte(lines[2]), &m); err != nil || len(m.Include) != 88 {
		t.Errorf("the last line does not parse back: %v", err)
	}
}

func TestMatricesSmallBatchesAndNone(t *testing.T) {
	ms, err := Matrices([]string{"a", "b", "c"}, 2)
	if err != nil || len(ms) != 2 || len(ms[1].Include) != 1 {
		t.Errorf("3 stacks in batches of 2: %v, %v", sizes(ms), err)
	}
	if ms, err := Matrices(nil, 256); err != nil || len(ms) != 0 {
		t.Errorf("no stacks: %d matrices, %v; want none", len(ms), err)
	}
	for _, batch := range []int{0, -1, 257} {
		if _, err := Matrices([]string{"a"}, batch); err == nil {
			t.Errorf("batch %d accepted", batch)
		}
	}
}

func sizes(ms []Matrix) []int {
	var out []int
	for _, m := range ms {
		out = append(out, len(m.Include))
	}
	return out
}

func TestFormatDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		400 * time.Millisecond:          "0.4s",
		12340 * time.Millisecond:        "12.3s",
		4*time.Minute + 5*time.Second:   "4m05s",
		2*time.Hour + 3*time.Minute:     "2h03m",
		99*time.Hour + 59*time.Minute:   "99h59m",
		59*time.Minute + 59*time.Second: "59m59s",
	} {
		if got := formatDuration(d); got != want {
			t.Errorf("formatDuration(%v) = %q, want %q", d, got, want)
		}
	}
}
