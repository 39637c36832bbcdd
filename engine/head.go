package engine

import (
	"math"
	"sort"
)

// head holds the points of a series that are not sealed yet, in arrival
// order. While sorted is set the steps are strictly increasing; otherwise
// normalize restores that, keeping the last written value of a step.
type head struct {
	steps  []int64
	values []float64
	sorted bool
	// minSeq is the write-ahead sequence of the oldest batch with a point in
	// the head; meaningful while the head is not empty.
	minSeq uint64
}

func (h *head) len() int { return len(h.steps) }

func (h *head) add(step int64, v float64, seq uint64) {
	n := len(h.steps)
	if n == 0 {
		h.sorted, h.minSeq = true, seq
	} else if step <= h.steps[n-1] {
		h.sorted = false
	}
	h.steps = append(h.steps, step)
	h.values = append(h.values, v)
}

// normalize sorts the head by step, keeping the last written value of each
// step, so that it obeys the order Points promises.
func (h *head) normalize() {
	if h.sorted {
		return
	}
	sort.Stable(byStep{h.steps, h.values})
	out := 0
	for i := range h.steps {
		if i+1 < len(h.steps) && h.steps[i+1] == h.steps[i] {
			continue // a later write of the same step wins
		}
		h.steps[out], h.values[out] = h.steps[i], h.values[i]
		out++
	}
	h.steps, h.values, h.sorted = h.steps[:out], h.values[:out], true
}

// take empties the head and returns its normalized points.
func (h *head) take() Points {
	h.normalize()
	p := Points{Steps: h.steps, Values: h.values}
	*h = head{}
	return p
}

// rangeCopy returns a copy of the normalized points with step in [lo, hi].
func (h *head) rangeCopy(lo, hi int64) Points {
	h.normalize()
	i := sort.Search(len(h.steps), func(i int) bool { return h.steps[i] >= lo })
	j := sort.Search(len(h.steps), func(i int) bool { return h.steps[i] > hi })
	if i >= j {
		return Points{}
	}
	return Points{
		Steps:  append([]int64(nil), h.steps[i:j]...),
		Values: append([]float64(nil), h.values[i:j]...),
	}
}

type byStep struct {
	steps  []int64
	values []float64
}

func (b byStep) Len() int           { return len(b.steps) }
func (b byStep) Less(i, j int) bool { return b.steps[i] < b.steps[j] }
func (b byStep) Swap(i, j int) {
	b.steps[i], b.steps[j] = b.steps[j], b.steps[i]
	b.values[i], b.values[j] = b.values[j], b.values[i]
}

// merge returns the points of a and b in increasing step; where both hold a
// step, b's value wins.
func merge(a, b Points) Points {
	out := Points{
		Steps:  make([]int64, 0, a.Len()+b.Len()),
		Values: make([]float64, 0, a.Len()+b.Len()),
	}
	i, j := 0, 0
	for i < a.Len() || j < b.Len() {
		switch {
		case j == b.Len() || i < a.Len() && a.Steps[i] < b.Steps[j]:
			out.Steps, out.Values = append(out.Steps, a.Steps[i]), append(out.Values, a.Values[i])
			i++
		default:
			if i < a.Len() && a.Steps[i] == b.Steps[j] {
				i++
			}
			out.Steps, out.Values = append(out.Steps, b.Steps[j]), append(out.Values, b.Values[j])
			j++
		}
	}
	return out
}

// trim returns the part of p with step in [lo, hi], sharing p's arrays.
func trim(p Points, lo, hi int64) Points {
	i := sort.Search(p.Len(), func(i int) bool { return p.Steps[i] >= lo })
	j := sort.Search(p.Len(), func(i int) bool { return p.Steps[i] > hi })
	if i >= j {
		return Points{}
	}
	return Points{Steps: p.Steps[i:j], Values: p.Values[i:j]}
}

// summary accumulates a series' MetricSummary point by point.
type summary struct {
	MetricSummary
	has bool
}

func (s *summary) add(step int64, v float64) {
	if !s.has {
		s.has = true
		s.MetricSummary = MetricSummary{Last: v, Step: step, Min: math.NaN(), Max: math.NaN()}
	} else if step >= s.Step {
		s.Last, s.Step = v, step
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return
	}
	if !(v >= s.Min) { // NaN Min means no finite value yet
		s.Min = v
	}
	if !(v <= s.Max) {
		s.Max = v
	}
}
