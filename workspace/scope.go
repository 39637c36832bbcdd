package workspace

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/sextant-ml/sextant/engine"
)

// Source is the part of the metric store that chart queries read.
// *engine.DB satisfies it, and a Scope is one too, so that the chart query
// engine runs unchanged over what a share link may see.
type Source interface {
	Run(project, id string) (*engine.Run, error)
	Runs(project string) ([]*engine.Run, error)
	Read(project, run, key string, minStep, maxStep int64) (engine.Points, error)
	Scan(project, run, key string, minStep, maxStep int64, fn func(*engine.Chunk) error) error
}

// Scope is a Source that sees only what one panels block of a report
// shows: its project, its runs and the keys of its panels (and the
// reserved x-axes), and in a static report only the points at or below
// each series' snapshot bound. Anything else is ErrNotFound.
//
// TODO: a point written at or below a bound after the save (a rewritten
// step, or a late row of an earlier step) still shows in a static report;
// excluding it needs the engine to tell when each point was written.
type Scope struct {
	src     Source
	project string
	runs    []string // sorted
	keys    []string // sorted
	snap    *Snapshot
}

// Scope returns the Source that a share link of the report reads for
// block i, over the project's store src. resolve selects the runs of a
// dynamic block; a static block uses the runs of its snapshot.
func (r *Report) Scope(i int, project string, src Source, resolve Resolver) (*Scope, error) {
	if i < 0 || i >= len(r.Blocks) || r.Blocks[i].Type != BlockPanels {
		return nil, fmt.Errorf("block %d: no panels block of the report: %w", i, ErrNotFound)
	}
	b := &r.Blocks[i]
	sc := &Scope{src: src, project: project, keys: b.Keys(), snap: b.Snapshot}
	if r.Mode == ModeStatic && b.Snapshot != nil {
		sc.runs = slices.Clone(b.Snapshot.Runs)
	} else {
		runs, err := resolve(*b.Runs)
		if err != nil {
			return nil, fmt.Errorf("blocks[%d].runs: %w", i, err)
		}
		for _, run := range runs {
			sc.runs = append(sc.runs, run.ID)
		}
		sc.snap = nil
	}
	slices.Sort(sc.runs)
	slices.Sort(sc.keys)
	return sc, nil
}

// HasRun reports whether the scope shows run id.
func (sc *Scope) HasRun(id string) bool {
	_, ok := slices.BinarySearch(sc.runs, id)
	return ok
}

// HasKey reports whether a chart of the scope may read key: a key of the
// block's panels, or a reserved x-axis.
func (sc *Scope) HasKey(key string) bool {
	_, ok := slices.BinarySearch(sc.keys, key)
	return ok || key == engine.KeyTimestamp || key == engine.KeyRuntime
}

// RunIDs returns the runs the scope shows, sorted.
func (sc *Scope) RunIDs() []string { return slices.Clone(sc.runs) }

func (sc *Scope) checkRun(project, id string) error {
	if project != sc.project || !sc.HasRun(id) {
		return fmt.Errorf("run %q: not in the shared report: %w", id, ErrNotFound)
	}
	return nil
}

// Run returns a run of the scope. A static scope hides the summary,
// which may hold points logged after the snapshot.
func (sc *Scope) Run(project, id string) (*engine.Run, error) {
	if err := sc.checkRun(project, id); err != nil {
		return nil, err
	}
	r, err := sc.src.Run(project, id)
	if err != nil || sc.snap == nil {
		return r, err
	}
	c := *r
	c.Summary = nil
	c.LastStep = -1
	for _, b := range sc.snap.Bounds[id] {
		c.LastStep = max(c.LastStep, b)
	}
	return &c, nil
}

// Runs returns the runs of the scope that still exist, by id.
func (sc *Scope) Runs(project string) ([]*engine.Run, error) {
	if project != sc.project {
		return nil, fmt.Errorf("project %q: not the shared report's: %w", project, ErrNotFound)
	}
	runs := make([]*engine.Run, 0, len(sc.runs))
	for _, id := range sc.runs {
		r, err := sc.Run(project, id)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		runs = append(runs, r)
	}
	return runs, nil
}

// bound returns the largest step of (run, key) the scope shows; ok is
// false when it shows none.
func (sc *Scope) bound(project, run, key string) (int64, bool, error) {
	if err := sc.checkRun(project, run); err != nil {
		return 0, false, err
	}
	if !sc.HasKey(key) {
		return 0, false, fmt.Errorf("key %q: not in the shared report: %w", key, ErrNotFound)
	}
	if sc.snap == nil {
		return math.MaxInt64, true, nil
	}
	if !reservedKey(key) {
		b, ok := sc.snap.Bound(run, key)
		return b, ok, nil
	}
	// A reserved x-axis is read at the steps of the series it is drawn
	// against, which are clamped; its own bound is the run's largest.
	bounds := sc.snap.Bounds[run]
	if len(bounds) == 0 {
		return 0, false, nil
	}
	top := int64(-1)
	for _, b := range bounds {
		top = max(top, b)
	}
	return top, true, nil
}

// Read returns the points of a series of the scope up to its bound.
func (sc *Scope) Read(project, run, key string, minStep, maxStep int64) (engine.Points, error) {
	bound, ok, err := sc.bound(project, run, key)
	if err != nil || !ok || minStep > bound {
		return engine.Points{}, err
	}
	return sc.src.Read(project, run, key, minStep, min(maxStep, bound))
}

// Scan hands fn the chunks of a series of the scope up to its bound; a
// chunk that crosses the bound is cut at it.
func (sc *Scope) Scan(project, run, key string, minStep, maxStep int64,
	fn func(*engine.Chunk) error) error {
	bound, ok, err := sc.bound(project, run, key)
	if err != nil || !ok || minStep > bound {
		return err
	}
	return sc.src.Scan(project, run, key, minStep, min(maxStep, bound),
		func(ch *engine.Chunk) error {
			switch {
			case ch.Stats.Count > 0 && ch.Stats.MinStep > bound:
				return nil
			case ch.Stats.MaxStep <= bound:
				return fn(ch)
			}
			pts, err := ch.Points()
			if err != nil {
				return err
			}
			n, _ := slices.BinarySearch(pts.Steps, bound+1)
			if n == 0 {
				return nil
			}
			return fn(engine.NewChunk(engine.Points{Steps: pts.Steps[:n], Values: pts.Values[:n]}))
		})
}
