package query

import "math"

// point is one point of a series on the chart's axes. idx is its position
// in the raw slice it came from (for smoothed values), or -1.
type point struct {
	x    float64
	y    float64
	step int64
	idx  int
}

// before orders points by x, then by step.
func before(a, b point) bool {
	return a.x < b.x || a.x == b.x && a.step < b.step
}

// grid maps x to pixel columns as the M4 definition in the package doc says.
type grid struct {
	xMin, xMax float64
	span       float64
	w          float64
	width      int
}

func newGrid(xMin, xMax float64, width int) grid {
	return grid{xMin: xMin, xMax: xMax, span: xMax - xMin, w: float64(width), width: width}
}

// contains reports whether x lies in the inclusive range.
func (g grid) contains(x float64) bool { return x >= g.xMin && x <= g.xMax }

// col returns the column of an x inside the range.
func (g grid) col(x float64) int {
	if g.span == 0 {
		return 0
	}
	if x >= g.xMax {
		return g.width - 1
	}
	c := math.Floor((x - g.xMin) * g.w / g.span)
	if c < 0 {
		return 0
	}
	if c >= g.w {
		return g.width - 1
	}
	return int(c)
}

// column holds the four M4 points of one pixel column.
type column struct {
	n                   int
	first, last, lo, hi point
}

// add folds p in. The caller passes finite y only.
func (c *column) add(p point) {
	if c.n == 0 {
		c.first, c.last, c.lo, c.hi = p, p, p, p
		c.n = 1
		return
	}
	c.n++
	if before(p, c.first) {
		c.first = p
	}
	if before(c.last, p) {
		c.last = p
	}
	if p.y < c.lo.y || p.y == c.lo.y && before(p, c.lo) {
		c.lo = p
	}
	if p.y > c.hi.y || p.y == c.hi.y && before(p, c.hi) {
		c.hi = p
	}
}

// picks returns the column's distinct points in increasing order, in buf.
func (c *column) picks(buf *[4]point) []point {
	out := buf[:0]
	for _, p := range [4]point{c.first, c.lo, c.hi, c.last} {
		i := len(out)
		dup := false
		for j := range out {
			if out[j].step == p.step && out[j].x == p.x {
				dup = true
				break
			}
		}
		if dup {
			continue
		}
		out = append(out, p)
		for ; i > 0 && before(out[i], out[i-1]); i-- {
			out[i], out[i-1] = out[i-1], out[i]
		}
	}
	return out
}

// sink receives the downsampled points of a series, in increasing order,
// and the closing point of every non-empty column (for grouping).
type sink interface {
	emit(p point)
	closeColumn(c int, last point)
}

// m4 streams points, in non-decreasing column order, into a sink.
type m4 struct {
	g   grid
	cur int
	col column
	out sink
	buf [4]point
}

func newM4(g grid, out sink) *m4 { return &m4{g: g, cur: -1, out: out} }

// add folds p, a point of column c with a finite y.
func (m *m4) add(c int, p point) {
	if c != m.cur {
		m.flush()
		m.cur = c
	}
	m.col.add(p)
}

// flush emits the current column.
func (m *m4) flush() {
	if m.col.n == 0 {
		return
	}
	for _, p := range m.col.picks(&m.buf) {
		m.out.emit(p)
	}
	m.out.closeColumn(m.cur, m.col.last)
	m.col = column{}
}

func isFinite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
