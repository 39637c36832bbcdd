package query

import (
	"math"
	"math/rand/v2"
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
	db, err := engine.Open(engine.Options{InMemory: true})
	if err != nil {
		b.Fatal(err)
	}
	defer func() {
		if err := db.Close(); err != nil {
			b.Error(err)
		}
	}()
	if err := db.CreateProject(engine.Project{Name: "p", Owner: "u"}); err != nil {
		b.Fatal(err)
	}
	var ids []string
	for i := range 4 {
		id := string(rune('a' + i))
		ids = append(ids, id)
		if _, err := db.CreateRun(engine.Run{Project: "p", ID: id}); err != nil {
			b.Fatal(err)
		}
		p := curve(1<<20, i)
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
	e := NewEngine(db, Options{CacheBytes: -1})
	req := ChartRequest{Runs: ids, Keys: []string{"loss"}, Width: ptr(1000)}
	var buf []byte
	b.ReportAllocs()
	cpu := cpuTime()
	for b.Loop() {
		if buf, err = e.ChartJSON(buf[:0], "p", req); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu)
}
