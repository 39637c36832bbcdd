package engine

import (
	"math"
	"sort"
	"sync"
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
	// marks tell where each batch's points start, while the head is
	// sorted, so that sealing a prefix knows the oldest batch left; the
	// first mark is at 0.
	marks []mark
}

type mark struct {
	at  int
	seq uint64
}

func (h *head) len() int { return len(h.steps) }

// reserve makes room for n more points without growing point by point. A
// head about to reach limit points takes buffers with room to spare from a
// pool, since the batch that fills it usually overshoots.
func (h *head) reserve(n, limit int) {
	have := len(h.steps)
	if cap(h.steps)-have >= n {
		return
	}
	want := max(2*cap(h.steps), have+n)
	if want >= limit || have == 0 && n >= limit/16 {
		want = max(bigHead(limit), have+n)
	}
	steps, values := headBuffers(want, limit)
	h.steps = append(steps, h.steps...)
	h.values = append(values, h.values...)
}

func bigHead(limit int) int { return limit + limit/4 }

// Head buffers of at least bigHead(limit) points return here once sealed,
// so that busy series do not allocate a new head per block.
var (
	stepBufs  sync.Pool // *[]int64
	valueBufs sync.Pool // *[]float64
)

func headBuffers(want, limit int) ([]int64, []float64) {
	if want <= bigHead(limit) {
		s, _ := stepBufs.Get().(*[]int64)
		v, _ := valueBufs.Get().(*[]float64)
		if s != nil && v != nil && cap(*s) >= want && cap(*v) >= want {
			return (*s)[:0], (*v)[:0]
		}
	}
	return make([]int64, 0, want), make([]float64, 0, want)
}

// recycle returns the buffers of sealed head points to the pools.
func recycle(p Points, limit int) {
	if cap(p.Steps) >= bigHead(limit) && cap(p.Values) >= bigHead(limit) {
		s, v := p.Steps[:0], p.Values[:0]
		stepBufs.Put(&s)
		valueBufs.Put(&v)
	}
}

func (h *head) add(step int64, v float64, seq uint64) {
	n := len(h.steps)
	if n == 0 {
		h.sorted, h.minSeq = true, seq
	} else if step <= h.steps[n-1] {
		h.sorted = false
	}
	if h.sorted && (len(h.marks) == 0 || h.marks[len(h.marks)-1].seq != seq) {
		h.marks = append(h.marks, mark{n, seq})
	}
	h.steps = append(h.steps, step)
	h.values = append(h.values, v)
}

// addColumn adds the points of batch seq, steps[i] and values[i], as add
// would one by one; increasing says the steps are, and steps is not empty.
func (h *head) addColumn(steps []int64, values []float64, seq uint64, increasing bool) {
	n := len(h.steps)
	if n == 0 {
		h.sorted, h.minSeq = true, seq
	} else if steps[0] <= h.steps[n-1] {
		h.sorted = false
	}
	if h.sorted && (len(h.marks) == 0 || h.marks[len(h.marks)-1].seq != seq) {
		h.marks = append(h.marks, mark{n, seq})
	}
	h.sorted = h.sorted && increasing
	h.steps = append(h.steps, steps...)
	h.values = append(h.values, values...)
}

// normalize sorts the head by step, keeping the last written value of each
// step, so that it obeys the order Points promises.
func (h *head) normalize() {
	if h.sorted {
		return
	}
	// Arrival order is lost: from here on the head's points count as
	// written by its oldest batch.
	h.marks = append(h.marks[:0], mark{0, h.minSeq})
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
	*h = head{marks: h.marks[:0]}
	return p
}

// takeFirst removes the n points of smallest step from the head and returns
// them; the rest move to new buffers. The head's minSeq stays exact while
// the head is sorted, and is kept (too old, never too new) otherwise.
func (h *head) takeFirst(n, limit int) Points {
	h.normalize()
	if n >= h.len() {
		return h.take()
	}
	p := Points{Steps: h.steps[:n], Values: h.values[:n]}
	rest := h.len() - n
	steps, values := headBuffers(max(rest, bigHead(limit)), limit)
	h.steps = append(steps, h.steps[n:]...)
	h.values = append(values, h.values[n:]...)
	if len(h.marks) > 0 { // marks[0].at is 0
		i := sort.Search(len(h.marks), func(i int) bool { return h.marks[i].at > n }) - 1
		kept := h.marks[:0]
		for _, m := range h.marks[i:] {
			kept = append(kept, mark{max(m.at-n, 0), m.seq})
		}
		h.marks, h.minSeq = kept, kept[0].seq
	}
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

// summary accumulates a series' MetricSummary point by point.
type summary struct {
	MetricSummary
	has bool
}

// addAll adds the points steps[i], values[i] in order, as add does one by
// one, in a loop that keeps the summary in registers.
func (s *summary) addAll(steps []int64, values []float64) {
	if len(values) == 0 {
		return
	}
	steps = steps[:len(values)]
	if !s.has {
		s.add(steps[0], values[0])
		steps, values = steps[1:], values[1:]
	}
	last, step, lo, hi := s.Last, s.Step, s.Min, s.Max
	for i, v := range values {
		if steps[i] >= step {
			last, step = v, steps[i]
		}
		if v-v != 0 { // NaN or ±Inf
			continue
		}
		if !(v >= lo) { // NaN lo means no finite value yet
			lo = v
		}
		if !(v <= hi) {
			hi = v
		}
	}
	s.Last, s.Step, s.Min, s.Max = last, step, lo, hi
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
