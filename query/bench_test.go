package query

import (
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/sextant-ml/sextant/engine"
)

// curve is a training-like curve: a decaying loss with noise and spikes.
func curve(n int, seed int) engine.Points {
	p := engine.Points{Steps: make([]int64, n), Values: make([]float64, n)}
	x := uint64(seed)*2654435761 + 1
	for i := range n {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		noise := float64(x%1000)/1000 - 0.5
		p.Steps[i] = int64(i)
		p.Values[i] = 3*math.Exp(-float64(i)/2e5) + 0.05*noise
	}
	return p
}

// BenchmarkM4Million compares drawing a 1M-point series at width 1000 from
// chunk summaries (the default path) with decoding every point.
func BenchmarkM4Million(b *testing.B) {
	const n = 1 << 20
	src := newMemSource(8192)
	src.add("a", "loss", curve(n, 1))
	chunks := []*engine.Chunk{}
	_ = src.Scan("p", "a", "loss", 0, math.MaxInt64, func(ch *engine.Chunk) error {
		chunks = append(chunks, ch)
		return nil
	})
	g := newGrid(0, n-1, 1000)
	b.Run("summaries", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(n * 16)
		rec := &recorder{}
		cpu := cpuTime()
		for b.Loop() {
			rec.pts = rec.pts[:0]
			d := newStepDrawer(g, nil, rec)
			for _, ch := range chunks {
				if err := d.chunk(ch); err != nil {
					b.Fatal(err)
				}
			}
			d.finish()
		}
		reportCPU(b, cpu)
	})
	b.Run("points", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(n * 16)
		rec := &recorder{}
		cpu := cpuTime()
		for b.Loop() {
			rec.pts = rec.pts[:0]
			d := newStepDrawer(g, nil, rec)
			for _, ch := range chunks {
				s, _ := ch.Span(0, ch.Stats.Count)
				d.points(s, ch.Stats.NonFinite == 0)
			}
			d.finish()
		}
		reportCPU(b, cpu)
	})
}

// BenchmarkChart10Runs is the chart query of 10 runs of 1M points at
// width 1000, JSON included, uncached and cached (the HTTP target has 100
// such runs; ten keep the benchmark's memory small).
func BenchmarkChart10Runs(b *testing.B) {
	src := newMemSource(8192)
	var ids []string
	for i := range 10 {
		id := fmt.Sprintf("r%03d", i)
		src.add(id, "loss", curve(1<<20, i))
		ids = append(ids, id)
	}
	req := ChartRequest{Runs: ids, Keys: []string{"loss"}, Width: ptr(1000)}
	for _, cached := range []bool{false, true} {
		b.Run(fmt.Sprintf("cached=%v", cached), func(b *testing.B) {
			opts := Options{Workers: 2, CacheBytes: -1}
			if cached {
				opts.CacheBytes = 0
			}
			e := NewEngine(src, opts)
			var buf []byte
			b.ReportAllocs()
			cpu := cpuTime()
			for b.Loop() {
				var err error
				if buf, err = e.ChartJSON(buf[:0], "p", req); err != nil {
					b.Fatal(err)
				}
			}
			reportCPU(b, cpu)
			hits, misses := e.CacheStats()
			b.ReportMetric(float64(hits)/float64(hits+misses), "hits/op")
		})
	}
}

// reportCPU reports the process's CPU time per op since cpu, which a loaded
// machine disturbs less than wall time.
func reportCPU(b *testing.B, cpu time.Duration) {
	b.ReportMetric(float64(cpuTime()-cpu)/float64(b.N)/1e6, "cpu-ms/op")
}

// BenchmarkSeriesJSON writes 100 series of 4,000 points as JSON, the
// answer of a chart of 100 runs at width 1000 after they are drawn.
func BenchmarkSeriesJSON(b *testing.B) {
	series := make([]Series, 100)
	for i := range series {
		p := curve(4000, i)
		series[i] = Series{Run: fmt.Sprintf("r%03d", i), Key: "loss", Count: p.Len(),
			X: make([]float64, p.Len()), Y: p.Values}
		for j, s := range p.Steps {
			series[i].X[j] = float64(s * 250)
		}
	}
	res := &ChartResult{X: "_step", Mode: ModeM4, Series: series}
	var buf []byte
	cpu := cpuTime()
	for b.Loop() {
		buf = res.AppendJSON(buf[:0])
	}
	b.SetBytes(int64(len(buf)))
	reportCPU(b, cpu)
}
