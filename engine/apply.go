package engine

import (
	"math"
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

	rs.unsealed += len(b.values) + 2*len(b.steps)
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

func (s *series) add(step int64, v float64, seq uint64) {
	s.head.add(step, v, seq)
	s.sum.add(step, v)
}
