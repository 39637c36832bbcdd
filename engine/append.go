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
	if err := db.checkOpen(); err != nil {
		return AppendResult{}, err
	}
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
	seq, fresh, full, err := db.applyBatch(rs, b, now)
	if err != nil {
		return AppendResult{}, err
	}

	b.encodeWAL()
	err = db.commitWAL(rs, seq, b.wal, fresh)
	rs.mu.Lock()
	rs.removeInflight(seq)
	rs.mu.Unlock()
	rs.pending.Done()
	if err != nil {
		return AppendResult{}, err
	}
	db.stats.appended(len(rows), len(b.values), len(b.wal))
	if full {
		if err := db.sealRun(rs, sealFull); err != nil {
			return AppendResult{}, err
		}
	}
	return AppendResult{Rows: len(rows), Points: len(b.values)}, nil
}

func unixSeconds(t time.Time) float64 { return float64(t.UnixNano()) / 1e9 }

// applyBatch resolves the steps of b and applies it to the run's heads as
// write-ahead batch seq. It reports the run's new metric keys and whether a
// head is full.
func (db *DB) applyBatch(rs *runState, b *batch, now time.Time) (
	seq uint64, fresh []string, full bool, err error) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if rs.deleted {
		return 0, nil, false, fmt.Errorf("run %q of project %q: %w", rs.id, rs.project, ErrNotFound)
	}
	if _, err := b.resolveSteps(rs.meta.LastStep); err != nil {
		return 0, nil, false, err
	}
	seq = rs.nextSeq
	rs.nextSeq++
	rs.inflight = append(rs.inflight, seq)
	rs.pending.Add(1)
	fresh = rs.apply(b, seq, now)
	rs.proj.addKeys(fresh)
	db.stats.headPoints.Add(int64(len(b.values) + 2*len(b.steps)))
	return seq, fresh, rs.batchFull(b, db.opts.HeadMaxPoints), nil
}

// commitWAL writes the write-ahead record of batch seq and the keys new to
// the run in one synced transaction.
func (db *DB) commitWAL(rs *runState, seq uint64, rec []byte, fresh []string) error {
	txn := db.bdb.NewTransaction(true)
	defer txn.Discard()
	if err := txn.Set(walKey(rs.project, rs.id, seq), rec); err != nil {
		return fmt.Errorf("write wal record: %w", err)
	}
	for _, k := range fresh {
		if err := txn.Set(keyKey(rs.project, rs.id, k), nil); err != nil {
			return fmt.Errorf("write series key: %w", err)
		}
	}
	if err := txn.Commit(); err != nil {
		return fmt.Errorf("commit wal record: %w", err)
	}
	return nil
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
