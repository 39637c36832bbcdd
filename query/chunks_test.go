package query

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/sextant-ml/sextant/engine"
	"github.com/sextant-ml/sextant/engine/block"
)

// TestColumnEnds checks columnEnds against grid.col step by step, on random
// grids and on steps too large for a float64 to tell apart.
func TestColumnEnds(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	type tc struct {
		xMin, xMax float64
		width      int
	}
	tests := []tc{
		{0, 0, 10},
		{0, 9, 10},
		{0, 1e6, 1000},
		{0.5, 7.5, 3},
		{-5, 5, 4},
		{1 << 60, 1<<60 + 5000, 700},
		{0, math.MaxInt64, 1000},
	}
	for range 200 {
		lo := math.Floor(r.Float64() * 1e4)
		tests = append(tests, tc{lo, lo + math.Floor(r.Float64()*3000), 1 + r.IntN(400)})
	}
	for _, tt := range tests {
		g := newGrid(tt.xMin, tt.xMax, tt.width)
		lo, hi, ok := stepRange(g)
		if !ok {
			continue
		}
		ends := columnEnds(g, lo, hi)
		if len(ends) != tt.width || ends[tt.width-1] != hi {
			t.Fatalf("%+v: %d ends, last %d; want %d ending at %d",
				tt, len(ends), ends[len(ends)-1], tt.width, hi)
		}
		// Every step checked when the range is small, else a sample around
		// each end.
		check := func(s int64) {
			c := 0
			for c < tt.width-1 && s > ends[c] {
				c++
			}
			if want := g.col(float64(s)); c != want {
				t.Fatalf("%+v: step %d falls in column %d by the ends, %d by grid.col",
					tt, s, c, want)
			}
		}
		if hi-lo <= 20000 {
			for s := lo; s <= hi; s++ {
				check(s)
			}
			continue
		}
		for _, e := range ends {
			for d := int64(-2); d <= 2; d++ {
				if s := e + d; s >= lo && s <= hi && s-d == e {
					check(s)
				}
			}
		}
	}
}

// TestStepDrawerSplits draws all-finite series with many equal values over
// columns wider than a bucket, where most buckets cut by a column edge are
// drawn from their summary and one side's points (stepDrawer.split), and
// checks the answer against the definition.
func TestStepDrawerSplits(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for trial := range 300 {
		n := 500 + r.IntN(5000)
		pts := engine.Points{}
		step := int64(r.IntN(10))
		for range n {
			pts.Steps = append(pts.Steps, step)
			pts.Values = append(pts.Values, float64(r.IntN(1+r.IntN(20))))
			if r.IntN(3) == 0 {
				step += 1 + int64(r.IntN(3))
			} else {
				step++
			}
		}
		last := float64(pts.Steps[n-1])
		xMin := math.Floor(r.Float64() * last * 0.3)
		xMax := xMin + math.Floor((last-xMin)*(0.5+r.Float64()*0.6))
		g := newGrid(xMin, xMax, 1+r.IntN(60))
		rec := &recorder{}
		d := newStepDrawer(g, nil, rec)
		for _, ch := range splitChunks(r, pts) {
			if err := d.chunk(ch); err != nil {
				t.Fatal(err)
			}
		}
		d.finish()
		if want := bruteM4(asPoints(pts), g); !samePoints(rec.pts, want) {
			t.Fatalf("trial %d: %d points, range [%g, %g], width %d:\n got %v\nwant %v",
				trial, n, xMin, xMax, g.width, rec.pts, want)
		}
	}
}

// TestStepDrawerEveryCut cuts the buckets of long series at every position
// 1..63 (columns exactly a bucket wide, the first edge at the position),
// and at random positions (columns of random widths, narrower and wider
// than a bucket), over values with ties, plateaus and buckets holding NaN
// or infinities, on evenly and unevenly spaced steps, and checks the answer
// and the counts against the definition.
func TestStepDrawerEveryCut(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	kinds := []string{"ties", "plateaus", "normal", "non-finite"}
	for _, kind := range kinds {
		for _, uneven := range []bool{false, true} {
			pts := cutSeries(r, 2*8192+100, kind, uneven)
			// The first drawing over these chunks scans the buckets it
			// splits (a block's Cuts are built the second time they are
			// asked for), the later ones look them up: both are checked.
			chunks := blockChunks(pts, 8192)
			for p := 1; p < block.PyramidSpan; p++ {
				// Columns of 64 steps whose edges fall p steps into each
				// bucket of an evenly spaced series.
				xMin := float64(pts.Steps[0] + int64(p) - block.PyramidSpan)
				width := int(pts.Steps[pts.Len()-1]-pts.Steps[0])/block.PyramidSpan + 2
				g := newGrid(xMin, xMin+float64(width*block.PyramidSpan), width)
				checkDrawer(t, fmt.Sprintf("%s uneven=%v cut %d", kind, uneven, p), g, pts, chunks)
			}
			for trial := range 40 {
				last := float64(pts.Steps[pts.Len()-1])
				xMin := math.Floor(r.Float64() * last * 0.5)
				xMax := xMin + math.Floor(r.Float64()*(last-xMin)) + 1
				if r.IntN(2) == 0 {
					xMin, xMax = xMin+r.Float64(), xMax+r.Float64()
				}
				width := 1 + r.IntN(int(xMax-xMin)/8+2)
				g := newGrid(xMin, xMax, width)
				checkDrawer(t, fmt.Sprintf("%s uneven=%v trial %d", kind, uneven, trial),
					g, pts, chunks)
			}
		}
	}
}

// cutSeries makes n points: values of a kind, steps one apart or with
// random gaps.
func cutSeries(r *rand.Rand, n int, kind string, uneven bool) engine.Points {
	p := engine.Points{Steps: make([]int64, n), Values: make([]float64, n)}
	step := int64(r.IntN(100))
	for i := range n {
		p.Steps[i] = step
		step++
		if uneven && r.IntN(4) == 0 {
			step += int64(r.IntN(5))
		}
		v := float64(r.IntN(4))
		switch kind {
		case "plateaus":
			if i > 0 && r.IntN(8) > 0 {
				v = p.Values[i-1]
			}
		case "normal":
			v = r.NormFloat64()
		case "non-finite":
			if r.IntN(200) == 0 {
				v = []float64{math.NaN(), math.Inf(1), math.Inf(-1)}[r.IntN(3)]
			}
		}
		p.Values[i] = v
	}
	return p
}

// blockChunks cuts pts into chunks of size points, as sealed blocks are.
func blockChunks(pts engine.Points, size int) []*engine.Chunk {
	var out []*engine.Chunk
	for lo := 0; lo < pts.Len(); lo += size {
		hi := min(lo+size, pts.Len())
		out = append(out, engine.NewChunk(engine.Points{Steps: pts.Steps[lo:hi],
			Values: pts.Values[lo:hi]}))
	}
	return out
}

// checkDrawer draws chunks of pts on g and compares the answer and the
// counts with bruteM4 and a count of the points in range.
func checkDrawer(t *testing.T, name string, g grid, pts engine.Points,
	chunks []*engine.Chunk) {
	t.Helper()
	rec := &recorder{}
	d := newStepDrawer(g, nil, rec)
	for _, ch := range chunks {
		// Each drawing reads the blocks anew, as each query does.
		if err := d.chunk(ch.Again()); err != nil {
			t.Fatalf("%s: chunk: %v", name, err)
		}
	}
	d.finish()
	if want := bruteM4(asPoints(pts), g); !samePoints(rec.pts, want) {
		t.Fatalf("%s: range [%g, %g], width %d:\n got %v\nwant %v",
			name, g.xMin, g.xMax, g.width, rec.pts, want)
	}
	count, other := 0, 0
	for i, s := range pts.Steps {
		switch {
		case !g.contains(float64(s)):
		case isFinite(pts.Values[i]):
			count++
		default:
			other++
		}
	}
	if d.count != count || d.nonFinite != other {
		t.Fatalf("%s: count, non-finite = %d, %d, want %d, %d",
			name, d.count, d.nonFinite, count, other)
	}
}

// TestDenseDrawing draws evenly spaced, all-finite series (strides 1 and
// 3, values with ties) through stepDrawer.dense on random grids, columns
// narrower than the stride included, and checks that dense drew every
// chunk and that the answer is the definition's. Chunks with uneven steps
// or a non-finite value must be left to the bucket walk.
func TestDenseDrawing(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for _, stride := range []int64{1, 3} {
		pts := engine.Points{}
		for i := range 2*8192 + 77 {
			pts.Steps = append(pts.Steps, 5+int64(i)*stride)
			pts.Values = append(pts.Values, float64(r.IntN(6)))
		}
		chunks := blockChunks(pts, 8192)
		last := float64(pts.Steps[pts.Len()-1])
		for trial := range 20 {
			xMin := math.Floor(r.Float64() * last * 0.6)
			xMax := xMin + 1 + math.Floor(r.Float64()*(last-xMin))
			width := 1 + r.IntN(int(xMax-xMin)/2+2)
			name := fmt.Sprintf("stride %d trial %d", stride, trial)
			checkDrawer(t, name, newGrid(xMin, xMax, width), pts, chunks)

			d := newStepDrawer(newGrid(xMin, xMax, width), nil, &recorder{})
			for _, ch := range chunks {
				if drawn, err := d.dense(ch.Again()); err != nil || !drawn {
					t.Fatalf("%s: dense drew %v, %v; want a drawn chunk", name, drawn, err)
				}
			}
		}
	}

	uneven := engine.Points{Steps: []int64{1, 2, 4, 5}, Values: []float64{1, 2, 3, 4}}
	nan := engine.Points{Steps: []int64{1, 2, 3, 4}, Values: []float64{1, math.NaN(), 3, 4}}
	for _, p := range []engine.Points{uneven, nan} {
		d := newStepDrawer(newGrid(0, 10, 3), nil, &recorder{})
		if drawn, err := d.dense(engine.NewChunk(p)); err != nil || drawn {
			t.Errorf("steps %v values %v: dense drew %v, %v; want it left alone",
				p.Steps, p.Values, drawn, err)
		}
	}
}
