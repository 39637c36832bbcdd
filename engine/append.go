package engine

import (
	"fmt"
	"time"
)

// Append stores rows of a run and returns once every point is durable.
//
// A row with a negative step gets the run's last step + 1, counting the
// rows before it in rows; a row with a NaN time gets the server's clock.
// Besides its metrics, every row writes the series _timestamp (its time) and
// _runtime (its time minus the time of the run's first row) at its step.
// Writing a point again replaces its value. The whole batch is validated
// before anything is stored: on error nothing changed.
func (db *DB) Append(project, run string, rows []Row) (AppendResult, error) {
	if err := db.enter(); err != nil {
		return AppendResult{}, err
	}
	defer db.leave()
	if len(rows) > MaxRowsPerCall {
		return AppendResult{}, fmt.Errorf("rows: %d rows, over %d: %w",
			len(rows), MaxRowsPerCall, ErrInvalid)
	}
	rs, err := db.lookupRun(project, run)
	if err != nil || len(rows) == 0 {
		return AppendResult{}, err
	}

	b := getBatch()
	defer putBatch(b)
	now := time.Now()
	if err := b.fill(rows, unixSeconds(now)); err != nil {
		return AppendResult{}, err
	}
	ticket, full, err := db.applyBatch(rs, b, now)
	if err != nil {
		return AppendResult{}, err
	}
	if db.log != nil {
		if err := db.log.WaitSync(ticket); err != nil {
			return AppendResult{}, fmt.Errorf("append: %w", err)
		}
	}

	db.stats.appended(len(rows), len(b.values), len(b.wal))
	if full {
		if err := db.sealRun(rs, sealFull, 0); err != nil {
			return AppendResult{}, err
		}
	}
	return AppendResult{Rows: len(rows), Points: len(b.values)}, nil
}

func unixSeconds(t time.Time) float64 { return float64(t.UnixNano()) / 1e9 }

// applyBatch resolves the steps of b, applies it to the run's heads and
// writes its write-ahead record, all under the run's lock so that the log
// holds a run's records in sequence order. It returns the record's ticket
// for WaitSync and whether a head is full.
func (db *DB) applyBatch(rs *runState, b *batch, now time.Time) (uint64, bool, error) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if rs.deleted {
		return 0, false, fmt.Errorf("run %q of project %q: %w", rs.id, rs.project, ErrNotFound)
	}
	if _, err := b.resolveSteps(rs.meta.LastStep); err != nil {
		return 0, false, err
	}
	seq := rs.nextSeq
	ticket, err := db.writeWAL(rs, b, seq)
	if err != nil {
		return 0, false, err
	}
	rs.nextSeq++
	fresh := rs.apply(b, seq, now, db.opts.HeadMaxPoints)
	rs.proj.addKeys(fresh)
	db.stats.headPoints.Add(int64(len(b.values) + 2*len(b.steps)))
	return ticket, rs.batchFull(b, db.opts.HeadMaxPoints), nil
}

// maxRecordBytes bounds a write-ahead record, whose frame length is a
// uint32; MaxRowsPerCall rows of a few hundred keys stay well under it.
const maxRecordBytes = 1 << 30

// writeWAL writes the record of batch seq of the run to the log, and notes
// which log segment holds it. The caller holds rs.mu.
func (db *DB) writeWAL(rs *runState, b *batch, seq uint64) (uint64, error) {
	b.encodeWAL(walHeader{rs.project, rs.id, rs.incarnation, seq})
	if len(b.wal) > maxRecordBytes {
		return 0, fmt.Errorf("rows: %d points in one call, over %d bytes of log: %w",
			len(b.values), maxRecordBytes, ErrInvalid)
	}
	if db.log == nil {
		return 0, nil
	}
	db.walMu.Lock()
	defer db.walMu.Unlock()
	seg, ticket, err := db.log.Write(b.wal)
	if err != nil {
		return 0, fmt.Errorf("append: %w", err)
	}
	db.noteSegment(seg, rs, seq)
	return ticket, nil
}

// batchFull reports whether a head that b wrote to is full; the caller
// holds rs.mu.
func (rs *runState) batchFull(b *batch, limit int) bool {
	if rs.series[KeyTimestamp].head.len() >= limit {
		return true // every row writes _timestamp
	}
	for _, s := range b.series {
		if s.head.len() >= limit {
			return true
		}
	}
	return false
}
