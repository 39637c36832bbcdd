package query

import (
	"math"
	"math/rand/v2"
	"testing"
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
