package block

import (
	"fmt"
	"math"
	"math/rand/v2"
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
	benchDecode(b, bs, points)
}

// benchDecode decodes every block of bs once per iteration into reused
// slices.
func benchDecode(b *testing.B, bs []curve, points int) {
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
	benchDecodeSummary(b, bs, points)
}

// BenchmarkDecodeSummaryFloat32 decodes the summaries of float32 loss
// curves (float32Blocks).
func BenchmarkDecodeSummaryFloat32(b *testing.B) {
	bs, points := float32Blocks()
	benchDecodeSummary(b, bs, points)
}

func benchDecodeSummary(b *testing.B, bs []curve, points int) {
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

// float32Blocks returns float32 loss curves widened to float64, as the
// chart benchmark writes them (bench/gen: Loss shape, Float32 format, 3 NaN
// warm-up points): 8 series of 131072 evenly spaced steps in 8192-point
// blocks. They go through the float mode with a shift of 29 and a bitmap.
func float32Blocks() ([]curve, int) {
	const series, n = 8, 131072
	var curves []curve
	for s := range series {
		rng := rand.New(rand.NewPCG(uint64(s)+1, 1))
		start, floor := 8+4*rng.Float64(), 1.8+1.2*rng.Float64()
		rate, noise := 6+8*rng.Float64(), 0.01+0.03*rng.Float64()
		c := curve{name: fmt.Sprintf("float32-loss-%d", s)}
		for i := range n {
			v := floor + (start-floor)*math.Exp(-rate*float64(i)/n)
			v *= 1 + noise*rng.NormFloat64()
			if i < 3 {
				v = math.NaN()
			}
			c.steps = append(c.steps, int64(i))
			c.values = append(c.values, float64(float32(v)))
		}
		curves = append(curves, c)
	}
	return blocks(curves, realBlockSize), series * n
}

// BenchmarkDecodeFloat32 decodes float32 loss curves (float32Blocks).
func BenchmarkDecodeFloat32(b *testing.B) {
	bs, points := float32Blocks()
	benchDecode(b, bs, points)
}

// BenchmarkDecodeBucket decodes with DecodeRange one pyramid bucket, the
// one that holds the block's middle point, of every block: what a chart
// needs where a pixel column's edge cuts a bucket. Points per second count
// the blocks' points, as for BenchmarkDecode, so the two compare.
func BenchmarkDecodeBucket(b *testing.B) {
	bs, points := realBlocks(b)
	benchDecodeBucket(b, bs, points)
}

// BenchmarkDecodeBucketFloat32 is BenchmarkDecodeBucket on float32Blocks.
func BenchmarkDecodeBucketFloat32(b *testing.B) {
	bs, points := float32Blocks()
	benchDecodeBucket(b, bs, points)
}

func benchDecodeBucket(b *testing.B, bs []curve, points int) {
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
		for i, src := range encoded {
			lo := len(bs[i].steps) / 2 / PyramidSpan * PyramidSpan
			var err error
			steps, values, err = DecodeRange(src, lo, lo+PyramidSpan, steps[:0], values[:0])
			if err != nil {
				b.Fatal(err)
			}
		}
	}
	reportPoints(b, points, cpu)
}
