package main

import (
	"fmt"
	"math"
	"os"
	"slices"
	"time"

	"github.com/sextant-ml/sextant/bench/gen"
	"github.com/sextant-ml/sextant/bench/harness"
	"github.com/sextant-ml/sextant/bench/stores"
	"github.com/sextant-ml/sextant/bench/workload"
)

// Targets from the design.
const (
	targetEngineRate = 3e6
	targetHTTPRate   = 1.5e6
	targetBytes      = 1.5
)

// syntheticRuns generates runs of keys dense keys and rows rows each, as
// batches, before any clock starts.
func syntheticRuns(prefix string, runs, rows, keys, batch int) ([]string, [][]workload.Batch) {
	ids := make([]string, runs)
	batches := make([][]workload.Batch, runs)
	for i := range runs {
		ids[i] = fmt.Sprintf("%s-%03d", prefix, i)
		run := gen.Run(ids[i], uint64(i+1), keys, rows, 1)
		batches[i] = run.Batches(batch, workload.DefaultClock)
	}
	return ids, batches
}

// ingestPhase writes the same synthetic workload through every store.
func ingestPhase(c config, r *report) error {
	t := table{
		title: fmt.Sprintf("Ingest through the library API: %d writers, "+
			"batches of %d rows × %d keys", c.writers, c.batchRows, c.keys),
		header: []string{"store", "points", "points/s", "Sextant ×", "CPU ns/point", "close",
			"bytes/point"},
	}
	var sextant float64
	for _, open := range selected(c) {
		rows := c.ingestRows
		if open.Slow {
			rows = c.peerRows
		}
		ids, runs := syntheticRuns("ingest", c.ingestRuns, rows, c.keys, c.batchRows)
		progress("ingest: %s, %d points", open.Name, c.ingestRuns*rows*c.keys)
		res := harness.Ingest(open, c.workDir, ids, harness.Plan(runs, c.writers), false)
		if res.Err != nil {
			t.rows = append(t.rows, []string{open.Name, "-", "-", "-", "-", "-", "-"})
			t.notes = append(t.notes, fmt.Sprintf("%s: %v", open.Name, res.Err))
			continue
		}
		if open.Name == stores.SextantName {
			sextant = res.Rate()
			t.notes = append(t.notes, fmt.Sprintf("Target ≥ %s points/s through the engine: %s.",
				rate(targetEngineRate), met(sextant >= targetEngineRate)))
		}
		t.rows = append(t.rows, []string{res.Store, fmt.Sprint(res.Points), rate(res.Rate()),
			speedup(sextant, res.Rate()), nsPerPoint(res.CPU, res.Points),
			res.Close.Round(time.Millisecond).String(),
			fmt.Sprintf("%.2f", float64(res.Total)/float64(res.Points))})
	}
	t.notes = append(t.notes, "`Sextant ×`: Sextant's rate divided by the store's. "+
		"CPU ns/point: this process's user and system time while the batches went in "+
		"(the store's background work included, Close not), per point. "+
		"bytes/point: the whole directory after Close.")
	r.add(t)
	return nil
}

// sizePhase ingests the real curves into every store and measures them on
// disk after a clean Close. Sextant is measured twice: with rows that carry
// a client clock, as the peers get them, and with rows that carry none, as
// the real CSVs have none, so that the engine stamps each call itself.
func sizePhase(c config, r *report) error {
	dir := dataDir(c)
	runs, err := workload.LoadDir(dir)
	if err != nil {
		return fmt.Errorf("load real curves (set SEXTANT_DATA): %w", err)
	}
	ids := make([]string, len(runs))
	batches := make([][]workload.Batch, len(runs))
	points := 0
	for i, run := range runs {
		ids[i] = run.ID
		batches[i] = run.Batches(c.batchRows, workload.DefaultClock)
		points += run.Points()
	}
	t := table{
		title: fmt.Sprintf("Real training curves (%d runs, %d points): size on disk after Close",
			len(runs), points),
		header: []string{"store", "client clock", "bytes/point", "bytes/point du",
			"without logs", "whole dir ÷ Sextant's", "MB", "MB du", "points/s"},
	}
	var variants []sizeVariant
	for _, open := range selected(c) {
		variants = append(variants, sizeVariant{open, "jittered", batches})
		if open.Name == stores.SextantName {
			variants = append(variants, sizeVariant{open, "none", withoutClock(batches)})
		}
	}
	var sextant float64
	for _, v := range variants {
		progress("size: %s, client clock %s", v.open.Name, v.clock)
		res := harness.Ingest(v.open, c.workDir, ids, harness.Plan(v.batches, c.writers), true)
		label := v.open.Name + ", client clock " + v.clock
		if res.Dir != "" {
			if v.open.Name == stores.SextantName {
				explain(&t, label, res.Dir)
			}
			_ = os.RemoveAll(res.Dir) // measured; a leftover only takes space in /tmp
		}
		if res.Err != nil {
			t.rows = append(t.rows, []string{v.open.Name, v.clock, "-", "-", "-", "-", "-",
				"-", "-"})
			t.notes = append(t.notes, fmt.Sprintf("%s: %v", label, res.Err))
			continue
		}
		whole := float64(res.Total) / float64(res.Points)
		du := float64(res.AllocTotal) / float64(res.Points)
		if v.open.Name == stores.SextantName {
			if sextant == 0 {
				sextant = whole
			}
			t.notes = append(t.notes, fmt.Sprintf("%s: target ≤ %.1f bytes/point, whole "+
				"directory: %s by apparent size, %s by allocated size (du).", label,
				targetBytes, met(whole <= targetBytes), met(du <= targetBytes)))
		}
		t.rows = append(t.rows, []string{res.Store, v.clock, fmt.Sprintf("%.2f", whole),
			fmt.Sprintf("%.2f", du), fmt.Sprintf("%.2f", res.BytesPerPoint()),
			speedup(whole, sextant), fmt.Sprintf("%.2f", float64(res.Total)/1e6),
			fmt.Sprintf("%.2f", float64(res.AllocTotal)/1e6), rate(res.Rate())})
	}
	t.notes = append(t.notes, "bytes/point and MB: the whole directory after Close, every "+
		"file, by apparent size (the sum of file lengths). du: the same files and the "+
		"directories by allocated blocks, as `du` counts them (a sparse file counts its "+
		"written blocks only, a small file a whole 4 KiB block). Without logs: apparent "+
		"size less the write-ahead log that Sextant and Prometheus leave beside their "+
		"blocks after a clean Close (its points are in the blocks too). Ratios are to "+
		"Sextant's row with the jittered clock, which the peers get too.",
		"Client clock jittered: rows carry a wall clock (0.25 s a step, up to 5% either "+
			"way, whole microseconds); Sextant stores it as the _timestamp and _runtime "+
			"series of every row. Client clock none: rows carry no time, as the real CSVs "+
			"have none, and engine.Append stamps every row of a call with the server's "+
			"clock at that call, so the two series hold one time per call. Points count "+
			"metric points only.")
	r.add(t)
	return nil
}

// sizeVariant is one store fed one version of the real curves.
type sizeVariant struct {
	open    stores.Opener
	clock   string
	batches [][]workload.Batch
}

// withoutClock returns copies of batches whose rows carry no time (NaN).
func withoutClock(batches [][]workload.Batch) [][]workload.Batch {
	out := make([][]workload.Batch, len(batches))
	for i, run := range batches {
		out[i] = make([]workload.Batch, len(run))
		for j, b := range run {
			rows := slices.Clone(b.Rows)
			for k := range rows {
				rows[k].Time = math.NaN()
			}
			out[i][j] = workload.Batch{Run: b.Run, Rows: rows}
		}
	}
	return out
}

// speedup returns a/b as a ratio, or "-" when either is unknown.
func speedup(a, b float64) string {
	if a == 0 || b == 0 {
		return "-"
	}
	return ratio(a / b)
}

func selected(c config) []stores.Opener {
	all := stores.All()
	if !c.peers {
		return all[:1]
	}
	return all
}

func progress(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s "+format+"\n",
		append([]any{time.Now().Format("15:04:05")}, args...)...)
}

// explain notes where the bytes of a Sextant directory go.
func explain(t *table, label, dir string) {
	if b, err := stores.Files(dir); err == nil {
		t.notes = append(t.notes, label+", files: "+b+".")
	}
	if b, err := stores.Breakdown(dir); err == nil {
		t.notes = append(t.notes, label+", records by key prefix: "+b+".")
	}
}

// nsPerPoint formats CPU time per point in nanoseconds, or "-" when unknown.
func nsPerPoint(cpu time.Duration, points int) string {
	if cpu <= 0 || points <= 0 {
		return "-"
	}
	return fmt.Sprintf("%.0f", float64(cpu.Nanoseconds())/float64(points))
}
