package query

import (
	"fmt"
	"math"
	"sort"

	"github.com/sextant-ml/sextant/engine"
	"github.com/sextant-ml/sextant/engine/block"
)

// stepDrawer draws a series over x = _step from its chunks, folding in
// whole buckets where it can and visiting points only where a bucket
// straddles a column edge or the range edge. Chunks arrive in increasing
// step, so every column's points do too: the first point folded into a
// column is its first, the last its last, and a smallest or largest y only
// replaces an earlier one when strictly smaller or larger, which gives ties
// to the smallest x as M4 wants.
type stepDrawer struct {
	g      grid
	out    sink
	lo, hi int64 // the integer steps of the range
	// ends[c] is the largest step of column c (smaller than the column's
	// first step when it holds none); see columnEnds. Nil when the range
	// holds no integer step.
	ends      []int64
	c         int     // the column being folded
	acc       stepCol // what column c holds so far
	count     int     // points in range with a finite y
	nonFinite int     // points in range with NaN or an infinite y
	decoded   int     // at most the points visited one by one, for tests
}

// stepPoint is a point of an x = _step series.
type stepPoint struct {
	step int64
	y    float64
}

// stepCol accumulates the M4 points of one column from runs of points
// given in increasing step.
type stepCol struct {
	n                   int // runs folded in
	first, last, lo, hi stepPoint
}

// add folds in a run of points that follows every run folded so far.
func (a *stepCol) add(first, lo, hi, last stepPoint) {
	if a.n == 0 {
		a.first, a.lo, a.hi = first, lo, hi
	} else {
		if lo.y < a.lo.y {
			a.lo = lo
		}
		if hi.y > a.hi.y {
			a.hi = hi
		}
	}
	a.last = last
	a.n++
}

// newStepDrawer returns a drawer of the grid's range into out. ends are
// columnEnds of the grid, or nil to compute them.
func newStepDrawer(g grid, ends []int64, out sink) *stepDrawer {
	d := &stepDrawer{g: g, out: out}
	if lo, hi, ok := stepRange(g); ok {
		d.lo, d.hi = lo, hi
		if ends == nil {
			ends = columnEnds(g, lo, hi)
		}
		d.ends = ends
	}
	return d
}

// finish emits the last column; call it after the last chunk.
func (d *stepDrawer) finish() {
	d.flush()
}

// chunk draws one chunk; chunks arrive in increasing step.
func (d *stepDrawer) chunk(ch *engine.Chunk) error {
	s := &ch.Stats
	if d.ends == nil || s.Count == 0 || s.MaxStep < d.lo || s.MinStep > d.hi {
		return nil
	}
	if s.MinStep >= d.lo && s.MaxStep <= d.hi && s.NonFinite == 0 {
		if d.seek(s.MinStep); s.MaxStep <= d.ends[d.c] {
			d.count += s.Count
			d.acc.add(stepPoint{s.MinStep, s.First}, stepPoint{s.MinAt, s.Min},
				stepPoint{s.MaxAt, s.Max}, stepPoint{s.MaxStep, s.Last})
			return nil
		}
	}
	if drawn, err := d.dense(ch); drawn || err != nil {
		return err
	}
	if len(ch.Pyramid) == 0 {
		sp, err := ch.Span(0, s.Count)
		if err != nil {
			return fmt.Errorf("read chunk: %w", err)
		}
		d.points(sp, s.NonFinite == 0)
		return nil
	}
	return d.buckets(ch)
}

// buckets draws a chunk bucket by bucket; only the points of buckets that
// straddle a column edge or the range edge are read, from a span of the
// chunk shared with the block cache.
func (d *stepDrawer) buckets(ch *engine.Chunk) error {
	pyr, coarse := ch.Pyramid, ch.Coarse
	if len(coarse) != (len(pyr)+engine.CoarseSpan-1)/engine.CoarseSpan {
		coarse = nil
	}
	i := 0
	if len(pyr) > 0 && pyr[0].MaxStep < d.lo {
		i = sort.Search(len(pyr), func(i int) bool { return pyr[i].MaxStep >= d.lo })
	}
	end := d.ends[d.c] // the last step of the current column
	for ; i < len(pyr); i++ {
		b := &pyr[i]
		if b.MinStep > d.hi {
			break
		}
		if b.MinStep > end { // past the current column, and so in range
			d.seek(b.MinStep)
			end = d.ends[d.c]
		}
		if coarse != nil && i%engine.CoarseSpan == 0 {
			// Eight buckets at once when they are all finite and inside
			// the column: the same as folding them one by one.
			cb := &coarse[i/engine.CoarseSpan]
			if cb.Finite == cb.Count && cb.MaxStep <= end && cb.MinStep >= d.lo {
				d.count += cb.Count
				d.acc.add(stepPoint{cb.FirstStep, cb.First}, stepPoint{cb.MinAt, cb.Min},
					stepPoint{cb.MaxAt, cb.Max}, stepPoint{cb.LastStep, cb.Last})
				i = min(i+engine.CoarseSpan, len(pyr)) - 1
				continue
			}
		}
		if b.MaxStep <= end && b.MinStep >= d.lo {
			d.count += b.Finite
			d.nonFinite += b.Count - b.Finite
			if b.Finite > 0 {
				d.acc.add(stepPoint{b.FirstStep, b.First}, stepPoint{b.MinAt, b.Min},
					stepPoint{b.MaxAt, b.Max}, stepPoint{b.LastStep, b.Last})
			}
			continue
		}
		lo := i * block.PyramidSpan
		sp, err := ch.Span(lo, lo+b.Count)
		if err != nil {
			return fmt.Errorf("read chunk: %w", err)
		}
		if d.cutOnce(b) {
			cuts, err := ch.Cuts()
			if err != nil {
				return fmt.Errorf("read chunk: %w", err)
			}
			var bc *block.Cuts // nil: split scans
			if cuts != nil {
				bc = &cuts[i]
			}
			d.split(sp, b, d.ahead(pyr[i+1:]), bc)
		} else {
			d.points(sp, b.Finite == b.Count)
		}
		end = d.ends[d.c]
	}
	return nil
}

// cutOnce reports whether b, a bucket that is not inside the current
// column, is all finite, in range, and cut in two by the current column's
// end, the next column holding the rest.
func (d *stepDrawer) cutOnce(b *block.Bucket) bool {
	c := d.c
	return b.Finite == b.Count && b.MinStep >= d.lo && b.MinStep <= d.ends[c] &&
		c+1 < len(d.ends) && b.MaxStep <= d.ends[c+1] && b.MaxStep > d.ends[c]
}

// split draws a bucket that cutOnce accepts, from its summary and its
// Cuts: the side of the cut that holds the bucket's smallest value (its
// first occurrence, MinAt) has it as its own smallest, and the other side's
// smallest is a lookup in the Cuts and a scan of fewer than block.CutGroup
// values; the same holds for the largest. The first point of the left side
// and the last of the right are the bucket's, and the points on both sides
// of the cut are read. next are the extremes of the buckets after b that
// the next column holds whole (see ahead).
//
// cuts is nil when the block cache has not built the block's table yet
// (see engine.Chunk.Cuts); the side is then scanned, up to
// block.PyramidSpan values.
//
// The lookup reads a value anywhere in the bucket, most of a split's cost
// once the block is out of the processor's caches, and is often needless:
// a side's smallest is no smaller than the bucket's, so when its column
// holds a value that beats the bucket's elsewhere, the side's smallest is
// not the column's, and the point beside the cut stands in for it. Left of
// the cut that value is what the column holds so far (which also wins a
// tie, being earlier); right of it, the smallest of the buckets that
// follow in the same column, when strictly smaller.
func (d *stepDrawer) split(sp engine.Span, b *block.Bucket, next extremes, cuts *block.Cuts) {
	e := d.ends[d.c]
	k := sp.Search(e + 1) // the first point of the next column; 0 < k < Len
	at := func(i int) stepPoint { return stepPoint{sp.Step(i), sp.Values[i]} }
	left, right := at(k-1), at(k)
	lMin, lMax, rMin, rMax := left, left, right, right
	minLeft, maxLeft := b.MinAt <= e, b.MaxAt <= e
	if minLeft {
		lMin = stepPoint{b.MinAt, b.Min}
	} else {
		rMin = stepPoint{b.MinAt, b.Min}
	}
	if maxLeft {
		lMax = stepPoint{b.MaxAt, b.Max}
	} else {
		rMax = stepPoint{b.MaxAt, b.Max}
	}

	a := &d.acc
	needLMin := !minLeft && (a.n == 0 || a.lo.y > b.Min)
	needLMax := !maxLeft && (a.n == 0 || a.hi.y < b.Max)
	needRMin := minLeft && next.lo >= b.Min
	needRMax := maxLeft && next.hi <= b.Max
	if needLMin || needLMax {
		i, j := prefixExtremes(cuts, sp.Values, k)
		if needLMin {
			lMin = at(i)
		}
		if needLMax {
			lMax = at(j)
		}
		d.decoded += visited(cuts, k)
	}
	if needRMin || needRMax {
		i, j := suffixExtremes(cuts, sp.Values, k)
		if needRMin {
			rMin = at(i)
		}
		if needRMax {
			rMax = at(j)
		}
		d.decoded += visited(cuts, sp.Len()-k)
	}

	d.count += sp.Len()
	a.add(stepPoint{b.FirstStep, b.First}, lMin, lMax, left)
	d.seek(right.step)
	a.add(right, rMin, rMax, stepPoint{b.LastStep, b.Last})
}

// extremes are the smallest and largest finite values of some buckets;
// +Inf and -Inf when they hold none.
type extremes struct{ lo, hi float64 }

// aheadBuckets is the most buckets ahead reads: each more spares a split's
// lookup less often, and the first few cost little, the walk reading them
// next anyway.
const aheadBuckets = 4

// ahead returns the extremes of the first buckets of pyr, up to
// aheadBuckets, that lie whole in the column after the current one.
func (d *stepDrawer) ahead(pyr []block.Bucket) extremes {
	x := extremes{math.Inf(1), math.Inf(-1)}
	end := d.ends[d.c+1]
	for i := range min(len(pyr), aheadBuckets) {
		b := &pyr[i]
		if b.MaxStep > end {
			break
		}
		if b.Finite > 0 {
			x.lo, x.hi = min(x.lo, b.Min), max(x.hi, b.Max)
		}
	}
	return x
}

// visited is how many values a side of n values costs a split: fewer
// than block.CutGroup with Cuts, all of them without.
func visited(cuts *block.Cuts, n int) int {
	if cuts == nil {
		return n
	}
	return block.CutGroup
}

// prefixExtremes returns the positions of the first smallest and largest
// of vals[:k], by cuts or, when it is nil, by a scan.
func prefixExtremes(cuts *block.Cuts, vals []float64, k int) (int, int) {
	if cuts != nil {
		return cuts.Prefix(vals, k)
	}
	return minMax(vals[:k])
}

// suffixExtremes returns the positions of the first smallest and largest
// of vals[k:], by cuts or, when it is nil, by a scan.
func suffixExtremes(cuts *block.Cuts, vals []float64, k int) (int, int) {
	if cuts != nil {
		return cuts.Suffix(vals, k)
	}
	i, j := minMax(vals[k:])
	return k + i, k + j
}

// minMax returns the positions of the first smallest and the first largest
// of finite values.
func minMax(vals []float64) (int, int) {
	mn, mx := 0, 0
	lo, hi := vals[0], vals[0]
	for i := 1; i < len(vals); i++ {
		v := vals[i]
		if v < lo {
			lo, mn = v, i
		}
		if v > hi {
			hi, mx = v, i
		}
	}
	return mn, mx
}

// seek makes the column holding step s the current one, emitting the
// current one if s lies past it. s is a step of the range at or after every
// step folded so far.
func (d *stepDrawer) seek(s int64) {
	if s <= d.ends[d.c] {
		return
	}
	d.flush()
	for d.c < len(d.ends)-1 && s > d.ends[d.c] {
		d.c++
	}
}

// flush emits the current column's M4 points, if it has any, and closes
// it. They are already in order: the first point's step is at most the
// steps of the smallest and the largest, which are at most the last's, and
// a point that is two of them (the same step) is emitted once, as
// column.picks would. Emitting them here rather than through an m4 spares
// a chart of 100 runs at width 1000 the sorting of 100,000 columns.
func (d *stepDrawer) flush() {
	a := &d.acc
	if a.n == 0 {
		return
	}
	lo, hi := a.lo, a.hi
	if hi.step < lo.step {
		lo, hi = hi, lo
	}
	prev := a.first.step
	d.out.emit(stepPt(a.first))
	for _, p := range [3]stepPoint{lo, hi, a.last} {
		if p.step != prev {
			d.out.emit(stepPt(p))
			prev = p.step
		}
	}
	d.out.closeColumn(d.c, stepPt(a.last))
	*a = stepCol{}
}

// stepPt is p on the chart's axes, with no raw position.
func stepPt(p stepPoint) point {
	return point{x: float64(p.step), y: p.y, step: p.step, idx: -1}
}

// points draws the points of a span: it clips them to the range, cuts them
// where the column changes (binary search) and folds each run of one
// column in a single pass. finite says that every value is finite.
func (d *stepDrawer) points(s engine.Span, finite bool) {
	i, j := 0, s.Len()
	if j == 0 {
		return
	}
	if s.Step(0) < d.lo {
		i = s.Search(d.lo)
	}
	if s.Step(j-1) > d.hi {
		j = s.Search(d.hi + 1) // d.hi < a step, so no overflow
	}
	if i >= j {
		return
	}
	d.decoded += j - i
	for i < j {
		d.seek(s.Step(i))
		k := j
		if e := d.ends[d.c]; s.Step(j-1) > e {
			k = s.Search(e + 1)
		}
		d.fold(s, i, k, finite)
		i = k
	}
}

// fold folds points [i, k) of s, all of the current column, into it.
// finite says that every value of the span is finite, which spares the
// checks for NaN and infinities.
func (d *stepDrawer) fold(s engine.Span, i, k int, finite bool) {
	vals := s.Values[i:k]
	at := func(n int) stepPoint { return stepPoint{s.Step(i + n), vals[n]} }
	if finite {
		mn, mx := minMax(vals)
		d.count += len(vals)
		d.acc.add(at(0), at(mn), at(mx), at(len(vals)-1))
		return
	}
	first, last, mn, mx := -1, -1, -1, -1
	count := 0
	for n, v := range vals {
		if v-v != 0 { // NaN or an infinity
			continue
		}
		count++
		if first < 0 {
			first, mn, mx = n, n, n
		}
		last = n
		if v < vals[mn] {
			mn = n
		}
		if v > vals[mx] {
			mx = n
		}
	}
	d.count += count
	d.nonFinite += len(vals) - count
	if first >= 0 {
		d.acc.add(at(first), at(mn), at(mx), at(last))
	}
}

// columnEnds returns, for each column of the grid, the largest integer step
// in [lo, hi] that grid.col puts in it; a column holding no step gets the
// end of the column before it (lo-1 for the first). grid.col is monotonic
// in x, so each end is found by a search around the step the column's edge
// estimates, with a few calls of grid.col.
func columnEnds(g grid, lo, hi int64) []int64 {
	ends := make([]int64, g.width)
	start := lo // the smallest step not placed in a column yet
	for c := 0; c < g.width-1; c++ {
		past := func(s int64) bool { return g.col(float64(s)) > c }
		if start > hi || !past(hi) {
			// Columns c+1 on are empty.
			for ; c < g.width-1; c++ {
				ends[c] = hi
			}
			break
		}
		guess := g.xMin + float64(c+1)*g.span/g.w
		e := firstStep(start, hi, past, guess)
		ends[c], start = e-1, e
	}
	ends[g.width-1] = hi
	return ends
}

// firstStep returns the smallest s in [lo, hi] with pred(s), given that
// pred is monotonic and pred(hi) holds, by galloping from guess.
func firstStep(lo, hi int64, pred func(int64) bool, guess float64) int64 {
	s := hi
	if guess > float64(lo) && guess < float64(hi) {
		s = int64(math.Ceil(guess))
	} else if guess <= float64(lo) {
		s = lo
	}
	s = min(max(s, lo), hi)
	// Bracket the answer in (a, b]: pred(b) holds, pred(a) fails or a < lo.
	var a, b int64
	if pred(s) {
		b = s
		for d := int64(1); ; d *= 2 {
			if b-lo < d {
				a = lo - 1
				break
			}
			if !pred(b - d) {
				a = b - d
				break
			}
			b -= d
		}
	} else {
		a = s
		for d := int64(1); ; d *= 2 {
			if hi-a <= d {
				b = hi
				break
			}
			if pred(a + d) {
				b = a + d
				break
			}
			a += d
		}
	}
	for b-a > 1 {
		m := a + (b-a)/2
		if pred(m) {
			b = m
		} else {
			a = m
		}
	}
	return b
}
