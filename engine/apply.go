package engine

import (
	"math"
	"slices"
	"time"
)

// apply adds the points of b, whose steps are resolved, to the heads and
// summaries of the run, as write-ahead batch seq. It returns the metric
// keys new to the run. The caller holds rs.mu.
func (rs *runState) apply(b *batch, seq uint64, now time.Time, limit int) []string {
	var fresh []string
	b.series = b.series[:0]
	for _, k := range b.keys {
		s, isNew := rs.seriesFor(k)
		if isNew {
			fresh = append(fresh, k)
		}
		b.series = append(b.series, s)
	}
	ts, newTS := rs.seriesFor(KeyTimestamp)
	rt, _ := rs.seriesFor(KeyRuntime)
	if newTS {
		fresh = append(fresh, KeyTimestamp, KeyRuntime)
	}
	rs.reserve(b, ts, rt, limit)
	if math.IsNaN(rs.firstTime) && len(b.times) > 0 {
		rs.firstTime = b.times[0]
	}

	if b.dense {
		rs.applyByKey(b, ts, rt, seq)
	} else {
		p := 0
		for i, step := range b.steps {
			t := b.times[i]
			ts.add(step, t, seq)
			rt.add(step, t-rs.firstTime, seq)
			for _, k := range b.ptKey[p : p+int(b.counts[i])] {
				b.series[k].add(step, b.values[p], seq)
				p++
			}
			rs.meta.LastStep = max(rs.meta.LastStep, step)
		}
	}

	rs.unsealed += len(b.values) + 2*len(b.steps)
	rs.writeGen++
	rs.lastWrite = now.UnixNano()
	if now.After(rs.meta.Heartbeat) {
		rs.meta.Heartbeat = now
	}
	rs.touch()
	return fresh
}

// reserve makes room in the heads for the points of b.
func (rs *runState) reserve(b *batch, ts, rt *series, limit int) {
	rows := len(b.steps)
	ts.head.reserve(rows, limit)
	rt.head.reserve(rows, limit)
	for _, s := range b.series {
		s.head.reserve(rows, limit)
	}
}

// applyByKey adds a dense batch (every row holds every key, in order) one
// series at a time: the same points as adding row by row, with the head's
// order and batch marks checked once per series instead of once per point.
func (rs *runState) applyByKey(b *batch, ts, rt *series, seq uint64) {
	increasing := true
	for i, step := range b.steps {
		if i > 0 && step <= b.steps[i-1] {
			increasing = false
		}
		rs.meta.LastStep = max(rs.meta.LastStep, step)
	}
	ts.addColumn(b.steps, b.times, seq, increasing)
	col := slices.Grow(b.col[:0], len(b.steps))[:len(b.steps)]
	for i, t := range b.times {
		col[i] = t - rs.firstTime
	}
	rt.addColumn(b.steps, col, seq, increasing)
	stride := len(b.keys)
	for k, s := range b.series {
		for i := range col {
			col[i] = b.values[i*stride+k]
		}
		s.addColumn(b.steps, col, seq, increasing)
	}
	b.col = col
}

// addColumn adds the points of one batch, steps[i] and values[i], to the
// series, as add would one by one; increasing says the steps are.
func (s *series) addColumn(steps []int64, values []float64, seq uint64, increasing bool) {
	if len(steps) == 0 {
		return
	}
	s.head.addColumn(steps, values, seq, increasing)
	s.sum.addAll(steps, values)
}

func (s *series) add(step int64, v float64, seq uint64) {
	s.head.add(step, v, seq)
	s.sum.add(step, v)
}
