// Package workload holds the data that benchmarks feed to every store: runs
// made of series, and the batches of rows in which a training script would
// send them.
//
// A series is one metric key of one run: points (step, value) in increasing
// step. A row is one log call: several keys at one step, with the wall time
// of the call. A batch is the rows of one run sent in one request. Stores
// under test, Sextant and its peers alike, consume batches, so that every
// store sees the same points in the same order.
package workload

import (
	"math"
	"slices"
	"sort"
)

// Series is one metric key of a run, columnar, in increasing step.
type Series struct {
	Key    string
	Steps  []int64
	Values []float64
}

// Len returns the number of points.
func (s Series) Len() int { return len(s.Steps) }

// Run is a training run: an id and its series.
type Run struct {
	ID     string
	Series []Series
}

// Points returns the number of points over all series of the run.
func (r Run) Points() int {
	n := 0
	for _, s := range r.Series {
		n += s.Len()
	}
	return n
}

// Row is one log call: values of Keys[i] at Step, logged at Time (seconds
// since the epoch). Rows of a dense batch share one Keys slice.
type Row struct {
	Step   int64
	Time   float64
	Keys   []string
	Values []float64
}

// Batch is the rows of one run sent in one request.
type Batch struct {
	Run  string
	Rows []Row
}

// Points returns the number of metric points in the batch.
func (b Batch) Points() int {
	n := 0
	for _, r := range b.Rows {
		n += len(r.Values)
	}
	return n
}

// Clock gives rows a wall time: Start plus StepSeconds per step, give or
// take Jitter × StepSeconds, rounded to microseconds as a client that sends
// time.time() with six decimals does. A training loop's wall time is nearly
// linear in its step, but never exactly.
type Clock struct {
	Start       float64
	StepSeconds float64
	Jitter      float64 // fraction of StepSeconds, below 0.5 to keep time increasing
}

// DefaultClock starts on 2026-01-01 and takes a quarter second per step,
// give or take 5%.
var DefaultClock = Clock{Start: 1767225600, StepSeconds: 0.25, Jitter: 0.05}

// At returns the wall time of step. The jitter is a hash of the step, so the
// same step always gets the same time.
func (c Clock) At(step int64) float64 {
	h := uint64(step)*0x9E3779B97F4A7C15 + 0x632BE59BD9B4E019
	h ^= h >> 29
	h *= 0xBF58476D1CE4E5B9
	h ^= h >> 32
	u := float64(h>>11)/(1<<53)*2 - 1 // in [-1, 1)
	t := c.Start + (float64(step)+c.Jitter*u)*c.StepSeconds
	return math.Round(t*1e6) / 1e6
}

// Batches turns a run into rows, one per distinct step with every key that
// has a point at that step, and cuts them into batches of at most
// rowsPerBatch rows, in increasing step.
func (r Run) Batches(rowsPerBatch int, clock Clock) []Batch {
	rows := r.rows(clock)
	var out []Batch
	for len(rows) > 0 {
		n := min(rowsPerBatch, len(rows))
		out = append(out, Batch{Run: r.ID, Rows: rows[:n:n]})
		rows = rows[n:]
	}
	return out
}

// rows merges the series of r by step.
func (r Run) rows(clock Clock) []Row {
	if r.dense() {
		return r.denseRows(clock)
	}
	byStep := make(map[int64]int)
	var rows []Row
	for _, s := range r.Series {
		for i, step := range s.Steps {
			j, ok := byStep[step]
			if !ok {
				j = len(rows)
				byStep[step] = j
				rows = append(rows, Row{Step: step, Time: clock.At(step)})
			}
			rows[j].Keys = append(rows[j].Keys, s.Key)
			rows[j].Values = append(rows[j].Values, s.Values[i])
		}
	}
	sort.Slice(rows, func(a, b int) bool { return rows[a].Step < rows[b].Step })
	return rows
}

// dense reports whether every series of r has the same steps, so that rows
// can share one Keys slice.
func (r Run) dense() bool {
	if len(r.Series) == 0 {
		return false
	}
	first := r.Series[0].Steps
	for _, s := range r.Series[1:] {
		if !slices.Equal(s.Steps, first) {
			return false
		}
	}
	return slices.IsSorted(first)
}

func (r Run) denseRows(clock Clock) []Row {
	keys := make([]string, len(r.Series))
	for i, s := range r.Series {
		keys[i] = s.Key
	}
	steps := r.Series[0].Steps
	values := make([]float64, len(steps)*len(keys))
	rows := make([]Row, len(steps))
	for i, step := range steps {
		v := values[i*len(keys) : (i+1)*len(keys) : (i+1)*len(keys)]
		for j, s := range r.Series {
			v[j] = s.Values[i]
		}
		rows[i] = Row{Step: step, Time: clock.At(step), Keys: keys, Values: v}
	}
	return rows
}
