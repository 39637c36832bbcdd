package engine

import "fmt"

// Blocks that a seal round rewrites, or that DeleteRun drops, are retired:
// no summary names them any more, but a Scan that took its view before may
// still fetch them. A BlockStore has no snapshots, so a retired block is
// deleted only once every view taken before its retirement is closed.
//
// Each run counts retirements in an epoch. A view records the epoch it was
// taken in; a block retired when the epoch became e is needed only by views
// of an earlier epoch, and is deleted once none is open.

// A crash between a round's index write and the deletion of the blocks it
// retired, or between writing new blocks and the index, leaves blocks that
// no summary names and no retirement queue holds; SweepOrphans (sweep.go)
// deletes them a while after the next Open.

// retiredBlock is a block key waiting for the views before epoch to close.
type retiredBlock struct {
	key   string
	epoch uint64
}

// openView registers a reader of the run's blocks and returns its epoch.
// The caller holds rs.mu.
func (rs *runState) openView() uint64 {
	if rs.views == nil {
		rs.views = make(map[uint64]int)
	}
	rs.views[rs.epoch]++
	return rs.epoch
}

// closeView ends a reader registered by openView and deletes the blocks no
// open view needs any more.
func (db *DB) closeView(rs *runState, epoch uint64) error {
	rs.mu.Lock()
	if rs.views[epoch]--; rs.views[epoch] <= 0 {
		delete(rs.views, epoch)
	}
	rs.mu.Unlock()
	return db.collect(rs)
}

// retire starts a new epoch of the run and queues keys for deletion once
// the views of earlier epochs are closed. The caller holds rs.mu.
func (rs *runState) retire(keys []string) {
	if len(keys) == 0 {
		return
	}
	rs.epoch++
	for _, k := range keys {
		rs.retired = append(rs.retired, retiredBlock{key: k, epoch: rs.epoch})
	}
}

// collect deletes the run's retired blocks that no open view needs. Keys
// it fails to delete are queued again.
func (db *DB) collect(rs *runState) error {
	rs.mu.Lock()
	oldest := rs.epoch
	for e := range rs.views {
		oldest = min(oldest, e)
	}
	var keys []string
	kept := rs.retired[:0]
	for _, b := range rs.retired {
		if b.epoch <= oldest {
			keys = append(keys, b.key)
		} else {
			kept = append(kept, b)
		}
	}
	rs.retired = kept
	rs.mu.Unlock()
	if len(keys) == 0 {
		return nil
	}

	if err := db.blocks.Delete(keys); err != nil {
		rs.mu.Lock()
		for _, k := range keys {
			rs.retired = append(rs.retired, retiredBlock{key: k, epoch: oldest})
		}
		rs.mu.Unlock()
		return fmt.Errorf("delete retired blocks of %s/%s: %w", rs.project, rs.id, err)
	}
	db.stats.blocksDeleted.Add(uint64(len(keys)))
	return nil
}
