package block

import (
	"testing"
	"time"
)

// realBlocks returns the real curves in 8192-point blocks and their point
// count, skipping the benchmark when the data is absent.
func realBlocks(b *testing.B) ([]curve, int) {
	bs := blocks(loadCurves(b), realBlockSize)
	points := 0
	for _, c := range bs {
		points += len(c.steps)
	}
	return bs, points
}

// BenchmarkEncode encodes every real block once per iteration; bytes are
// the 16 raw bytes of each point.
func BenchmarkEncode(b *testing.B) {
	bs, points := realBlocks(b)
	b.SetBytes(int64(16 * points))
	b.ReportAllocs()
	var buf []byte
	cpu := cpuTime()
	for b.Loop() {
		for _, c := range bs {
			buf = Encode(buf[:0], c.steps, c.values)
		}
	}
	reportPoints(b, points, cpu)
}

func BenchmarkDecode(b *testing.B) {
	bs, points := realBlocks(b)
	encoded := make([][]byte, len(bs))
	for i, c := range bs {
		encoded[i] = Encode(nil, c.steps, c.values)
	}
	b.SetBytes(int64(16 * points))
	b.ReportAllocs()
	var steps []int64
	var values []float64
	cpu := cpuTime()
	for b.Loop() {
		for _, src := range encoded {
			var err error
			steps, values, err = Decode(src, steps[:0], values[:0])
			if err != nil {
				b.Fatal(err)
			}
		}
	}
	reportPoints(b, points, cpu)
}

func BenchmarkSummary(b *testing.B) {
	bs, points := realBlocks(b)
	b.SetBytes(int64(16 * points))
	b.ReportAllocs()
	var buf []byte
	cpu := cpuTime()
	for b.Loop() {
		for _, c := range bs {
			st, pyr := Summarize(c.steps, c.values)
			buf = AppendSummary(buf[:0], st, pyr)
		}
	}
	reportPoints(b, points, cpu)
}

func BenchmarkDecodeSummary(b *testing.B) {
	bs, points := realBlocks(b)
	encoded := make([][]byte, len(bs))
	for i, c := range bs {
		st, pyr := Summarize(c.steps, c.values)
		encoded[i] = AppendSummary(nil, st, pyr)
	}
	b.SetBytes(int64(16 * points))
	b.ReportAllocs()
	cpu := cpuTime()
	for b.Loop() {
		for _, src := range encoded {
			if _, _, err := DecodeSummary(src); err != nil {
				b.Fatal(err)
			}
		}
	}
	reportPoints(b, points, cpu)
}

// reportPoints reports wall-clock points per second and the process's CPU
// time per point since cpu, which a loaded machine disturbs less.
func reportPoints(b *testing.B, points int, cpu time.Duration) {
	total := float64(points) * float64(b.N)
	b.ReportMetric(total/b.Elapsed().Seconds(), "points/s")
	b.ReportMetric(float64(cpuTime()-cpu)/total, "cpu-ns/point")
}
