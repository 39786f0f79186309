package fleetrun

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// SummaryWidth is the width the summary table fits in.
const SummaryWidth = 80

// WriteSummary writes the table of a run: a row per stack (name,
// tenants, changes as created/updated/deleted/replaced, duration, result),
// a total row with the run's wall time, a legend, how many stacks did not
// run, then the first line of every failure's error. The table fits SummaryWidth columns: a name too
// long for it is shortened in the middle.
func WriteSummary(w io.Writer, op Op, results []Result, wall time.Duration) {
	header := []string{"STACK", "TENANTS", "C/U/D/R", "DURATION", "RESULT"}
	rows := [][]string{header}
	var total Changes
	tenants, failed, notRun := 0, 0, 0
	for _, r := range results {
		total = total.Add(r.Changes)
		tenants += max(r.Tenants, 0)
		switch {
		case errors.Is(r.Err, ErrNotStarted):
			notRun++
		case r.Err != nil:
			failed++
		}
		rows = append(rows, []string{printable(r.Name), tenantCell(r.Tenants), changesCell(r),
			formatDuration(r.Duration), resultCell(r)})
	}
	result := "ok"
	switch {
	case failed > 0:
		result = fmt.Sprintf("%d failed", failed)
	case notRun > 0:
		result = "not ok"
	}
	rows = append(rows, []string{fmt.Sprintf("total, %d stacks", len(results)), strconv.Itoa(tenants),
		formatChanges(total), formatDuration(wall), result})

	widths := make([]int, len(header))
	for _, row := range rows {
		for i, cell := range row {
			widths[i] = max(widths[i], len([]rune(cell)))
		}
	}
	// The name column takes what the others leave of the width.
	const gap = 2
	rest := 0
	for _, n := range widths[1 : len(widths)-1] {
		rest += n + gap
	}
	widths[0] = min(widths[0], max(SummaryWidth-rest-gap-widths[len(widths)-1], 12))

	for _, row := range rows {
		var b strings.Builder
		b.WriteString(pad(shorten(row[0], widths[0]), widths[0], false))
		for i := 1; i < len(row)-1; i++ {
			b.WriteString(strings.Repeat(" ", gap))
			b.WriteString(pad(row[i], widths[i], true))
		}
		b.WriteString(strings.Repeat(" ", gap))
		b.WriteString(row[len(row)-1])
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
	verb := "created/updated/deleted/replaced"
	if op == Preview {
		verb = "to create/update/delete/replace"
	}
	fmt.Fprintf(w, "C/U/D/R: resources %s\n", verb)
	if notRun > 0 {
		fmt.Fprintf(w, "not run: %d of %d stacks (%s)\n", notRun, len(results), ErrNotStarted)
	}
	for _, r := range results {
		if r.Err != nil && !errors.Is(r.Err, ErrNotStarted) {
			fmt.Fprintf(w, "%s: %s\n", printable(r.Name), firstLine(r.Err.Error()))
		}
	}
}

func tenantCell(n int) string {
	if n < 0 {
		return "?"
	}
	return strconv.Itoa(n)
}

func changesCell(r Result) string {
	if errors.Is(r.Err, ErrNotStarted) {
		return "-"
	}
	return formatChanges(r.Changes)
}

func formatChanges(c Changes) string {
	return fmt.Sprintf("%d/%d/%d/%d", c.Create, c.Update, c.Delete, c.Replace)
}

func resultCell(r Result) string {
	switch {
	case r.Err == nil:
		return "ok"
	case errors.Is(r.Err, ErrNotStarted):
		return "not run"
	default:
		return "failed"
	}
}

// pad pads s with spaces to width runes, on the left when right-aligned.
func pad(s string, width int, right bool) string {
	fill := strings.Repeat(" ", max(width-len([]rune(s)), 0))
	if right {
		return fill + s
	}
	return s + fill
}

// shorten keeps the start and the end of s, where shard names differ, and
// puts ".." in the middle, so s is at most width runes.
func shorten(s string, width int) string {
	r := []rune(s)
	if len(r) <= width {
		return s
	}
	tail := (width - 2) / 2
	return string(r[:width-2-tail]) + ".." + string(r[len(r)-tail:])
}

// formatDuration is a duration in at most 8 columns: 0.4s, 12.3s, 4m05s,
// 2h03m.
func formatDuration(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%.1fs", d.Seconds())
	case d < time.Hour:
		d = d.Round(time.Second)
		return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
	default:
		d = d.Round(time.Minute)
		return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
	}
}
