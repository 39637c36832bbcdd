package engine

import (
	"maps"
	"math"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// runState is the engine's live view of one run: its metadata, its series
// with their heads, and its write-ahead bookkeeping.
type runState struct {
	project, id string
	proj        *projectState

	// sealMu orders seal rounds of the run (write lock) against readers
	// taking a consistent view of heads and blocks (read lock).
	sealMu sync.RWMutex

	// mu guards every field below.
	mu        sync.Mutex
	meta      Run // Summary is built from series in snapshot
	series    map[string]*series
	firstTime float64 // time of the run's first row; NaN before it
	nextSeq   uint64  // write-ahead sequence of the next batch
	walFloor  uint64  // records below are sealed: replay skips them
	unsealed  int     // points in heads
	lastWrite int64   // unix nanoseconds of the last Append
	deleted   bool
	// incarnation tells this run from an earlier run of the same id that
	// was deleted, whose write-ahead records may still be in the log.
	incarnation uint64
	// writeGen counts the batches applied to the heads (Run.WriteGen). It
	// is saved in every run record and starts from the saved value at Open,
	// which never repeats a value for other points where it matters:
	//   - after a clean Close, the last record written follows the last
	//     batch (every batch leaves points in a head, and Close seals every
	//     head, writing the record), so the count goes on from where it
	//     stopped, over the same points;
	//   - after a crash, the replay counts from an older record's value,
	//     may count a batch twice (at or above that record's floor, partly
	//     sealed) or not at all (unacknowledged, lost), so a value may name
	//     other points than before; but nothing keyed by the old values
	//     survives a crash: the saved answer cache is written only after a
	//     clean Close and removed when loaded.
	writeGen uint64
	// epoch counts retirements of sealed blocks; views counts the open
	// views of each epoch, and retired holds the blocks they may still
	// read (see retire.go).
	epoch   uint64
	views   map[uint64]int
	retired []retiredBlock

	// snap caches the Run snapshot handed to readers; nil when stale.
	snap atomic.Pointer[Run]
}

// series is one metric key of a run.
type series struct {
	key  string
	head head
	sum  summary
	// blocks lists the sealed blocks in increasing step, never overlapping;
	// valid once loaded. A seal round replaces the slice, never edits it.
	blocks []blockRef
	loaded bool
}

func newRunState(meta Run) *runState {
	rs := &runState{
		project:   meta.Project,
		id:        meta.ID,
		meta:      meta,
		series:    make(map[string]*series),
		firstTime: math.NaN(),
	}
	rs.meta.Summary = nil
	return rs
}

// storedSeries returns the series of key, creating it as one whose blocks
// are on disk, to be loaded on first use.
func (rs *runState) storedSeries(key string) *series {
	s, isNew := rs.seriesFor(key)
	if isNew {
		s.loaded = false
	}
	return s
}

// snapshot returns the shared, immutable view of the run.
func (rs *runState) snapshot() *Run {
	if r := rs.snap.Load(); r != nil {
		return r
	}
	rs.mu.Lock()
	defer rs.mu.Unlock()
	r := rs.buildSnapshot()
	rs.snap.Store(r)
	return r
}

// buildSnapshot copies the run; the caller holds rs.mu.
func (rs *runState) buildSnapshot() *Run {
	r := rs.meta
	r.Tags = slices.Clone(rs.meta.Tags)
	r.Config = maps.Clone(rs.meta.Config)
	r.Incarnation, r.WriteGen = rs.incarnation, rs.writeGen
	r.Summary = make(map[string]MetricSummary, len(rs.series))
	for k, s := range rs.series {
		if s.sum.has {
			r.Summary[k] = s.sum.MetricSummary
		}
	}
	return &r
}

// touch marks the snapshot stale; the caller holds rs.mu.
func (rs *runState) touch() { rs.snap.Store(nil) }

// seriesFor returns the series of key, creating it as one without blocks;
// the caller holds rs.mu.
func (rs *runState) seriesFor(key string) (*series, bool) {
	if s, ok := rs.series[key]; ok {
		return s, false
	}
	s := &series{key: key, loaded: true}
	rs.series[key] = s
	return s, true
}

// walFloorNow returns the sequence below which no write-ahead record is
// needed any more: every point of an older batch left the heads. Only a
// seal round may persist it, once those points are in blocks. The caller
// holds rs.mu.
func (rs *runState) walFloorNow() uint64 {
	floor := rs.nextSeq
	for _, s := range rs.series {
		if s.head.len() > 0 && s.head.minSeq < floor {
			floor = s.head.minSeq
		}
	}
	return floor
}

// idle reports whether the run has unsealed points older than d.
func (rs *runState) idle(now time.Time, d time.Duration) bool {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	return rs.unsealed > 0 && now.UnixNano()-rs.lastWrite >= int64(d)
}
