package query

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/sextant-ml/sextant/engine"
)

// TestChartOverEngine draws series stored by the real engine, sealed into
// blocks with their pyramids, and checks the answer against a brute-force
// M4 over the points the engine reads back.
func TestChartOverEngine(t *testing.T) {
	db, err := engine.Open(engine.Options{InMemory: true, HeadMaxPoints: 3000})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := db.Close(); err != nil {
			t.Error(err)
		}
	}()
	if err := db.CreateProject(engine.Project{Name: "p", Owner: "u",
		Visibility: "private"}); err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(5, 6))
	for _, id := range []string{"a", "b"} {
		if _, err := db.CreateRun(engine.Run{Project: "p", ID: id}); err != nil {
			t.Fatal(err)
		}
		p := randomSeries(r, 40_000)
		for lo := 0; lo < p.Len(); lo += 5000 {
			var rows []engine.Row
			for i := lo; i < min(lo+5000, p.Len()); i++ {
				rows = append(rows, engine.Row{Step: p.Steps[i], Time: float64(i),
					Metrics: []engine.Metric{{Key: "loss", Value: p.Values[i]}}})
			}
			if _, err := db.Append("p", id, rows); err != nil {
				t.Fatal(err)
			}
		}
	}
	sealed := 0
	err = db.Scan("p", "a", "loss", 0, math.MaxInt64, func(ch *engine.Chunk) error {
		if ch.Pyramid != nil {
			sealed++
		}
		return nil
	})
	if err != nil || sealed < 2 {
		t.Fatalf("Scan: %v; %d sealed chunks, want several", err, sealed)
	}
	e := NewEngine(db, Options{CacheBytes: -1})
	for _, width := range []int{1, 7, 300, 5000} {
		req := ChartRequest{Runs: []string{"a", "b"}, Keys: []string{"loss"}, Width: &width}
		res, err := e.Chart("p", req)
		if err != nil {
			t.Fatal(err)
		}
		g := newGrid(res.XMin, res.XMax, width)
		for _, s := range res.Series {
			pts, err := db.Read("p", s.Run, "loss", 0, math.MaxInt64)
			if err != nil {
				t.Fatal(err)
			}
			if float64(pts.Steps[0]) < res.XMin || float64(pts.Steps[pts.Len()-1]) > res.XMax {
				t.Errorf("width %d: range [%g, %g] misses run %s's steps %d..%d", width,
					res.XMin, res.XMax, s.Run, pts.Steps[0], pts.Steps[pts.Len()-1])
			}
			want := bruteM4(asPoints(pts), g)
			if got := seriesPoints(s); !samePoints(got, want) {
				t.Errorf("width %d run %s: %d points, want %d", width, s.Run, len(got), len(want))
			}
			if s.Count+s.NonFinite != pts.Len() {
				t.Errorf("width %d run %s: count %d + non-finite %d, want %d points",
					width, s.Run, s.Count, s.NonFinite, pts.Len())
			}
		}
	}
}

// BenchmarkChartEngine draws 4 runs of 1M points stored by the real engine
// at width 1000, uncached, so that block reads and decoding are measured.
func BenchmarkChartEngine(b *testing.B) {
	db, ids := engineRuns(b, "", 4, 1<<20)
	e := NewEngine(db, Options{CacheBytes: -1})
	req := ChartRequest{Runs: ids, Keys: []string{"loss"}, Width: ptr(1000)}
	var buf []byte
	var err error
	b.ReportAllocs()
	cpu := cpuTime()
	for b.Loop() {
		if buf, err = e.ChartJSON(buf[:0], "p", req); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu)
}

// BenchmarkChartWarm draws 24 runs of 1M points, more than the processor's
// caches hold, from a warm block cache: the full range at a new width each
// time, and random zooms of 0.1% to 50% of the steps, as the HTTP bench
// asks them. The answer is not encoded, so the figures are the drawing's.
// The block cache holds the blocks as the chart decoded them (decoded), or
// as a restart maps them from the file the store saved at its last stop
// (mapped).
func BenchmarkChartWarm(b *testing.B) {
	const n = 1 << 20
	dir, file := b.TempDir(), filepath.Join(b.TempDir(), "blocks")
	db, ids := engineRuns(b, dir, 24, n)
	full := ChartRequest{Runs: ids, Keys: []string{"loss"}, Width: ptr(1000)}
	// Two charts decode every block and build its Cuts, which the store
	// then saves with the blocks.
	for range 2 {
		if _, err := NewEngine(db, Options{CacheBytes: -1}).Chart("p", full); err != nil {
			b.Fatal(err)
		}
	}
	if err := db.Close(); err != nil {
		b.Fatal(err)
	}
	if _, err := db.SaveCache(file); err != nil {
		b.Fatal(err)
	}
	for _, mapped := range []bool{false, true} {
		name := map[bool]string{false: "decoded", true: "mapped"}[mapped]
		b.Run(name, func(b *testing.B) {
			db, err := engine.Open(engine.Options{Dir: dir})
			if err != nil {
				b.Fatal(err)
			}
			if mapped {
				if _, err := db.LoadCache(file); err != nil {
					b.Fatal(err)
				}
			}
			e := NewEngine(db, Options{CacheBytes: -1})
			if _, err := e.Chart("p", full); err != nil {
				b.Fatal(err)
			}
			benchWarm(b, e, ids, n)
			if err := db.Close(); err != nil {
				b.Fatal(err)
			}
		})
	}
}

// benchWarm times charts of ids over e at a new width each time and at
// random zooms; each run has n points.
func benchWarm(b *testing.B, e *Engine, ids []string, n float64) {
	b.Run("new-width", func(b *testing.B) {
		width := 900
		cpu := cpuTime()
		for b.Loop() {
			width++
			req := ChartRequest{Runs: ids, Keys: []string{"loss"}, Width: ptr(width)}
			if _, err := e.Chart("p", req); err != nil {
				b.Fatal(err)
			}
		}
		reportCPU(b, cpu)
	})
	b.Run("zoom", func(b *testing.B) {
		r := rand.New(rand.NewPCG(42, 1))
		cpu := cpuTime()
		for b.Loop() {
			span := n * (0.001 + 0.499*r.Float64())
			lo := r.Float64() * (n - span)
			req := ChartRequest{Runs: ids, Keys: []string{"loss"}, Width: ptr(1000),
				XMin: ptr(lo), XMax: ptr(lo + span)}
			if _, err := e.Chart("p", req); err != nil {
				b.Fatal(err)
			}
		}
		reportCPU(b, cpu)
	})
}

// engineRuns stores runs of n points of curve in an engine in dir (in
// memory when dir is "") and returns it and the runs' ids; the engine is
// closed when b ends unless the caller closed it.
func engineRuns(b *testing.B, dir string, runs, n int) (*engine.DB, []string) {
	db, err := engine.Open(engine.Options{Dir: dir, InMemory: dir == ""})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		if err := db.Close(); err != nil && !errors.Is(err, engine.ErrClosed) {
			b.Error(err)
		}
	})
	if err := db.CreateProject(engine.Project{Name: "p", Owner: "u"}); err != nil {
		b.Fatal(err)
	}
	var ids []string
	for i := range runs {
		id := fmt.Sprintf("r%03d", i)
		ids = append(ids, id)
		if _, err := db.CreateRun(engine.Run{Project: "p", ID: id}); err != nil {
			b.Fatal(err)
		}
		p := curve(n, i)
		rows := make([]engine.Row, 0, 50_000)
		for j := range p.Len() {
			rows = append(rows, engine.Row{Step: p.Steps[j], Time: float64(j),
				Metrics: []engine.Metric{{Key: "loss", Value: p.Values[j]}}})
			if len(rows) == cap(rows) || j == p.Len()-1 {
				if _, err := db.Append("p", id, rows); err != nil {
					b.Fatal(err)
				}
				rows = rows[:0]
			}
		}
	}
	return db, ids
}
