package engine

import (
	"math"
	"slices"
)

// Span is a read-only run of consecutive points of a chunk, in increasing
// step. A sealed block's span shares its arrays with the block cache: they
// never change, and the holder must not write to them. The steps of a block
// whose steps are evenly spaced (the common case, one row per step) are not
// stored but computed, which halves the cache's bytes per point.
type Span struct {
	// Values are the points' values; Values[i] is the value at Step(i).
	Values []float64
	// steps are the points' steps, or nil when Step(i) is first + i*stride.
	steps         []int64
	first, stride int64
}

// compactSpan returns the span of p, dropping its steps when they are
// evenly spaced. It shares p.Values.
func compactSpan(p Points) Span {
	n := p.Len()
	if n == 0 {
		return Span{}
	}
	stride := int64(1)
	if n > 1 {
		stride = p.Steps[1] - p.Steps[0]
	}
	for i := 1; i < n; i++ {
		if p.Steps[i]-p.Steps[i-1] != stride {
			return Span{Values: p.Values, steps: p.Steps}
		}
	}
	return Span{Values: p.Values, first: p.Steps[0], stride: stride}
}

// Len returns the number of points.
func (s Span) Len() int { return len(s.Values) }

// Even returns the first step and the stride of a span whose steps are
// evenly spaced and not stored, so that a reader may turn steps into
// positions by arithmetic; ok is false when the steps are stored.
func (s Span) Even() (first, stride int64, ok bool) {
	if s.steps != nil {
		return 0, 0, false
	}
	return s.first, s.stride, true
}

// Step returns the step of point i.
func (s Span) Step(i int) int64 {
	if s.steps != nil {
		return s.steps[i]
	}
	return s.first + int64(i)*s.stride
}

// Search returns the smallest i with Step(i) >= step, or Len() when there
// is none.
func (s Span) Search(step int64) int {
	n := len(s.Values)
	if s.steps == nil {
		switch {
		case n == 0 || step <= s.first:
			return 0
		case step > s.first+int64(n-1)*s.stride:
			return n
		}
		// first < step <= the last step, so the answer is in (0, n).
		q := (step - s.first) / s.stride
		if s.first+q*s.stride < step {
			q++
		}
		return int(q)
	}
	lo, hi := 0, n
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if s.steps[m] < step {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// Slice returns points [i, j) of s.
func (s Span) Slice(i, j int) Span {
	out := Span{Values: s.Values[i:j:j], first: s.first, stride: s.stride}
	if s.steps != nil {
		out.steps = s.steps[i:j:j]
	} else {
		out.first += int64(i) * s.stride
	}
	return out
}

// AppendTo appends the span's points to dst.
func (s Span) AppendTo(dst Points) Points {
	if s.steps != nil {
		dst.Steps = append(dst.Steps, s.steps...)
	} else {
		n := len(dst.Steps)
		dst.Steps = slices.Grow(dst.Steps, len(s.Values))[:n+len(s.Values)]
		steps, step := dst.Steps[n:], s.first
		for i := range steps {
			steps[i] = step
			step += s.stride
		}
	}
	dst.Values = append(dst.Values, s.Values...)
	return dst
}

// within returns the points of s with step in [lo, hi].
func (s Span) within(lo, hi int64) Span {
	i, j := s.Search(lo), s.Len()
	if hi < math.MaxInt64 {
		j = s.Search(hi + 1)
	}
	return s.Slice(i, max(i, j))
}
