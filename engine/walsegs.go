package engine

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"

	"github.com/sextant-ml/sextant/engine/wal"
)

// walMaxClosed bounds the closed log segments: past it, the runs that hold
// back the oldest one are sealed, which bounds the log's disk use and the
// replay time on Open.
const walMaxClosed = 4

func walDir(dir string) string { return filepath.Join(dir, "wal") }

// noteSegment records that segment seg holds record seq of rs. The caller
// holds db.walMu.
func (db *DB) noteSegment(seg int, rs *runState, seq uint64) {
	runs := db.segRuns[seg]
	if runs == nil {
		runs = make(map[*runState]uint64)
		db.segRuns[seg] = runs
		if seg != db.lastSeg {
			db.lastSeg = seg
			db.kickSealer()
		}
	}
	runs[rs] = max(runs[rs], seq)
}

// kickSealer asks the background sealer to look at the log now.
func (db *DB) kickSealer() {
	select {
	case db.kick <- struct{}{}:
	default:
	}
}

// truncateWAL removes the closed segments whose records are all below their
// run's wal floor. When too many remain, it returns the runs that hold back
// the oldest one, each with the sequence after its last record there.
func (db *DB) truncateWAL() (map[*runState]uint64, error) {
	if db.log == nil {
		return nil, nil
	}
	active := db.log.Active()
	db.walMu.Lock()
	var closed []int
	snap := make(map[int]map[*runState]uint64)
	for seg, runs := range db.segRuns {
		if seg < active {
			closed = append(closed, seg)
			snap[seg] = runs // closed segments get no more records
		}
	}
	db.walMu.Unlock()
	slices.Sort(closed)

	var errs []error
	var kept []int
	for _, seg := range closed {
		if len(pinning(snap[seg])) > 0 {
			kept = append(kept, seg)
			continue
		}
		errs = append(errs, db.log.Remove(seg))
		db.walMu.Lock()
		delete(db.segRuns, seg)
		db.walMu.Unlock()
	}
	if len(kept) > walMaxClosed {
		return pinning(snap[kept[0]]), errors.Join(errs...)
	}
	return nil, errors.Join(errs...)
}

// dropWAL removes, once the log is closed, every segment whose records are
// all below their run's wal floor: after the closing seal round, the whole
// log. Floors only rise after the round that raised them is durable, so a
// crash midway leaves segments that replay reads as usual, skipping what
// is sealed.
func (db *DB) dropWAL() error {
	dir := walDir(db.opts.Dir)
	segs, err := wal.Segments(dir)
	if err != nil {
		return err
	}
	var drop []int
	for _, seg := range segs {
		if len(pinning(db.segRuns[seg])) == 0 {
			drop = append(drop, seg)
		}
	}
	return wal.Drop(dir, drop)
}

// pinning returns the runs whose records in a segment are still needed,
// each with the sequence after its last record there.
func pinning(runs map[*runState]uint64) map[*runState]uint64 {
	out := make(map[*runState]uint64)
	for rs, maxSeq := range runs {
		rs.mu.Lock()
		needed := !rs.deleted && maxSeq >= rs.walFloor
		rs.mu.Unlock()
		if needed {
			out[rs] = maxSeq + 1
		}
	}
	return out
}

// checkpoint truncates the log and, when too much of it is held back,
// seals the heads that hold points of the oldest segment's batches: the
// sparse series of busy runs, whose heads fill too slowly to seal alone.
func (db *DB) checkpoint() error {
	runs, err := db.truncateWAL()
	for rs, before := range runs {
		err = errors.Join(err, db.sealRun(rs, sealOld, before))
	}
	if len(runs) > 0 {
		_, terr := db.truncateWAL()
		err = errors.Join(err, terr)
	}
	return err
}

// replayWAL applies every needed record of the log in dir to the heads and
// summaries, in log order, which is sequence order within a run.
func (db *DB) replayWAL(dir string) error {
	segs, err := wal.Segments(dir)
	if err != nil {
		return err
	}
	if len(segs) > 0 {
		db.sweepDue.Store(true) // a clean Close leaves no segment
	}
	for i, seg := range segs {
		db.segRuns[seg] = make(map[*runState]uint64)
		err := wal.Replay(dir, seg, func(rec []byte) error {
			return db.replayRecord(seg, rec)
		})
		if errors.Is(err, wal.ErrCorrupt) && i == len(segs)-1 {
			// A torn tail: its batch was never acknowledged.
			removed, err := wal.Repair(dir, seg)
			if removed {
				delete(db.segRuns, seg)
			}
			if err != nil {
				return err
			}
			continue
		}
		if errors.Is(err, wal.ErrCorrupt) {
			return fmt.Errorf("%w: %w", ErrCorrupt, err)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// replayRecord applies one write-ahead record unless its run is gone or its
// points are sealed already.
func (db *DB) replayRecord(seg int, rec []byte) error {
	h, body, err := decodeWALHeader(rec)
	if err != nil {
		return err
	}
	p := db.projects[h.project]
	if p == nil {
		return nil
	}
	rs := p.runs[h.run]
	if rs == nil || rs.incarnation != h.incarnation || h.seq < rs.walFloor {
		return nil
	}
	if err := db.applyRecord(rs, h.seq, body); err != nil {
		return err
	}
	db.segRuns[seg][rs] = max(db.segRuns[seg][rs], h.seq)
	return nil
}
