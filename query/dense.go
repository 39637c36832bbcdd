package query

import (
	"fmt"

	"github.com/sextant-ml/sextant/engine"
	"github.com/sextant-ml/sextant/engine/block"
)

// dense draws a chunk whose steps are evenly spaced and whose values are
// all finite, which is how most series are logged (a point every step, or
// every n steps). There a step's position in the block is arithmetic, so
// the drawer goes column by column instead of bucket by bucket: it cuts the
// chunk where each column ends, and a column's smallest and largest values
// come from the buckets it holds whole and, only when they could beat
// those, from the parts of the buckets at its two ends (see
// denseBlock.extremes). The walk over whole buckets reads their Extremes,
// a third of the bytes of their summaries; the drawing is bound by reading
// memory scattered over the blocks, and this path takes about a fifth off
// a new-width chart's drawing (BenchmarkChartWarm).
//
// It reports false, having drawn nothing, when the chunk is not of that
// kind, and the caller draws it bucket by bucket.
func (d *stepDrawer) dense(ch *engine.Chunk) (bool, error) {
	s := &ch.Stats
	if s.NonFinite != 0 || len(ch.Pyramid) == 0 {
		return false, nil
	}
	sp, err := ch.Span(0, s.Count)
	if err != nil {
		return false, fmt.Errorf("read chunk: %w", err)
	}
	first, stride, ok := sp.Even()
	buckets := (sp.Len() + span - 1) / span
	if !ok || sp.Len() == 0 || len(ch.Pyramid) != buckets || len(ch.Extremes) != buckets {
		return false, nil
	}
	cuts, err := ch.Cuts()
	if err != nil {
		return false, fmt.Errorf("read chunk: %w", err)
	}
	coarse := ch.CoarseExtremes
	if len(coarse) != (buckets+engine.CoarseSpan-1)/engine.CoarseSpan {
		coarse = nil
	}
	b := denseBlock{v: sp.Values, ext: ch.Extremes, coarse: coarse, cuts: cuts,
		first: first, stride: stride}

	i, j := 0, sp.Len()
	if s.MinStep < d.lo {
		i = sp.Search(d.lo)
	}
	if s.MaxStep > d.hi {
		j = sp.Search(d.hi + 1)
	}
	for i < j {
		d.seek(b.step(i))
		k := j
		if e := d.ends[d.c]; b.step(j-1) > e {
			k = sp.Search(e + 1)
		}
		lo, hi := b.extremes(i, k)
		d.count += k - i
		d.acc.add(b.point(i), lo, hi, b.point(k-1))
		i = k
	}
	d.decoded += b.scanned
	return true, nil
}

// span is the number of points of a full pyramid bucket.
const span = block.PyramidSpan

// denseBlock is a chunk as dense reads it: its values, evenly spaced steps
// from first by stride, the extremes of its buckets (every bucket full but
// the last) and of the coarse level over them or nil, and the buckets'
// Cuts, or nil when the block cache has not built them yet (see
// engine.Chunk.Cuts), in which case the part of a bucket cut by a column
// edge is scanned.
type denseBlock struct {
	v             []float64
	ext           []engine.Extreme
	coarse        []engine.Extreme
	cuts          []block.Cuts
	first, stride int64
	scanned       int // values visited one by one
}

// bucketLen is the number of points of bucket k.
func (b *denseBlock) bucketLen(k int) int { return min(span, len(b.v)-k*span) }

func (b *denseBlock) step(i int) int64      { return b.first + int64(i)*b.stride }
func (b *denseBlock) pos(step int64) int    { return int((step - b.first) / b.stride) }
func (b *denseBlock) point(i int) stepPoint { return stepPoint{b.step(i), b.v[i]} }

// extremes returns the first smallest and the first largest point of
// positions [lo, hi), lo < hi.
//
// The buckets that the range holds whole answer from their summaries, eight
// at a time where the coarse level has them. A bucket cut by either end of
// the range answers only when the part the range holds could hold the
// winner: when the bucket's own extreme lies in that part it is the part's
// too, and when it lies outside, the part's is no better than it, so a
// bucket whose extreme loses to the whole buckets' is passed over (on the
// left the part would win a tie, being earlier, so a tie is looked up).
// Otherwise the part's extreme is a lookup in the Cuts, or a scan.
func (b *denseBlock) extremes(lo, hi int) (stepPoint, stepPoint) {
	bl, bh := lo/span, (hi-1)/span
	if bl == bh {
		return b.within(bl, lo, hi)
	}
	// The buckets held whole are [wl, wh).
	wl, wh := bl+1, bh
	if lo == bl*span {
		wl = bl
	}
	if hi == bh*span+b.bucketLen(bh) {
		wh = bh + 1
	}
	var mn, mx stepPoint
	found := false
	for k := wl; k < wh; {
		bk := &b.ext[k]
		if b.coarse != nil && k%engine.CoarseSpan == 0 && k+engine.CoarseSpan <= wh {
			bk = &b.coarse[k/engine.CoarseSpan]
			k += engine.CoarseSpan
		} else {
			k++
		}
		if !found || bk.Min < mn.y {
			mn = stepPoint{bk.MinAt, bk.Min}
		}
		if !found || bk.Max > mx.y {
			mx = stepPoint{bk.MaxAt, bk.Max}
		}
		found = true
	}

	if wl > bl { // the left end cuts bucket bl: its part is [lo, end of bl)
		bk := &b.ext[bl]
		needMin := b.pos(bk.MinAt) < lo && (!found || bk.Min <= mn.y)
		needMax := b.pos(bk.MaxAt) < lo && (!found || bk.Max >= mx.y)
		lMin, lMax := stepPoint{bk.MinAt, bk.Min}, stepPoint{bk.MaxAt, bk.Max}
		if needMin || needMax {
			i, j := b.suffix(bl, lo)
			lMin, lMax = b.point(i), b.point(j)
		}
		if !found || lMin.y <= mn.y {
			mn = lMin
		}
		if !found || lMax.y >= mx.y {
			mx = lMax
		}
	}
	// Here mn and mx hold something: bl < bh, so bucket bl is either cut,
	// and drawn above, or held whole.
	if wh <= bh { // the right end cuts bucket bh: its part is [start of bh, hi)
		bk := &b.ext[bh]
		needMin := b.pos(bk.MinAt) >= hi && bk.Min < mn.y
		needMax := b.pos(bk.MaxAt) >= hi && bk.Max > mx.y
		rMin, rMax := stepPoint{bk.MinAt, bk.Min}, stepPoint{bk.MaxAt, bk.Max}
		if needMin || needMax {
			i, j := b.prefix(bh, hi)
			rMin, rMax = b.point(i), b.point(j)
		}
		if rMin.y < mn.y {
			mn = rMin
		}
		if rMax.y > mx.y {
			mx = rMax
		}
	}
	return mn, mx
}

// within returns the first smallest and largest points of positions
// [lo, hi) of bucket k.
func (b *denseBlock) within(k, lo, hi int) (stepPoint, stepPoint) {
	start := k * span
	bk := &b.ext[k]
	switch end := start + b.bucketLen(k); {
	case lo == start && hi == end:
		return stepPoint{bk.MinAt, bk.Min}, stepPoint{bk.MaxAt, bk.Max}
	case lo == start:
		i, j := b.prefix(k, hi)
		return b.point(i), b.point(j)
	case hi == end:
		i, j := b.suffix(k, lo)
		return b.point(i), b.point(j)
	}
	b.scanned += hi - lo
	i, j := minMax(b.v[lo:hi])
	return b.point(lo + i), b.point(lo + j)
}

// prefix returns the positions of the first smallest and largest of bucket
// k's values before position hi.
func (b *denseBlock) prefix(k, hi int) (int, int) {
	start := k * span
	vals := b.v[start : start+b.bucketLen(k)]
	b.scanned += visited(b.cutsOf(k), hi-start)
	i, j := prefixExtremes(b.cutsOf(k), vals, hi-start)
	return start + i, start + j
}

// suffix returns the positions of the first smallest and largest of bucket
// k's values from position lo on.
func (b *denseBlock) suffix(k, lo int) (int, int) {
	start := k * span
	vals := b.v[start : start+b.bucketLen(k)]
	b.scanned += visited(b.cutsOf(k), len(vals)-(lo-start))
	i, j := suffixExtremes(b.cutsOf(k), vals, lo-start)
	return start + i, start + j
}

// cutsOf returns bucket k's Cuts, or nil when there are none.
func (b *denseBlock) cutsOf(k int) *block.Cuts {
	if b.cuts == nil {
		return nil
	}
	return &b.cuts[k]
}
