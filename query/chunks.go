package query

import (
	"fmt"
	"sort"

	"github.com/sextant-ml/sextant/engine"
	"github.com/sextant-ml/sextant/engine/block"
)

// stepDrawer draws a series over x = _step from its chunks, folding in
// whole buckets where it can and visiting points only where a bucket
// straddles a column edge or the range edge.
type stepDrawer struct {
	g         grid
	m         *m4
	count     int // points in range with a finite y
	nonFinite int // points in range with NaN or an infinite y
	// decoded counts points visited one by one, for tests and benchmarks.
	decoded int
}

// chunk draws one chunk; chunks arrive in increasing step.
func (d *stepDrawer) chunk(ch *engine.Chunk) error {
	s := &ch.Stats
	if s.Count == 0 || float64(s.MaxStep) < d.g.xMin || float64(s.MinStep) > d.g.xMax {
		return nil
	}
	if c, ok := d.oneColumn(s.MinStep, s.MaxStep); ok && s.NonFinite == 0 {
		d.count += s.Count
		d.m.add(c, point{x: float64(s.MinStep), y: s.First, step: s.MinStep, idx: -1})
		d.m.add(c, point{x: float64(s.MinAt), y: s.Min, step: s.MinAt, idx: -1})
		d.m.add(c, point{x: float64(s.MaxAt), y: s.Max, step: s.MaxAt, idx: -1})
		d.m.add(c, point{x: float64(s.MaxStep), y: s.Last, step: s.MaxStep, idx: -1})
		return nil
	}
	if len(ch.Pyramid) == 0 {
		pts, err := ch.Points()
		if err != nil {
			return fmt.Errorf("read chunk: %w", err)
		}
		d.points(pts, 0, pts.Len())
		return nil
	}
	return d.buckets(ch)
}

// oneColumn reports whether steps lo..hi lie in the range and in one
// column, and which.
func (d *stepDrawer) oneColumn(lo, hi int64) (int, bool) {
	x0, x1 := float64(lo), float64(hi)
	if !d.g.contains(x0) || !d.g.contains(x1) {
		return 0, false
	}
	c := d.g.col(x0)
	return c, c == d.g.col(x1)
}

// buckets draws a chunk bucket by bucket, decoding it at most once.
//
// TODO: a bucket that straddles a column edge costs the decoding of its
// whole block, and at width 1000 over 1M points nearly every block holds
// one; a codec that decodes one bucket's 64 points alone would let a cold
// full-range chart touch about 6% of the points instead of all.
func (d *stepDrawer) buckets(ch *engine.Chunk) error {
	var pts engine.Points
	loaded := false
	for i := range ch.Pyramid {
		b := &ch.Pyramid[i]
		if b.Count == 0 || float64(b.MaxStep) < d.g.xMin || float64(b.MinStep) > d.g.xMax {
			continue
		}
		if c, ok := d.oneColumn(b.MinStep, b.MaxStep); ok {
			d.count += b.Finite
			d.nonFinite += b.Count - b.Finite
			d.addBucket(c, b)
			continue
		}
		if !loaded {
			var err error
			if pts, err = ch.Points(); err != nil {
				return fmt.Errorf("read chunk: %w", err)
			}
			if pts.Len() != ch.Stats.Count {
				return fmt.Errorf("chunk holds %d points, its stats say %d: %w",
					pts.Len(), ch.Stats.Count, engine.ErrCorrupt)
			}
			loaded = true
		}
		lo := i * block.PyramidSpan
		d.points(pts, lo, min(lo+b.Count, pts.Len()))
	}
	return nil
}

func (d *stepDrawer) addBucket(c int, b *block.Bucket) {
	if b.Finite == 0 {
		return
	}
	d.m.add(c, point{x: float64(b.FirstStep), y: b.First, step: b.FirstStep, idx: -1})
	d.m.add(c, point{x: float64(b.MinAt), y: b.Min, step: b.MinAt, idx: -1})
	d.m.add(c, point{x: float64(b.MaxAt), y: b.Max, step: b.MaxAt, idx: -1})
	d.m.add(c, point{x: float64(b.LastStep), y: b.Last, step: b.LastStep, idx: -1})
}

// points draws pts[lo:hi] point by point: it clips them to the range,
// cuts them where the column changes (binary search, columns being
// monotonic in x) and folds each run of one column in a single pass.
func (d *stepDrawer) points(pts engine.Points, lo, hi int) {
	steps := pts.Steps
	lo += sort.Search(hi-lo, func(i int) bool { return float64(steps[lo+i]) >= d.g.xMin })
	hi = lo + sort.Search(hi-lo, func(i int) bool { return float64(steps[lo+i]) > d.g.xMax })
	d.decoded += hi - lo
	for lo < hi {
		c := d.g.col(float64(steps[lo]))
		end := hi
		if d.g.col(float64(steps[hi-1])) != c {
			end = lo + sort.Search(hi-lo, func(i int) bool {
				return d.g.col(float64(steps[lo+i])) > c
			})
		}
		finite := d.fold(c, pts, lo, end)
		d.count += finite
		d.nonFinite += end - lo - finite
		lo = end
	}
}

// fold adds the first, last, smallest and largest finite points of
// pts[lo:hi], all of column c, and returns how many are finite.
func (d *stepDrawer) fold(c int, pts engine.Points, lo, hi int) int {
	vals := pts.Values
	first, last, mn, mx := -1, -1, -1, -1
	finite := 0
	for i := lo; i < hi; i++ {
		v := vals[i]
		if v-v != 0 { // NaN or an infinity
			continue
		}
		finite++
		if first < 0 {
			first, mn, mx = i, i, i
		}
		last = i
		if v < vals[mn] {
			mn = i
		}
		if v > vals[mx] {
			mx = i
		}
	}
	if first < 0 {
		return 0
	}
	for _, i := range [4]int{first, mn, mx, last} {
		s := pts.Steps[i]
		d.m.add(c, point{x: float64(s), y: vals[i], step: s, idx: -1})
	}
	return finite
}
