package query

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/sextant-ml/sextant/engine"
)

// HistoryQuery names the full-resolution history to export: the points of
// Keys of one run with step in [MinStep, MaxStep].
type HistoryQuery struct {
	Project, Run     string
	Keys             []string
	MinStep, MaxStep int64
}

// windowPoints bounds the points one key contributes to a window: windows
// span so many steps, and a series holds at most one point a step, so an
// export holds at most windowPoints x len(Keys) points at once.
const windowPoints = 1 << 14

func (q HistoryQuery) validate() error {
	if len(q.Keys) > MaxKeys {
		return invalid("keys", "at most %d keys", MaxKeys)
	}
	for i, k := range q.Keys {
		if k == "" || len(k) > engine.MaxKeyLen {
			return invalid(fmt.Sprintf("keys[%d]", i), "must be 1 to %d bytes", engine.MaxKeyLen)
		}
		if slices.Index(q.Keys, k) != i {
			return invalid(fmt.Sprintf("keys[%d]", i), "%q is listed twice", k)
		}
	}
	if q.MinStep < 0 || q.MaxStep < q.MinStep {
		return invalid("min_step", "must be 0 or more and not above max_step")
	}
	return nil
}

// historyReader walks a run's history window by window: each call of next
// fills steps with the steps of the window that any key has, and vals and
// has with each key's value at those steps.
type historyReader struct {
	src  Source
	q    HistoryQuery
	from int64 // first step of the next window
	done bool

	steps []int64
	vals  [][]float64
	has   [][]bool
	read  []engine.Points
	at    []int
}

func newHistoryReader(src Source, q HistoryQuery) *historyReader {
	n := len(q.Keys)
	return &historyReader{src: src, q: q, from: q.MinStep, vals: make([][]float64, n),
		has: make([][]bool, n), read: make([]engine.Points, n), at: make([]int, n)}
}

// next loads the next window holding points; false at the end.
func (h *historyReader) next() (bool, error) {
	for !h.done {
		lo := h.from
		hi := h.q.MaxStep
		if hi-lo >= windowPoints {
			hi = lo + windowPoints - 1
		}
		if hi == h.q.MaxStep {
			h.done = true
		} else {
			h.from = hi + 1
		}
		n, err := h.readWindow(lo, hi)
		if err != nil || n > 0 {
			return n > 0, err
		}
		if h.done {
			break
		}
		if err := h.skipEmpty(); err != nil {
			return false, err
		}
	}
	return false, nil
}

// readWindow reads every key over [lo, hi] and aligns them by step.
func (h *historyReader) readWindow(lo, hi int64) (int, error) {
	total := 0
	for k, key := range h.q.Keys {
		p, err := h.src.Read(h.q.Project, h.q.Run, key, lo, hi)
		if err != nil && !absent(err) {
			return 0, fmt.Errorf("read %s: %w", key, err)
		}
		h.read[k], h.at[k] = p, 0
		total += p.Len()
	}
	if total == 0 {
		return 0, nil
	}
	h.steps = h.steps[:0]
	for k := range h.vals {
		h.vals[k], h.has[k] = h.vals[k][:0], h.has[k][:0]
	}
	for {
		step := int64(math.MaxInt64)
		for k, p := range h.read {
			if h.at[k] < p.Len() {
				step = min(step, p.Steps[h.at[k]])
			}
		}
		if step == math.MaxInt64 && !h.pending() {
			return len(h.steps), nil
		}
		h.steps = append(h.steps, step)
		for k, p := range h.read {
			ok := h.at[k] < p.Len() && p.Steps[h.at[k]] == step
			v := 0.0
			if ok {
				v = p.Values[h.at[k]]
				h.at[k]++
			}
			h.vals[k] = append(h.vals[k], v)
			h.has[k] = append(h.has[k], ok)
		}
	}
}

// pending reports whether any key has points left in the window (only
// possible at step MaxInt64).
func (h *historyReader) pending() bool {
	for k, p := range h.read {
		if h.at[k] < p.Len() {
			return true
		}
	}
	return false
}

// skipEmpty moves from to the first step at or after it that any key has,
// so that sparse histories are not walked window by window.
func (h *historyReader) skipEmpty() error {
	first := int64(math.MaxInt64)
	found := false
	for _, key := range h.q.Keys {
		s, ok, err := h.firstStep(key, h.from)
		if err != nil {
			return err
		}
		if ok && s < first {
			first, found = s, true
		}
	}
	if !found || first > h.q.MaxStep {
		h.done = true
		return nil
	}
	h.from = first
	return nil
}

// firstStep returns the smallest step of key at or after from.
func (h *historyReader) firstStep(key string, from int64) (int64, bool, error) {
	var step int64
	found := false
	err := h.src.Scan(h.q.Project, h.q.Run, key, from, h.q.MaxStep, func(ch *engine.Chunk) error {
		if ch.Stats.Count == 0 || ch.Stats.MaxStep < from {
			return nil
		}
		if ch.Stats.MinStep >= from {
			step, found = ch.Stats.MinStep, true
			return errStop
		}
		p, err := ch.Points()
		if err != nil {
			return err
		}
		i, _ := slices.BinarySearch(p.Steps, from)
		if i < p.Len() {
			step, found = p.Steps[i], true
			return errStop
		}
		return nil
	})
	if err != nil && !errors.Is(err, errStop) && !absent(err) {
		return 0, false, fmt.Errorf("scan %s: %w", key, err)
	}
	return step, found, nil
}
