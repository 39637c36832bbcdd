package query

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/sextant-ml/sextant/engine"
)

// recorder is a sink that keeps what it is given.
type recorder struct {
	pts  []point
	cols []int
}

func (r *recorder) emit(p point)                  { r.pts = append(r.pts, p) }
func (r *recorder) closeColumn(c int, last point) { r.cols = append(r.cols, c) }

// bruteM4 is the M4 definition written as plainly as possible: group the
// points by column, then pick by comparing every point of the column.
func bruteM4(pts []point, g grid) []point {
	byCol := map[int][]point{}
	for _, p := range pts {
		if g.contains(p.x) && isFinite(p.y) {
			byCol[g.col(p.x)] = append(byCol[g.col(p.x)], p)
		}
	}
	var out []point
	for _, ps := range byCol {
		first, last, lo, hi := ps[0], ps[0], ps[0], ps[0]
		for _, p := range ps {
			if before(p, first) {
				first = p
			}
			if before(last, p) {
				last = p
			}
			if p.y < lo.y || (p.y == lo.y && before(p, lo)) {
				lo = p
			}
			if p.y > hi.y || (p.y == hi.y && before(p, hi)) {
				hi = p
			}
		}
		for _, p := range []point{first, last, lo, hi} {
			if !slices.ContainsFunc(out, func(q point) bool { return q.step == p.step }) {
				out = append(out, p)
			}
		}
	}
	slices.SortFunc(out, func(a, b point) int {
		if before(a, b) {
			return -1
		}
		if before(b, a) {
			return 1
		}
		return 0
	})
	return out
}

// randomSeries makes n points with strictly increasing steps, values drawn
// from a small set (so ties are common) with NaN and infinities mixed in.
func randomSeries(r *rand.Rand, n int) engine.Points {
	p := engine.Points{}
	step := int64(r.IntN(5))
	for range n {
		step += 1 + int64(r.IntN(3))*int64(r.IntN(2))
		var v float64
		switch k := r.IntN(40); {
		case k == 0:
			v = math.NaN()
		case k == 1:
			v = math.Inf(1 - 2*r.IntN(2))
		case k < 20:
			v = float64(r.IntN(7))
		default:
			v = r.NormFloat64()
		}
		p.Steps = append(p.Steps, step)
		p.Values = append(p.Values, v)
	}
	return p
}

// splitChunks cuts pts into chunks of random sizes.
func splitChunks(r *rand.Rand, pts engine.Points) []*engine.Chunk {
	var out []*engine.Chunk
	for lo := 0; lo < pts.Len(); {
		hi := min(pts.Len(), lo+1+r.IntN(700))
		out = append(out, engine.NewChunk(engine.Points{
			Steps: pts.Steps[lo:hi], Values: pts.Values[lo:hi],
		}))
		lo = hi
	}
	return out
}

func asPoints(p engine.Points) []point {
	out := make([]point, p.Len())
	for i := range out {
		out[i] = point{x: float64(p.Steps[i]), y: p.Values[i], step: p.Steps[i], idx: -1}
	}
	return out
}

func TestStepDrawerMatchesBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for trial := range 400 {
		pts := randomSeries(r, 1+r.IntN(3000))
		last := float64(pts.Steps[pts.Len()-1])
		xMin := math.Floor(r.Float64()*last*1.2) - last*0.1
		xMax := xMin + math.Floor(r.Float64()*last*1.2)
		if r.IntN(10) == 0 {
			xMax = xMin
		}
		if r.IntN(5) == 0 {
			xMin += 0.5
		}
		width := 1 + r.IntN(300)
		if r.IntN(4) == 0 {
			width = 1 + r.IntN(5)
		}
		g := newGrid(xMin, xMax, width)

		rec := &recorder{}
		d := newStepDrawer(g, nil, rec)
		for _, ch := range splitChunks(r, pts) {
			if err := d.chunk(ch); err != nil {
				t.Fatalf("trial %d: chunk: %v", trial, err)
			}
		}
		d.finish()

		want := bruteM4(asPoints(pts), g)
		if !samePoints(rec.pts, want) {
			t.Fatalf("trial %d: m4 over %d points, range [%g, %g], width %d:\n got %v\nwant %v",
				trial, pts.Len(), xMin, xMax, width, rec.pts, want)
		}
		wantCount, wantOther := 0, 0
		for i, s := range pts.Steps {
			switch {
			case !g.contains(float64(s)):
			case isFinite(pts.Values[i]):
				wantCount++
			default:
				wantOther++
			}
		}
		if d.count != wantCount || d.nonFinite != wantOther {
			t.Fatalf("trial %d: count, non-finite = %d, %d, want %d, %d",
				trial, d.count, d.nonFinite, wantCount, wantOther)
		}
	}
}

func samePoints(a, b []point) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].step != b[i].step || a[i].x != b[i].x ||
			math.Float64bits(a[i].y) != math.Float64bits(b[i].y) {
			return false
		}
	}
	return true
}

func TestGridColumn(t *testing.T) {
	tests := []struct {
		xMin, xMax float64
		width      int
		x          float64
		want       int
	}{
		{0, 100, 10, 0, 0},
		{0, 100, 10, 9.99, 0},
		{0, 100, 10, 10, 1},
		{0, 100, 10, 99, 9},
		{0, 100, 10, 100, 9},
		{5, 5, 10, 5, 0},
		{0, 3, 2, 1.5, 1},
	}
	for _, tt := range tests {
		g := newGrid(tt.xMin, tt.xMax, tt.width)
		if got := g.col(tt.x); got != tt.want {
			t.Errorf("grid[%g,%g]x%d.col(%g) = %d, want %d",
				tt.xMin, tt.xMax, tt.width, tt.x, got, tt.want)
		}
	}
}

// TestStepDrawerReadsSummaries checks that a wide, dense series is drawn
// from buckets: only the points of buckets that straddle a column edge are
// visited.
func TestStepDrawerReadsSummaries(t *testing.T) {
	n := 1 << 20
	pts := engine.Points{Steps: make([]int64, n), Values: make([]float64, n)}
	for i := range n {
		pts.Steps[i], pts.Values[i] = int64(i), math.Sin(float64(i)/1000)
	}
	g := newGrid(0, float64(n-1), 1000)
	d := newStepDrawer(g, nil, &recorder{})
	ch := engine.NewChunk(pts)
	if err := d.chunk(ch); err != nil {
		t.Fatal(err)
	}
	if limit := 1000 * 64; d.decoded > limit {
		t.Errorf("decoded %d points of %d, want at most %d", d.decoded, n, limit)
	}
	if d.count != n {
		t.Errorf("count = %d, want %d", d.count, n)
	}
}
