package main

import (
	"fmt"
	"os"
	"strings"
	"text/tabwriter"
	"time"
)

// report collects the tables of every phase, printing each as it is done
// and writing them all as Markdown at the end.
type report struct {
	md strings.Builder
}

// table is one result table: a title, a header and rows, and notes below.
type table struct {
	title  string
	header []string
	rows   [][]string
	notes  []string
}

func (r *report) header(c config) {
	fmt.Fprintf(&r.md, "Machine: %s. Started %s, load average %s.\n\nFlags: `%s`\n\n",
		machine(), time.Now().UTC().Format("2006-01-02 15:04 MST"), loadAvg(),
		strings.Join(os.Args[1:], " "))
	fmt.Printf("sextant-bench on %s\n\n", machine())
}

func (r *report) add(t table) {
	t.notes = append(t.notes, "Load average at the end of the phase: "+loadAvg()+".")
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Println(t.title)
	// Writes to the terminal: a failure there has nowhere better to go.
	_, _ = fmt.Fprintln(tw, strings.Join(t.header, "\t")+"\t")
	for _, row := range t.rows {
		_, _ = fmt.Fprintln(tw, strings.Join(row, "\t")+"\t")
	}
	_ = tw.Flush()
	for _, n := range t.notes {
		fmt.Println("  " + n)
	}
	fmt.Println()

	fmt.Fprintf(&r.md, "### %s\n\n| %s |\n| :--- |%s\n", t.title,
		strings.Join(t.header, " | "), strings.Repeat(" ---: |", len(t.header)-1))
	for _, row := range t.rows {
		fmt.Fprintf(&r.md, "| %s |\n", strings.Join(row, " | "))
	}
	r.md.WriteString("\n")
	for _, n := range t.notes {
		fmt.Fprintf(&r.md, "%s\n", n)
	}
	if len(t.notes) > 0 {
		r.md.WriteString("\n")
	}
}

func (r *report) write(path string) error {
	if path == "" {
		return nil
	}
	if err := os.WriteFile(path, []byte(r.md.String()), 0o644); err != nil {
		return fmt.Errorf("write results: %w", err)
	}
	fmt.Printf("results written to %s\n", path)
	return nil
}

// Number formats.

func rate(v float64) string {
	switch {
	case v >= 1e6:
		return fmt.Sprintf("%.2fM", v/1e6)
	case v >= 1e3:
		return fmt.Sprintf("%.0fk", v/1e3)
	}
	return fmt.Sprintf("%.0f", v)
}

func ratio(v float64) string { return fmt.Sprintf("%.1f×", v) }

func met(ok bool) string {
	if ok {
		return "met"
	}
	return "MISSED"
}

// loadAvg returns the machine's 1, 5 and 15 minute load averages.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], ", ")
}
