package query

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/VictoriaMetrics/fastcache"

	"github.com/sextant-ml/sextant/engine"
	"github.com/sextant-ml/sextant/query/filter"
)

// Source is the part of the store that queries read; *engine.DB satisfies
// it, and tests use fakes built on engine.NewChunk.
type Source interface {
	Run(project, id string) (*engine.Run, error)
	Runs(project string) ([]*engine.Run, error)
	Read(project, run, key string, minStep, maxStep int64) (engine.Points, error)
	Scan(project, run, key string, minStep, maxStep int64, fn func(*engine.Chunk) error) error
}

// Options configure an Engine. Zero values pick the defaults.
type Options struct {
	// Workers bounds the series drawn at once by one query; default
	// GOMAXPROCS.
	Workers int
	// CacheBytes sizes the cache of finished answers; default 256 MiB,
	// allocated as it fills; negative disables it.
	CacheBytes int
	// MaxRawPoints is the most points mode raw returns; default
	// MaxRawPoints.
	MaxRawPoints int
}

// Engine answers chart queries over a Source.
type Engine struct {
	src     Source
	workers int
	maxRaw  int
	cache   *fastcache.Cache
	hits    atomic.Int64
	misses  atomic.Int64
}

// NewEngine returns an Engine reading src.
func NewEngine(src Source, opts Options) *Engine {
	e := &Engine{src: src, workers: opts.Workers, maxRaw: opts.MaxRawPoints}
	if e.workers <= 0 {
		e.workers = runtime.GOMAXPROCS(0)
	}
	if e.maxRaw <= 0 {
		e.maxRaw = MaxRawPoints
	}
	switch {
	case opts.CacheBytes == 0:
		e.cache = fastcache.New(256 << 20)
	case opts.CacheBytes > 0:
		e.cache = fastcache.New(opts.CacheBytes)
	}
	return e
}

// CacheStats returns the hits and misses of the answer cache.
func (e *Engine) CacheStats() (hits, misses int64) { return e.hits.Load(), e.misses.Load() }

// job is one series of a query on its way through the passes.
type job struct {
	run *engine.Run
	key string
	s   Series
	// the series' x range, from the bounds pass
	lo, hi  float64
	bounded bool
	// pts keeps the joined points of the bounds pass for the draw pass
	pts []point
}

// Chart answers a chart query.
func (e *Engine) Chart(project string, req ChartRequest) (*ChartResult, error) {
	q, err := req.normalize()
	if err != nil {
		return nil, err
	}
	runs, err := e.resolveRuns(project, q)
	if err != nil {
		return nil, err
	}
	return e.chart(project, q, runs)
}

func (e *Engine) chart(project string, q ChartRequest, runs []*engine.Run) (*ChartResult, error) {
	if len(runs)*len(q.Keys) > MaxSeries {
		return nil, fmt.Errorf("runs: %d runs times %d keys is over %d series: %w",
			len(runs), len(q.Keys), MaxSeries, ErrTooLarge)
	}
	jobs := make([]job, 0, len(runs)*len(q.Keys))
	for _, r := range runs {
		for _, k := range q.Keys {
			jobs = append(jobs, job{run: r, key: k, s: Series{Run: r.ID, Key: k}})
		}
	}
	res := &ChartResult{X: q.X, Mode: q.Mode}
	g, ok, err := e.grid(project, q, jobs)
	if err != nil {
		return nil, err
	}
	if ok {
		res.XMin, res.XMax, res.HasRange = g.xMin, g.xMax, true
		var raw atomic.Int64
		var ends []int64
		if lo, hi, ok := stepRange(g); ok && drawsSteps(q) {
			ends = columnEnds(g, lo, hi)
		}
		err = e.each(len(jobs), func(i int) error {
			return e.draw(project, q, g, ends, &jobs[i], &raw)
		})
		if err != nil {
			return nil, err
		}
	}
	res.Series = make([]Series, len(jobs))
	for i := range jobs {
		res.Series[i] = jobs[i].s
	}
	if q.Grouping != nil && ok {
		if res.Groups, err = groupSeries(q, g, runs, res.Series); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// resolveRuns returns the runs a query names, or those its filter passes,
// ordered by id.
func (e *Engine) resolveRuns(project string, q ChartRequest) ([]*engine.Run, error) {
	if len(q.Runs) > 0 {
		runs := make([]*engine.Run, len(q.Runs))
		for i, id := range q.Runs {
			r, err := e.src.Run(project, id)
			if err != nil {
				return nil, fmt.Errorf("runs[%d]: %q: %w", i, id, err)
			}
			runs[i] = r
		}
		return runs, nil
	}
	expr, err := filter.Parse(q.Filter)
	if err != nil {
		return nil, fmt.Errorf("filter: %w", err)
	}
	all, err := e.src.Runs(project)
	if err != nil {
		return nil, fmt.Errorf("list runs: %w", err)
	}
	var runs []*engine.Run
	for _, r := range all {
		if expr.Match(r) {
			runs = append(runs, r)
		}
	}
	slices.SortFunc(runs, func(a, b *engine.Run) int { return strings.Compare(a.ID, b.ID) })
	return runs, nil
}

// grid settles the x range: the request's, completed by the smallest and
// largest x over every requested series. ok is false when there is
// nothing to draw.
func (e *Engine) grid(project string, q ChartRequest, jobs []job) (grid, bool, error) {
	width := *q.Width
	if q.XMin != nil && q.XMax != nil {
		return newGrid(*q.XMin, *q.XMax, width), true, nil
	}
	err := e.each(len(jobs), func(i int) error { return e.bounds(project, q, &jobs[i]) })
	if err != nil {
		return grid{}, false, err
	}
	lo, hi, found := math.Inf(1), math.Inf(-1), false
	for i := range jobs {
		if jobs[i].bounded {
			lo, hi, found = min(lo, jobs[i].lo), max(hi, jobs[i].hi), true
		}
	}
	if q.XMin != nil {
		lo = *q.XMin
	}
	if q.XMax != nil {
		hi = *q.XMax
	}
	if !found || lo > hi {
		return grid{}, false, nil
	}
	return newGrid(lo, hi, width), true, nil
}

// each runs fn for 0..n-1 on at most e.workers goroutines and returns the
// first error.
func (e *Engine) each(n int, fn func(i int) error) error {
	var (
		next     atomic.Int64
		failed   atomic.Bool
		firstErr error
		once     sync.Once
		wg       sync.WaitGroup
	)
	for range min(e.workers, n) {
		wg.Go(func() {
			for !failed.Load() {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if err := fn(i); err != nil {
					once.Do(func() { firstErr = err })
					failed.Store(true)
				}
			}
		})
	}
	wg.Wait()
	return firstErr
}

// errStop ends a Scan early.
var errStop = errors.New("stop scan")

// absent reports whether err means the series does not exist.
func absent(err error) bool { return errors.Is(err, engine.ErrNotFound) }
