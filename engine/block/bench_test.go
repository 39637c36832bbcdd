package block

import "testing"

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
	for b.Loop() {
		for _, c := range bs {
			buf = Encode(buf[:0], c.steps, c.values)
		}
	}
	b.ReportMetric(float64(points)*float64(b.N)/b.Elapsed().Seconds(), "points/s")
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
	for b.Loop() {
		for _, src := range encoded {
			var err error
			steps, values, err = Decode(src, steps[:0], values[:0])
			if err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(points)*float64(b.N)/b.Elapsed().Seconds(), "points/s")
}

func BenchmarkSummary(b *testing.B) {
	bs, points := realBlocks(b)
	b.SetBytes(int64(16 * points))
	b.ReportAllocs()
	var buf []byte
	for b.Loop() {
		for _, c := range bs {
			st, pyr := Summarize(c.steps, c.values)
			buf = AppendSummary(buf[:0], st, pyr)
		}
	}
	b.ReportMetric(float64(points)*float64(b.N)/b.Elapsed().Seconds(), "points/s")
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
	for b.Loop() {
		for _, src := range encoded {
			if _, _, err := DecodeSummary(src); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(points)*float64(b.N)/b.Elapsed().Seconds(), "points/s")
}
