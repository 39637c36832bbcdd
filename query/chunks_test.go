package query

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/sextant-ml/sextant/engine"
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
