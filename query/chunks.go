package query

import (
	"fmt"

	"github.com/sextant-ml/sextant/engine"
	"github.com/sextant-ml/sextant/engine/block"
)

// stepDrawer draws a series over x = _step from its chunks, folding in
// whole buckets where it can and visiting points only where a bucket
// straddles a column edge or the range edge.
type stepDrawer struct {
	g     grid
	m     *m4
	count int
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
func (d *stepDrawer) buckets(ch *engine.Chunk) error {
	var pts engine.Points
	loaded := false
	for i := range ch.Pyramid {
		b := &ch.Pyramid[i]
		if b.Count == 0 || float64(b.MaxStep) < d.g.xMin || float64(b.MinStep) > d.g.xMax {
			continue
		}
		if c, ok := d.oneColumn(b.MinStep, b.MaxStep); ok {
			d.count += b.Count
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

// points draws pts[lo:hi] one by one.
func (d *stepDrawer) points(pts engine.Points, lo, hi int) {
	for i := lo; i < hi; i++ {
		x := float64(pts.Steps[i])
		if !d.g.contains(x) {
			continue
		}
		d.count++
		d.decoded++
		if y := pts.Values[i]; isFinite(y) {
			d.m.add(d.g.col(x), point{x: x, y: y, step: pts.Steps[i], idx: -1})
		}
	}
}
