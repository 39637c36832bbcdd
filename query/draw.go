package query

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/sextant-ml/sextant/engine"
)

// retainLimit is the most joined points one series keeps between the
// bounds pass and the draw pass; longer series are read twice.
const retainLimit = 1 << 20

// bounds finds the smallest and largest x of one series, over all its
// points whatever their y.
func (e *Engine) bounds(project string, q ChartRequest, j *job) error {
	if q.X != engine.KeyStep {
		pts, err := e.joined(project, j.run.ID, j.key, q.X)
		if err != nil || len(pts) == 0 {
			return err
		}
		j.lo, j.hi, j.bounded = pts[0].x, pts[len(pts)-1].x, true
		if len(pts) <= retainLimit {
			j.pts = pts
		}
		return nil
	}
	err := e.src.Scan(project, j.run.ID, j.key, 0, math.MaxInt64, func(ch *engine.Chunk) error {
		if ch.Stats.Count == 0 {
			return nil
		}
		j.lo, j.hi, j.bounded = float64(ch.Stats.MinStep), float64(ch.Stats.MaxStep), true
		return errStop
	})
	if err != nil && !errors.Is(err, errStop) {
		if absent(err) {
			return nil
		}
		return fmt.Errorf("scan %s/%s: %w", j.run.ID, j.key, err)
	}
	if !j.bounded {
		return nil
	}
	// The summary's step is the series' largest; the scan from there
	// confirms it and copes with a summary that lags.
	from := int64(j.hi)
	if s, ok := j.run.Summary[j.key]; ok && s.Step > from {
		from = s.Step
	}
	err = e.src.Scan(project, j.run.ID, j.key, from, math.MaxInt64, func(ch *engine.Chunk) error {
		if ch.Stats.Count > 0 {
			j.hi = max(j.hi, float64(ch.Stats.MaxStep))
		}
		return nil
	})
	if err != nil && !absent(err) {
		return fmt.Errorf("scan %s/%s: %w", j.run.ID, j.key, err)
	}
	return nil
}

// draw downsamples one series into j.s.
func (e *Engine) draw(project string, q ChartRequest, g grid, ends []int64, j *job,
	raw *atomic.Int64) error {
	out := &seriesSink{s: &j.s, steps: q.X != engine.KeyStep, group: q.Grouping != nil}
	if drawsSteps(q) {
		return e.drawSteps(project, g, ends, j, out)
	}
	pts := j.pts
	j.pts = nil
	if pts == nil {
		var err error
		if pts, err = e.rawPoints(project, q.X, g, j); err != nil {
			return err
		}
	}
	pts = j.s.keepDrawable(pts, g)
	if q.Mode == ModeRaw && raw.Add(int64(len(pts))) > int64(e.maxRaw) {
		return fmt.Errorf("mode: raw answer over %d points; narrow x_min/x_max or use m4: %w",
			e.maxRaw, ErrTooLarge)
	}
	if q.Smoothing != nil {
		out.smooth = smooth(*q.Smoothing, pts)
	}
	drawPoints(q, g, pts, out)
	return nil
}

// drawsSteps reports whether a query draws its series with drawSteps.
func drawsSteps(q ChartRequest) bool {
	return q.X == engine.KeyStep && q.Mode == ModeM4 && q.Smoothing == nil
}

// drawSteps draws an x = _step series from chunk summaries; ends are the
// grid's columnEnds, which every series of a query shares.
func (e *Engine) drawSteps(project string, g grid, ends []int64, j *job,
	out *seriesSink) error {
	lo, hi, ok := stepRange(g)
	if !ok {
		return nil
	}
	buf := drawBufs.Get().(*drawBuf)
	defer drawBufs.Put(buf)
	j.s.X, j.s.Y = buf.x[:0], buf.y[:0]
	d := newStepDrawer(g, ends, out)
	err := e.src.Scan(project, j.run.ID, j.key, lo, hi, d.chunk)
	if err != nil && !absent(err) {
		j.s.X, j.s.Y = nil, nil
		return fmt.Errorf("scan %s/%s: %w", j.run.ID, j.key, err)
	}
	d.finish()
	buf.x, buf.y = j.s.X, j.s.Y
	j.s.X, j.s.Y = ownCopy(buf.x), ownCopy(buf.y)
	j.s.Count, j.s.NonFinite = d.count, d.nonFinite
	return nil
}

// drawBuf holds the points of a series while it is drawn. Growing the
// answer's slices point by point cost a quarter of a chart's CPU in copies
// and cleared memory; a series is drawn into a pooled buffer and copied
// once into slices of its size.
type drawBuf struct{ x, y []float64 }

var drawBufs = sync.Pool{New: func() any { return new(drawBuf) }}

// ownCopy returns a copy of s of its length, nil when s is empty as a
// series without points has always had.
func ownCopy(s []float64) []float64 {
	if len(s) == 0 {
		return nil
	}
	return slices.Clone(s)
}

// stepRange returns the integer steps inside the grid's range.
func stepRange(g grid) (lo, hi int64, ok bool) {
	fl, fh := math.Ceil(max(g.xMin, 0)), math.Floor(g.xMax)
	if fl > fh || fh < 0 {
		return 0, 0, false
	}
	if fh >= math.MaxInt64 {
		return int64(fl), math.MaxInt64, true
	}
	return int64(fl), int64(fh), true
}

// rawPoints reads a series' points in range on the chart's axes, in order.
func (e *Engine) rawPoints(project, x string, g grid, j *job) ([]point, error) {
	if x != engine.KeyStep {
		return e.joined(project, j.run.ID, j.key, x)
	}
	lo, hi, ok := stepRange(g)
	if !ok {
		return nil, nil
	}
	p, err := e.src.Read(project, j.run.ID, j.key, lo, hi)
	if err != nil {
		if absent(err) {
			return nil, nil
		}
		return nil, fmt.Errorf("read %s/%s: %w", j.run.ID, j.key, err)
	}
	pts := make([]point, p.Len())
	for i := range pts {
		pts[i] = point{x: float64(p.Steps[i]), y: p.Values[i], step: p.Steps[i]}
	}
	return pts, nil
}

// joined reads a series and its x series and pairs them by step: a point
// whose step has no finite x is left out. The result is ordered by x, then
// step.
func (e *Engine) joined(project, run, key, x string) ([]point, error) {
	ys, err := e.src.Read(project, run, key, 0, math.MaxInt64)
	if err != nil {
		if absent(err) {
			return nil, nil
		}
		return nil, fmt.Errorf("read %s/%s: %w", run, key, err)
	}
	xs, err := e.src.Read(project, run, x, 0, math.MaxInt64)
	if err != nil {
		if absent(err) {
			return nil, nil
		}
		return nil, fmt.Errorf("read %s/%s: %w", run, x, err)
	}
	pts := make([]point, 0, min(ys.Len(), xs.Len()))
	sorted := true
	for i, k := 0, 0; i < ys.Len() && k < xs.Len(); {
		switch si, sk := ys.Steps[i], xs.Steps[k]; {
		case si < sk:
			i++
		case si > sk:
			k++
		default:
			if xv := xs.Values[k]; isFinite(xv) {
				p := point{x: xv, y: ys.Values[i], step: si}
				if n := len(pts); n > 0 && before(p, pts[n-1]) {
					sorted = false
				}
				pts = append(pts, p)
			}
			i++
			k++
		}
	}
	if !sorted {
		slices.SortFunc(pts, func(a, b point) int {
			if before(a, b) {
				return -1
			}
			return 1
		})
	}
	return pts, nil
}

// keepDrawable returns, in place and numbered, the points in range with a
// finite y, and counts them and the others in range into s.
func (s *Series) keepDrawable(pts []point, g grid) []point {
	out := pts[:0]
	for _, p := range pts {
		if !g.contains(p.x) {
			continue
		}
		if !isFinite(p.y) {
			s.NonFinite++
			continue
		}
		s.Count++
		p.idx = len(out)
		out = append(out, p)
	}
	return out
}

// drawPoints downsamples drawable points in the request's mode.
func drawPoints(q ChartRequest, g grid, pts []point, out *seriesSink) {
	switch q.Mode {
	case ModeM4:
		m := newM4(g, out)
		for _, p := range pts {
			m.add(g.col(p.x), p)
		}
		m.flush()
		return
	case ModeLTTB:
		for _, i := range lttb(pts, *q.Width) {
			out.emit(pts[i])
		}
	case ModeRaw:
		for _, p := range pts {
			out.emit(p)
		}
	}
	if out.group {
		cols := &seriesSink{s: out.s, smooth: out.smooth, group: true, silent: true}
		m := newM4(g, cols)
		for _, p := range pts {
			m.add(g.col(p.x), p)
		}
		m.flush()
	}
}

// seriesSink appends downsampled points to a Series.
type seriesSink struct {
	s      *Series
	smooth []float64
	steps  bool // record the step of each point
	group  bool // record the last point of each column
	silent bool // record columns only
}

func (k *seriesSink) emit(p point) {
	if k.silent {
		return
	}
	s := k.s
	s.X = append(s.X, p.x)
	s.Y = append(s.Y, p.y)
	if k.steps {
		s.Steps = append(s.Steps, p.step)
	}
	if k.smooth != nil {
		s.Smoothed = append(s.Smoothed, k.smooth[p.idx])
	}
}

func (k *seriesSink) closeColumn(c int, last point) {
	if !k.group {
		return
	}
	y := last.y
	if k.smooth != nil {
		y = k.smooth[last.idx]
	}
	k.s.cols = append(k.s.cols, colPoint{c: c, x: last.x, y: y})
}
