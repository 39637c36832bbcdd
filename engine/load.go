package engine

import (
	"bytes"
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/dgraph-io/badger/v4"
)

// load reads the catalogue into memory and replays the write-ahead records
// into the heads and summaries.
func (db *DB) load() error {
	err := db.bdb.View(func(txn *badger.Txn) error {
		if err := db.loadProjects(txn); err != nil {
			return err
		}
		if err := db.loadRuns(txn); err != nil {
			return err
		}
		return db.loadKeys(txn)
	})
	if err != nil {
		return fmt.Errorf("load catalogue: %w", err)
	}
	db.countKeys()
	if db.opts.InMemory {
		return nil
	}
	if err := db.replayWAL(walDir(db.opts.Dir)); err != nil {
		return fmt.Errorf("replay wal: %w", err)
	}
	return nil
}

// eachValue calls fn with the rest of every key under prefix and its value.
func eachValue(txn *badger.Txn, prefix string, fn func(rest, v []byte) error) error {
	it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte(prefix), PrefetchValues: true,
		PrefetchSize: 64})
	defer it.Close()
	for it.Rewind(); it.Valid(); it.Next() {
		item := it.Item()
		rest := item.Key()[len(prefix):]
		if err := item.Value(func(v []byte) error { return fn(rest, v) }); err != nil {
			return err
		}
	}
	return nil
}

func (db *DB) loadProjects(txn *badger.Txn) error {
	return eachValue(txn, prefixProject, func(_, v []byte) error {
		p, err := decodeProject(v)
		if err != nil {
			return err
		}
		db.projects[p.Name] = newProjectState(p)
		return nil
	})
}

func (db *DB) loadRuns(txn *badger.Txn) error {
	err := eachValue(txn, prefixRun, func(_, v []byte) error {
		rs, err := decodeRun(v)
		if err != nil {
			return err
		}
		p, ok := db.projects[rs.project]
		if !ok {
			return fmt.Errorf("run %s/%s without project: %w", rs.project, rs.id, ErrCorrupt)
		}
		rs.proj = p
		p.runs[rs.id] = rs
		p.order = append(p.order, rs)
		db.stats.runs.Add(1)
		return nil
	})
	for _, p := range db.projects {
		sort.SliceStable(p.order, func(i, j int) bool {
			return p.order[i].meta.Created.Before(p.order[j].meta.Created)
		})
	}
	return err
}

// loadKeys creates every series that has sealed blocks, with its blocks
// left on disk: one per series found among the summary keys, which it reads
// without their values. Most series have one or a few summaries, which it
// steps over; past seekAfter summaries of one series it seeks to the next
// series. Stores written by earlier engines also hold an e/k record per
// series, written before its first summary; a series with such a record and
// a block has a summary too, so those records are not read.
func (db *DB) loadKeys(txn *badger.Txn) error {
	const seekAfter = 8
	it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte(prefixSummary)})
	defer it.Close()
	var last, next []byte
	same := 0
	for it.Rewind(); it.Valid(); {
		k := it.Item().Key()
		sep := bytes.IndexByte(k, seriesSep)
		if sep < 0 {
			return fmt.Errorf("summary key %q: %w", k, ErrCorrupt)
		}
		if bytes.Equal(k[:sep], last) {
			if same++; same < seekAfter {
				it.Next()
				continue
			}
			// Metric keys hold no control character, so <key> 0x01 sorts
			// after every summary of this series and before other series.
			next = append(append(next[:0], last...), seriesSep+1)
			it.Seek(next)
			continue
		}
		last, same = append(last[:0], k[:sep]...), 0
		if err := db.loadSeries(k[len(prefixSummary):sep]); err != nil {
			return err
		}
		it.Next()
	}
	return nil
}

// loadSeries creates the series named by "<project>/<run>/<key>" as one
// whose blocks are on disk, unless it exists already.
func (db *DB) loadSeries(name []byte) error {
	project, run, key, ok := splitRunKey(name)
	if !ok {
		return fmt.Errorf("summary key of %q: %w", name, ErrCorrupt)
	}
	p := db.projects[project]
	if p == nil || p.runs[run] == nil {
		return nil // left by a deletion that did not finish; harmless
	}
	// The run record's summaries may have created the series already.
	rs := p.runs[run]
	if _, has := rs.series[string(key)]; !has {
		rs.storedSeries(string(key))
	}
	return nil
}

// countKeys builds each project's key union from the series its runs have
// once the catalogue is read: those with blocks and those the run records
// name. Replay then adds the keys new since.
func (db *DB) countKeys() {
	for _, p := range db.projects {
		for _, rs := range p.runs {
			keys := make([]string, 0, len(rs.series))
			for k := range rs.series {
				keys = append(keys, k)
			}
			p.addKeys(keys)
		}
	}
}

// applyRecord applies the body of write-ahead record seq to its run.
func (db *DB) applyRecord(rs *runState, seq uint64, v []byte) error {
	b := getBatch()
	defer putBatch(b)
	if err := b.decodeWAL(v); err != nil {
		return fmt.Errorf("record %d of %s/%s: %w", seq, rs.project, rs.id, err)
	}
	last := math.Inf(-1)
	for _, t := range b.times {
		last = max(last, t)
	}
	heartbeat := time.Unix(0, int64(last*1e9)).UTC()
	fresh := rs.apply(b, seq, heartbeat, db.opts.HeadMaxPoints)
	rs.proj.addKeys(fresh)
	db.stats.headPoints.Add(int64(len(b.values) + 2*len(b.steps)))
	rs.nextSeq = max(rs.nextSeq, seq+1)
	return nil
}
