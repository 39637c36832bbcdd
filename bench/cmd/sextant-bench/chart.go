package main

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/sextant-ml/sextant/engine"

	"github.com/sextant-ml/sextant/bench/gen"
	"github.com/sextant-ml/sextant/bench/harness"
	"github.com/sextant-ml/sextant/bench/stores"
	"github.com/sextant-ml/sextant/bench/workload"
)

// Chart latency targets.
const (
	targetWarmMedian = 20 * time.Millisecond
	targetWarmP99    = 50 * time.Millisecond
	targetCold       = 200 * time.Millisecond
)

// chartKey is the series every chart query draws.
const chartKey = "train/loss"

// chartPhase loads runs of one long loss curve each through the engine,
// then serves them from a child process and times M4 chart queries over
// all runs: warm, zoomed into random ranges, and first after a restart.
func chartPhase(c config, r *report) error {
	dir, err := os.MkdirTemp(c.workDir, "chart-")
	if err != nil {
		return err
	}
	defer func() { _ = os.RemoveAll(dir) }() // a temporary directory
	ids, load, db, err := loadChartRuns(c, filepath.Join(dir, "db"))
	if err != nil {
		return err
	}
	size, _ := stores.DirSize(filepath.Join(dir, "db"))
	// The loader stands for a server that took the points in: as `sextant
	// serve` does at a clean stop, it saves the block cache, which holds the
	// metric blocks as they were sealed, for the first start to load.
	saveStart := time.Now()
	saved, err := db.SaveCache(filepath.Join(dir, "cache", "blocks"))
	if err != nil {
		return fmt.Errorf("save the block cache after the load: %w", err)
	}
	saveTook := time.Since(saveStart)
	points := c.chartRuns * c.chartPoints
	r.add(table{
		title: fmt.Sprintf("Chart data: %d runs × %d points of %s, loaded through the engine",
			c.chartRuns, c.chartPoints, chartKey),
		header: []string{"points", "load", "points/s", "MB on disk", "bytes/point"},
		rows: [][]string{{fmt.Sprint(points), load.Round(time.Millisecond).String(),
			rate(float64(points) / load.Seconds()), fmt.Sprintf("%.0f", float64(size)/1e6),
			fmt.Sprintf("%.2f", float64(size)/float64(points))}},
		notes: []string{"One key per row: the engine also stores _timestamp and _runtime for " +
			"every row, so it writes three points per metric point here.",
			fmt.Sprintf("After closing the store, the loader saved its block cache (the "+
				"metric blocks put there as they were sealed) in %s: %.0f MB, not counted "+
				"on disk above.", saveTook.Round(time.Millisecond), float64(saved)/1e6)},
	})
	return chartQueries(c, r, dir, ids)
}

// loadChartRuns writes the chart runs through the engine API, generating
// each run just before it is written, and closes the store cleanly. It
// returns the closed store, whose block cache may still be saved.
func loadChartRuns(c config, dir string) ([]string, time.Duration, *engine.DB, error) {
	db, err := engine.Open(engine.Options{Dir: dir})
	if err != nil {
		return nil, 0, nil, err
	}
	p := engine.Project{Name: stores.Project, Owner: "admin", Visibility: "private",
		Created: time.Now()}
	if err := db.CreateProject(p); err != nil {
		return nil, 0, nil, errors.Join(err, db.Close())
	}
	ids := make([]string, c.chartRuns)
	for i := range ids {
		ids[i] = fmt.Sprintf("chart-%03d", i)
		if _, err := db.CreateRun(engine.Run{Project: stores.Project, ID: ids[i]}); err != nil {
			return nil, 0, nil, errors.Join(err, db.Close())
		}
	}
	progress("chart: loading %d runs × %d points", c.chartRuns, c.chartPoints)
	start := time.Now()
	err = forEachRun(c.writers, len(ids), func(i int) error {
		spec := gen.Spec{Key: chartKey, Shape: gen.Loss, Format: gen.Float32,
			NaNWarmup: 3, Seed: uint64(i + 1)}
		series := gen.Series(spec, c.chartPoints, 1)
		run := workload.Run{ID: ids[i], Series: []workload.Series{series}}
		for _, b := range run.Batches(10*c.batchRows, workload.DefaultClock) {
			if _, err := db.Append(stores.Project, b.Run, engineRows(b)); err != nil {
				return err
			}
		}
		return nil
	})
	elapsed := time.Since(start)
	return ids, elapsed, db, errors.Join(err, db.Close())
}

// forEachRun calls fn for 0..n-1 from workers goroutines.
func forEachRun(workers, n int, fn func(i int) error) error {
	next := make(chan int)
	errs := make(chan error, workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := range next {
				if err := fn(i); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	for i := range n {
		select {
		case next <- i:
		case err := <-errs:
			close(next)
			wg.Wait()
			return err
		}
	}
	close(next)
	wg.Wait()
	select {
	case err := <-errs:
		return err
	default:
		return nil
	}
}

func engineRows(b workload.Batch) []engine.Row {
	rows := make([]engine.Row, len(b.Rows))
	for i, row := range b.Rows {
		m := make([]engine.Metric, len(row.Keys))
		for j, k := range row.Keys {
			m[j] = engine.Metric{Key: k, Value: row.Values[j]}
		}
		rows[i] = engine.Row{Step: row.Step, Time: row.Time, Metrics: m}
	}
	return rows
}

// chartQueries serves dir and times the queries.
func chartQueries(c config, r *report, dir string, ids []string) error {
	t := table{
		title: fmt.Sprintf("Chart queries over HTTP: %d runs × %d points, width %d, M4",
			c.chartRuns, c.chartPoints, c.width),
		header: []string{"query", "n", "median", "p99", "max"},
	}
	full := harness.ChartQuery{Runs: ids, Keys: []string{chartKey}, X: "_step",
		Width: c.width, Mode: "m4"}

	rs, err := timeRestarts(c, dir, full)
	if err != nil {
		return err
	}
	srv, answer := rs.srv, rs.answer
	last := srv
	defer func() { last.Stop() }() //nolint:errcheck // the last server, stopped once measured
	client := srv.NewClient(1)

	warm, err := timeQueries(client, c.queries, c.budget,
		func(int) harness.ChartQuery { return full })
	if err != nil {
		return err
	}
	// The same range at another width each time: the answer cache misses,
	// the block cache hits.
	widths, err := timeQueries(client, c.queries, c.budget, func(i int) harness.ChartQuery {
		q := full
		q.Width = c.width - c.queries/2 + i
		return q
	})
	if err != nil {
		return err
	}
	// The same at widths no query asked as Arrow, so computed (answers are
	// cached per format): the answer without JSON's number formatting.
	var arrowBytes int
	arrow, err := timeArrow(client, c.queries, c.budget, func(i int) harness.ChartQuery {
		q := full
		q.Width = c.width + c.queries + i
		return q
	}, &arrowBytes)
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(42, 1))
	zoom, err := timeQueries(client, c.queries, c.budget, func(int) harness.ChartQuery {
		return zoomQuery(full, rng, c.chartPoints)
	})
	if err != nil {
		return err
	}
	mem, _ := srv.Mem(client, false)
	memGC, _ := srv.Mem(client, true)
	full2, err := timeFullCache(dir, srv)
	if err != nil {
		return err
	}
	last = full2.srv

	t.rows = append(t.rows,
		latencyRow("first after restart, same chart as before", rs.same),
		latencyRow("first after restart, chart not asked before", rs.fresh),
		latencyRow("first start after the load, chart not asked before", rs.first),
		latencyRow("full range, warm", warm),
		latencyRow("full range, new width each", widths),
		latencyRow("full range, new width each, Arrow", arrow),
		latencyRow("random zoom", zoom),
		latencyRow("server start (open, caches loaded)", rs.ready),
		latencyRow("server stop (drain, close, caches saved)", rs.stop),
		latencyRow("server stop after the queries (caches saved)", full2.stop),
		latencyRow("server start after them (caches loaded)", full2.ready))
	t.notes = append(t.notes,
		fmt.Sprintf("Targets: warm median ≤ %s and p99 ≤ %s: %s (repeated query), %s "+
			"(new width each, answer cache missed), %s (random zooms); first query after "+
			"a restart ≤ %s: %s for the chart asked before the restart, %s for a chart "+
			"not asked before, %s for one at the first start after the load.",
			ms(targetWarmMedian), ms(targetWarmP99), metWarm(warm), metWarm(widths),
			metWarm(zoom), ms(targetCold), met(rs.same.Quantile(1) <= targetCold),
			met(rs.fresh.Quantile(1) <= targetCold), met(rs.first.Quantile(1) <= targetCold)),
		fmt.Sprintf("Each start is a real restart (SIGTERM, then a new process), and asks one "+
			"chart: the full range at width %d, which every earlier run of the server asked, "+
			"or at a width asked never before (%d and up), in turn. The server saves its "+
			"block cache (decoded blocks and summaries) and its chart answer cache at a "+
			"clean stop and loads them at start: the same chart is the saved answer (%d of "+
			"%d were cache hits by /metrics), a new one is computed from the blocks the "+
			"loader sealed and the starts before decoded. The first start after the "+
			"load finds no saved answers and the block cache the loader saved.", c.width,
			freshWidth(c, 0), rs.sameHits, len(rs.same)),
		fmt.Sprintf("Saved after the queries: the block cache %.0f MB, the answer cache "+
			"%.0f MB.", float64(full2.savedBlocks)/1e6, float64(full2.saved)/1e6),
		fmt.Sprintf("Server memory after the queries: RSS %s (peak %s), Go heap in use %s, "+
			"%s after a GC.", mib(mem.RSS), mib(mem.PeakRSS), mib(mem.HeapInuse),
			mib(memGC.HeapInuse)),
		fmt.Sprintf("A full-range answer: %d series, %d points drawn, %.1f MB of JSON, "+
			"%.1f MB as Arrow.", len(answer.Series), drawn(answer),
			float64(answer.Bytes)/1e6, float64(arrowBytes)/1e6),
		"Latency is from sending the request to reading the last byte of the answer, on "+
			"one connection, one query at a time, up to the -queries flag or "+
			"the -query-budget of time; the client reads each answer into a buffer of "+
			"its Content-Length and collects its own garbage between queries, "+
			"outside the timing. Zooms span 0.1% to 50% of the steps, "+
			"at a random place.")
	if c.dropCaches {
		t.notes = append(t.notes, "The operating system's page cache was dropped before "+
			"each start.")
	} else {
		t.notes = append(t.notes, "The page cache was kept across restarts: the server "+
			"restarts, the files stay in the operating system's memory.")
	}
	r.add(t)
	return nil
}

// restarts are the timings of the first query after each start: first
// is the start right after the load, with no saved cache of either kind.
type restarts struct {
	same, fresh, first, ready, stop harness.Latencies
	// sameHits counts the same-chart queries served from the cache.
	sameHits int
	srv      *harness.Server // the last server, still running
	answer   harness.ChartAnswer
}

// freshWidth is the width of the i-th chart not asked before: above every
// width the other measurements ask.
func freshWidth(c config, i int) int { return c.width + c.queries + 1 + i }

// timeRestarts starts the server 1 + 2×c.restarts times over dir and
// times the first query after each start: at the first start and then
// every other one a chart not asked before, otherwise the full chart,
// which the earlier starts asked and saved in the answer cache at their
// stop.
func timeRestarts(c config, dir string, full harness.ChartQuery) (restarts, error) {
	var rs restarts
	for i := range 1 + 2*c.restarts {
		if rs.srv != nil {
			d, err := rs.srv.Stop()
			if err != nil {
				return rs, err
			}
			rs.stop = append(rs.stop, d)
		}
		if c.dropCaches {
			dropCaches()
		}
		srv, err := startServer(dir)
		if err != nil {
			return rs, err
		}
		rs.srv = srv
		rs.ready = append(rs.ready, srv.Ready)
		client := srv.NewClient(1)
		q, same := full, i%2 == 1
		if !same {
			q.Width = freshWidth(c, len(rs.first)+len(rs.fresh))
		}
		d, ans, err := client.Chart(stores.Project, q)
		if err == nil {
			err = checkFull(ans, c, q.Width)
		}
		if err != nil {
			return rs, stopAfter(srv, fmt.Errorf("first chart query after start %d: %w",
				i+1, err))
		}
		if !same {
			if i == 0 {
				rs.first = append(rs.first, d)
			} else {
				rs.fresh = append(rs.fresh, d)
			}
			// The full chart is asked at every start, after the timed query,
			// so that the next stop saves it.
			_, ans, err = client.Chart(stores.Project, full)
			if err != nil {
				return rs, stopAfter(srv, fmt.Errorf("chart query after start %d: %w", i+1, err))
			}
			rs.answer = ans
			continue
		}
		rs.same = append(rs.same, d)
		rs.answer = ans
		hits, err := client.ChartCacheHits()
		if err != nil {
			return rs, stopAfter(srv, err)
		}
		if hits == 1 {
			rs.sameHits++
		}
	}
	return rs, nil
}

// fullCache times the stop and the start after the measurements, when
// the caches hold the most they will.
type fullCache struct {
	stop, ready harness.Latencies
	saved       int64 // bytes of the saved answer cache
	savedBlocks int64 // bytes of the saved block cache
	srv         *harness.Server
}

// timeFullCache stops srv, which saves its caches, and starts the server
// again, which loads them.
func timeFullCache(dir string, srv *harness.Server) (fullCache, error) {
	var fc fullCache
	d, err := srv.Stop()
	if err != nil {
		return fc, err
	}
	fc.stop = harness.Latencies{d}
	fc.saved, _ = stores.DirSize(filepath.Join(dir, "cache", "answers"))
	if fi, err := os.Stat(filepath.Join(dir, "cache", "blocks")); err == nil {
		fc.savedBlocks = fi.Size()
	}
	if fc.srv, err = startServer(dir); err != nil {
		return fc, err
	}
	fc.ready = harness.Latencies{fc.srv.Ready}
	return fc, nil
}

// minQueries is how many queries a measurement makes even past its budget.
const minQueries = 5

// timeQueries sends n JSON queries, one at a time, or fewer once budget
// has passed (at least minQueries).
func timeQueries(c *harness.Client, n int, budget time.Duration,
	q func(i int) harness.ChartQuery) (harness.Latencies, error) {
	return timeLoop(n, budget, func(i int) (time.Duration, error) {
		d, _, err := c.Chart(stores.Project, q(i))
		return d, err
	})
}

// timeArrow is timeQueries for answers asked as Arrow; bytes is set to
// the size of the last answer.
func timeArrow(c *harness.Client, n int, budget time.Duration,
	q func(i int) harness.ChartQuery, bytes *int) (harness.Latencies, error) {
	return timeLoop(n, budget, func(i int) (time.Duration, error) {
		d, size, err := c.ChartArrow(stores.Project, q(i))
		*bytes = size
		return d, err
	})
}

// timeLoop times query(i) for i from 0 to n-1, stopping early once budget
// has passed and minQueries were made.
func timeLoop(n int, budget time.Duration,
	query func(i int) (time.Duration, error)) (harness.Latencies, error) {
	var out harness.Latencies
	start := time.Now()
	for i := range n {
		if i >= minQueries && time.Since(start) > budget {
			break
		}
		// The answers decoded so far are the client's garbage; collecting
		// it here keeps the client's collector out of the next timing.
		runtime.GC()
		d, err := query(i)
		if err != nil {
			return nil, fmt.Errorf("chart query %d: %w", i, err)
		}
		out = append(out, d)
	}
	return out, nil
}

// zoomQuery picks a random range of 0.1% to 50% of the steps.
func zoomQuery(full harness.ChartQuery, rng *rand.Rand, points int) harness.ChartQuery {
	span := float64(points) * (0.001 + 0.499*rng.Float64())
	lo := rng.Float64() * (float64(points) - span)
	hi := lo + span
	q := full
	q.XMin, q.XMax = &lo, &hi
	return q
}

// checkFull makes sure a full-range answer has every run and every finite
// point counted, so that a fast wrong answer is not timed.
func checkFull(ans harness.ChartAnswer, c config, width int) error {
	if len(ans.Series) != c.chartRuns {
		return fmt.Errorf("chart answer has %d series, want %d", len(ans.Series), c.chartRuns)
	}
	for _, s := range ans.Series {
		// The curve starts with 3 NaN points: whether count takes them in
		// is the server's to say, so both are right.
		if s.Count != c.chartPoints && s.Count != c.chartPoints-3 {
			return fmt.Errorf("chart answer for %s counts %d points, want %d",
				s.Run, s.Count, c.chartPoints)
		}
		if len(s.X) > 4*width {
			return fmt.Errorf("chart answer for %s has %d points, want ≤ %d",
				s.Run, len(s.X), 4*width)
		}
	}
	return nil
}

func metWarm(l harness.Latencies) string {
	return met(l.Quantile(0.5) <= targetWarmMedian && l.Quantile(0.99) <= targetWarmP99)
}

func latencyRow(name string, l harness.Latencies) []string {
	return []string{name, fmt.Sprint(len(l)), ms(l.Quantile(0.5)), ms(l.Quantile(0.99)),
		ms(l.Quantile(1))}
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/1e6) }

// dropCaches asks Linux to drop its page cache, so that a start reads its
// files from disk; it needs root and is skipped quietly otherwise.
func dropCaches() {
	_ = os.WriteFile("/proc/sys/vm/drop_caches", []byte("1\n"), 0o200)
}

// drawn counts the points of an answer.
func drawn(a harness.ChartAnswer) int {
	n := 0
	for _, s := range a.Series {
		n += len(s.X)
	}
	return n
}

// stopAfter stops srv after a step failed with err, and returns err joined
// with the stop's own error, if any.
func stopAfter(srv *harness.Server, err error) error {
	_, stopErr := srv.Stop()
	return errors.Join(err, stopErr)
}
