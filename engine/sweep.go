package engine

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"time"

	"github.com/dgraph-io/badger/v4"
)

// DefaultSweepAfter is how long the engine waits before it sweeps orphaned
// blocks (see SweepOrphans) once a sweep is due: long enough that the
// sweep, which lists every block, does not compete with the first charts
// after a restart.
const DefaultSweepAfter = time.Minute

// Orphans come only from a seal round or a DeleteRun that did not finish,
// so a sweep is due after an unclean shutdown (the write-ahead log, which
// a clean Close removes, is there at Open) and after a seal round failed.
// Listing every block reads the whole store, too much to do at each start.

// SweepOrphans deletes the sealed blocks that nothing names and nothing
// will read (the engine calls it by itself when a sweep is due, see
// sweeper): a crash between a seal round's block writes and its index
// write leaves the new blocks unnamed, one between the index write and the
// deletion of the blocks the round replaced leaves the old ones, and one in
// the middle of DeleteRun leaves blocks of a run the catalogue no longer
// has. Block ids are never reused, so such blocks are harmless, but they
// take space for good. It returns how many blocks it deleted.
//
// A block is an orphan when, with the run's seal rounds held off, no
// summary of the run names it and no open view may still read it; a run's
// blocks listed before its lock is taken that a round names by then are
// kept, and blocks written after the listing are not looked at.
func (db *DB) SweepOrphans() (int, error) {
	if err := db.enter(); err != nil {
		return 0, err
	}
	defer db.leave()

	byRun := make(map[string][]string) // "<project>/<run>/" -> its block keys
	err := db.blocks.List(prefixBlock, func(key string) error {
		project, run, _, ok := splitRunKey([]byte(key[len(prefixBlock):]))
		if !ok {
			return nil // not a key the engine writes
		}
		name := project + "/" + run + "/"
		byRun[name] = append(byRun[name], key)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("sweep: list blocks: %w", err)
	}

	deleted := 0
	for name, keys := range byRun {
		project, run, _, _ := splitRunKey([]byte(name))
		n, err := db.sweepRun(project, run, keys)
		deleted += n
		if err != nil {
			return deleted, fmt.Errorf("sweep %s/%s: %w", project, run, err)
		}
	}
	db.stats.sweeps.Add(1)
	return deleted, nil
}

// sweepRun deletes those of keys, block keys of one run listed earlier,
// that are orphans.
func (db *DB) sweepRun(project, run string, keys []string) (int, error) {
	rs, err := db.lookupRun(project, run)
	if err != nil {
		return db.sweepGone(project, run, keys)
	}
	rs.sealMu.Lock()
	defer rs.sealMu.Unlock()
	rs.mu.Lock()
	gone := rs.deleted
	keep := make(map[string]bool, len(rs.retired))
	for _, r := range rs.retired {
		keep[r.key] = true // collect deletes it once no view needs it
	}
	rs.mu.Unlock()
	if gone {
		return 0, nil // DeleteRun, which holds the run's lock, drops them
	}

	err = db.bdb.View(func(txn *badger.Txn) error {
		blocks := runPrefix(prefixBlock, project, run)
		return eachValue(txn, string(runPrefix(prefixSummary, project, run)),
			func(rest, v []byte) error {
				key, err := namedBlock(blocks, rest, v)
				if err != nil {
					return err
				}
				keep[key] = true
				return nil
			})
	})
	if err != nil {
		return 0, fmt.Errorf("read summaries: %w", err)
	}
	var orphans []string
	for _, k := range keys {
		if !keep[k] {
			orphans = append(orphans, k)
		}
	}
	return db.deleteOrphans(orphans)
}

// sweepGone deletes the listed blocks of a run that is not in the
// catalogue, unless it was created since the listing.
func (db *DB) sweepGone(project, run string, keys []string) (int, error) {
	db.createMu.Lock()
	defer db.createMu.Unlock()
	if _, err := db.lookupRun(project, run); err == nil {
		return 0, nil // created since: the next sweep looks again
	}
	return db.deleteOrphans(keys)
}

// deleteOrphans deletes keys from the BlockStore and counts them.
func (db *DB) deleteOrphans(keys []string) (int, error) {
	if len(keys) == 0 {
		return 0, nil
	}
	if err := db.blocks.Delete(keys); err != nil {
		return 0, fmt.Errorf("delete %d orphaned blocks: %w", len(keys), err)
	}
	db.stats.blocksDeleted.Add(uint64(len(keys)))
	db.stats.orphansDeleted.Add(uint64(len(keys)))
	return len(keys), nil
}

// namedBlock returns the key of the block that a summary names, from the
// run's block key prefix, the summary key's part after the run's summary
// prefix, and its value's header (see encodeSummaryValue), without decoding
// the rest.
func namedBlock(blocks, rest, v []byte) (string, error) {
	if len(v) == 0 || (v[0] != summaryVersion && v[0] != summaryVersionV1) {
		return "", fmt.Errorf("summary %q: header: %w", rest, ErrCorrupt)
	}
	k := append(blocks, rest...)
	if v[0] == summaryVersion {
		if len(v) < 17 {
			return "", fmt.Errorf("summary %q: header: %w", rest, ErrCorrupt)
		}
		if id := binary.LittleEndian.Uint64(v[9:]); id != 0 {
			k = binary.BigEndian.AppendUint64(k, id)
		}
	}
	if bytes.IndexByte(rest, seriesSep) < 0 {
		return "", fmt.Errorf("summary key %q: %w", rest, ErrCorrupt)
	}
	return string(k), nil
}

// sweeper runs SweepOrphans every opts.SweepAfter while one is due (see
// sweepDue), until the store closes.
func (db *DB) sweeper() {
	defer db.sealerWG.Done()
	tick := time.NewTicker(db.opts.SweepAfter)
	defer tick.Stop()
	for {
		select {
		case <-db.stop:
			return
		case <-tick.C:
			if !db.sweepDue.Swap(false) {
				continue
			}
			// Orphans are harmless; a failed sweep is tried again at the
			// next tick, and counted.
			if _, err := db.SweepOrphans(); err != nil {
				db.stats.sweepErrors.Add(1)
				db.sweepDue.Store(true)
			}
		}
	}
}
