package query

import (
	"fmt"
	"math"
	"sort"
	"sync/atomic"

	"github.com/sextant-ml/sextant/engine"
)

// memSource is an in-memory Source that cuts each series into chunks of
// chunkSize points, the way the store hands out sealed blocks.
type memSource struct {
	chunkSize int
	runs      map[string]*engine.Run
	series    map[[2]string]engine.Points
	chunks    map[[2]string][]*engine.Chunk
	reads     atomic.Int64 // points returned by Read
}

func newMemSource(chunkSize int) *memSource {
	return &memSource{chunkSize: chunkSize, runs: map[string]*engine.Run{},
		series: map[[2]string]engine.Points{}, chunks: map[[2]string][]*engine.Chunk{}}
}

// add stores a series and keeps the run's summary as the engine would.
func (m *memSource) add(run, key string, p engine.Points) {
	r, ok := m.runs[run]
	if !ok {
		r = &engine.Run{ID: run, Project: "p", Summary: map[string]engine.MetricSummary{},
			LastStep: -1}
		m.runs[run] = r
	}
	m.series[[2]string{run, key}] = p
	var chunks []*engine.Chunk
	for a := 0; a < p.Len(); a += m.chunkSize {
		b := min(a+m.chunkSize, p.Len())
		chunks = append(chunks, engine.NewChunk(engine.Points{Steps: p.Steps[a:b],
			Values: p.Values[a:b]}))
	}
	m.chunks[[2]string{run, key}] = chunks
	if p.Len() == 0 {
		return
	}
	s := engine.MetricSummary{Last: p.Values[p.Len()-1], Step: p.Steps[p.Len()-1],
		Min: math.Inf(1), Max: math.Inf(-1)}
	for _, v := range p.Values {
		if isFinite(v) {
			s.Min, s.Max = min(s.Min, v), max(s.Max, v)
		}
	}
	r.Summary[key] = s
	r.LastStep = max(r.LastStep, s.Step)
}

func (m *memSource) Run(project, id string) (*engine.Run, error) {
	r, ok := m.runs[id]
	if !ok {
		return nil, fmt.Errorf("run %q: %w", id, engine.ErrNotFound)
	}
	return r, nil
}

func (m *memSource) Runs(project string) ([]*engine.Run, error) {
	var out []*engine.Run
	for _, r := range m.runs {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

func (m *memSource) Read(project, run, key string, lo, hi int64) (engine.Points, error) {
	p, ok := m.series[[2]string{run, key}]
	if !ok {
		return engine.Points{}, fmt.Errorf("series %s/%s: %w", run, key, engine.ErrNotFound)
	}
	var out engine.Points
	for i, s := range p.Steps {
		if s >= lo && s <= hi {
			out.Steps = append(out.Steps, s)
			out.Values = append(out.Values, p.Values[i])
		}
	}
	m.reads.Add(int64(out.Len()))
	return out, nil
}

func (m *memSource) Scan(project, run, key string, lo, hi int64,
	fn func(*engine.Chunk) error) error {
	chunks, ok := m.chunks[[2]string{run, key}]
	if !ok {
		return fmt.Errorf("series %s/%s: %w", run, key, engine.ErrNotFound)
	}
	for _, ch := range chunks {
		if ch.Stats.MaxStep < lo || ch.Stats.MinStep > hi {
			continue
		}
		if err := fn(ch); err != nil {
			return err
		}
	}
	return nil
}
