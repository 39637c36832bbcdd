package engine

import (
	"errors"
	"fmt"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cespare/xxhash/v2"
	"github.com/dgraph-io/badger/v4"

	"github.com/sextant-ml/sextant/engine/block"
)

// sealMode says which runs a seal round takes.
type sealMode int

const (
	sealFull sealMode = iota // a head reached HeadMaxPoints
	sealIdle                 // the run wrote nothing for IdleSeal
	sealAll                  // every unsealed point, at Close
	sealOld                  // heads holding points of batches before a seq
)

// txnBudget bounds the bytes of one seal transaction, well under Badger's
// largest batch (15% of the 64 MiB memtable).
const txnBudget = 4 << 20

// sealJob is the sealing of one series' head in a seal round.
type sealJob struct {
	s      *series
	pts    Points
	minSeq uint64
	refs   []blockRef    // the series' blocks once the job is written
	puts   []StoredBlock // new blocks, for the BlockStore
	old    []string      // BlockStore keys of the blocks it replaces
	writes []write       // summaries, for Badger
	size   int
}

// write is one key set or deleted by a seal round.
type write struct {
	key, value []byte
	del        bool
}

// sealAll runs a seal round on every run that mode selects.
func (db *DB) sealAll(mode sealMode) error {
	var errs []error
	now := time.Now()
	for _, rs := range db.allRuns() {
		if mode == sealIdle && !rs.idle(now, db.opts.IdleSeal) {
			continue
		}
		if err := db.sealRun(rs, mode, 0); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (db *DB) allRuns() []*runState {
	db.mu.RLock()
	defer db.mu.RUnlock()
	var runs []*runState
	for _, p := range db.projects {
		runs = append(runs, p.order...)
	}
	return runs
}

// sealRun seals heads of the run into blocks, if mode asks for it, and
// advances the run's wal floor past the batches that left the heads. A
// round for a full head seals whole blocks of the full heads only; a round
// of mode sealOld seals the heads holding a point of a batch before seq
// before, to free a log segment; idle and closing rounds seal every point.
func (db *DB) sealRun(rs *runState, mode sealMode, before uint64) error {
	rs.sealMu.Lock()
	defer rs.sealMu.Unlock()

	r, err := db.takeHeads(rs, mode, before)
	if err != nil || len(r.jobs) == 0 {
		return err
	}
	if err := db.writeSeal(rs, r); err != nil {
		db.restoreHeads(rs, r)
		db.sweepDue.Store(true) // blocks it put may be named by nothing
		return fmt.Errorf("seal %s/%s: %w", rs.project, rs.id, err)
	}

	rs.mu.Lock()
	for _, j := range r.jobs {
		j.s.blocks = j.refs
		rs.retire(j.old)
	}
	rs.walFloor = r.floor
	rs.mu.Unlock()
	for _, j := range r.jobs {
		recycle(j.pts, db.opts.HeadMaxPoints)
	}
	db.stats.sealRounds.Add(1)
	db.kickSealer()
	// The round is durable: a retired block that fails to go now stays
	// queued, and the next round or closing view tries again.
	_ = db.collect(rs)
	return nil
}

// sealRound is what a seal round took from a run.
type sealRound struct {
	jobs   []*sealJob
	floor  uint64 // the run's wal floor once the round is written
	record []byte // the run record to store
}

// takeHeads empties the heads a seal round takes and encodes the run
// record that goes with the round.
func (db *DB) takeHeads(rs *runState, mode sealMode, before uint64) (sealRound, error) {
	if err := db.loadAllRefs(rs); err != nil {
		return sealRound{}, err
	}
	rs.mu.Lock()
	defer rs.mu.Unlock()
	full := mode != sealFull || rs.hasFullHead(db.opts.HeadMaxPoints)
	if rs.deleted || rs.unsealed == 0 || !full {
		return sealRound{}, nil
	}
	var jobs []*sealJob
	taken := 0
	limit := db.opts.HeadMaxPoints
	for _, s := range rs.series {
		n := s.head.len()
		switch {
		case mode == sealFull:
			n = n / limit * limit // whole blocks; the rest stays in the head
		case mode == sealOld && s.head.minSeq >= before:
			n = 0
		}
		if n > 0 && s.loaded { // an unloaded series waits for the next round
			minSeq, before := s.head.minSeq, s.head.len()
			pts := s.head.takeFirst(n, limit)
			taken += before - s.head.len()
			jobs = append(jobs, &sealJob{s: s, pts: pts, minSeq: minSeq})
		}
	}
	db.stats.headPoints.Add(-int64(taken))
	rs.unsealed -= taken
	r := sealRound{jobs: jobs, floor: rs.walFloorNow()}
	var err error
	r.record, err = rs.encodeRun()
	return r, err
}

func (rs *runState) hasFullHead(limit int) bool {
	for _, s := range rs.series {
		if s.head.len() >= limit {
			return true
		}
	}
	return false
}

// loadAllRefs loads the block lists of the run's series that are not in
// memory yet. The caller holds rs.sealMu for writing.
func (db *DB) loadAllRefs(rs *runState) error {
	rs.mu.Lock()
	var todo []*series
	for _, s := range rs.series {
		if !s.loaded && s.head.len() > 0 {
			todo = append(todo, s)
		}
	}
	rs.mu.Unlock()
	for _, s := range todo {
		refs, err := db.loadRefs(rs, s.key)
		if err != nil {
			return err
		}
		s.blocks, s.loaded = refs, true
	}
	return nil
}

// restoreHeads puts the points of a failed round back in front of the
// points that arrived since, so that nothing acknowledged is lost.
func (db *DB) restoreHeads(rs *runState, r sealRound) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	for _, j := range r.jobs {
		h := &j.s.head
		minSeq := j.minSeq
		if h.len() > 0 {
			minSeq = min(minSeq, h.minSeq)
		}
		n := j.pts.Len() + h.len()
		*h = head{
			steps:  append(append(make([]int64, 0, n), j.pts.Steps...), h.steps...),
			values: append(append(make([]float64, 0, n), j.pts.Values...), h.values...),
			minSeq: minSeq,
		}
		rs.unsealed += j.pts.Len()
		db.stats.headPoints.Add(int64(j.pts.Len()))
	}
}

// writeSeal plans every job, then writes the new blocks to the BlockStore,
// then the summaries and the run record with its new wal floor to Badger,
// in that order: a crash in between leaves blocks that no summary names,
// or blocks whose points replay again from the log, harmlessly, and never
// a summary of a missing block. Open finds every series that has blocks
// from its summaries. The blocks the round replaces are deleted after it,
// by sealRun.
func (db *DB) writeSeal(rs *runState, r sealRound) error {
	jobs := r.jobs
	if err := db.planJobs(rs, jobs); err != nil {
		return err
	}
	var puts []StoredBlock
	for _, j := range jobs {
		puts = append(puts, j.puts...)
	}
	if err := db.blocks.Put(puts); err != nil {
		return fmt.Errorf("put blocks: %w", err)
	}

	w := db.newBatchWriter()
	for _, j := range jobs {
		if err := w.add(j.writes, j.size); err != nil {
			return err
		}
	}
	rec := []write{{key: runKey(rs.project, rs.id), value: r.record}}
	if err := w.add(rec, len(r.record)+64); err != nil {
		return err
	}
	return w.flush()
}

// planJobs plans the jobs of a round on up to GOMAXPROCS goroutines:
// encoding blocks is most of a seal's work, and a run that logs alone
// should not seal on one core.
func (db *DB) planJobs(rs *runState, jobs []*sealJob) error {
	workers := min(runtime.GOMAXPROCS(0), len(jobs))
	errs := make([]error, workers)
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := next.Add(1) - 1; i < int64(len(jobs)) && errs[w] == nil; i = next.Add(1) - 1 {
				errs[w] = db.planJob(rs, jobs[i])
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// planJob computes the blocks of a series after its head is sealed: points
// at or below the last sealed step merge into the block whose territory
// holds them (from its minStep to the next block's), the rest go to new
// blocks or fill up a small last block. A rewritten block gets a new key,
// and its old one joins j.old.
func (db *DB) planJob(rs *runState, j *sealJob) error {
	limit := db.opts.HeadMaxPoints
	refs := j.s.blocks
	if len(refs) == 0 {
		j.refs = db.putBlocks(rs, j, j.pts)
		return nil
	}
	lastMax := refs[len(refs)-1].maxStep
	cut := sort.Search(j.pts.Len(), func(i int) bool { return j.pts.Steps[i] > lastMax })
	patches := Points{Steps: j.pts.Steps[:cut], Values: j.pts.Values[:cut]}
	tail := Points{Steps: j.pts.Steps[cut:], Values: j.pts.Values[cut:]}

	out := make([]blockRef, 0, len(refs)+1)
	for i, ref := range refs {
		n := territoryEnd(refs, i, patches)
		if n == 0 && (i < len(refs)-1 || tail.Len() == 0 || ref.count+tail.Len() > limit) {
			out = append(out, ref)
			continue
		}
		old, err := db.readBlock(rs, j.s.key, ref)
		if err != nil {
			return err
		}
		merged := merge(old, Points{Steps: patches.Steps[:n], Values: patches.Values[:n]})
		patches = Points{Steps: patches.Steps[n:], Values: patches.Values[n:]}
		if i == len(refs)-1 && ref.count+tail.Len() <= limit {
			merged, tail = merge(merged, tail), Points{}
		}
		if merged.Steps[0] != ref.minStep {
			j.del(seriesKey(prefixSummary, rs.project, rs.id, j.s.key, ref.minStep))
		}
		j.old = append(j.old, blockKey(rs, j.s.key, ref))
		out = append(out, db.putBlocks(rs, j, merged)...)
		db.stats.blocksRewritten.Add(1)
	}
	j.refs = append(out, db.putBlocks(rs, j, tail)...)
	return nil
}

// territoryEnd returns how many of the leading patches fall in the
// territory of block i: below the next block's minStep.
func territoryEnd(refs []blockRef, i int, patches Points) int {
	if i == len(refs)-1 {
		return patches.Len()
	}
	next := refs[i+1].minStep
	return sort.Search(patches.Len(), func(k int) bool { return patches.Steps[k] >= next })
}

func (j *sealJob) del(key []byte) {
	j.writes = append(j.writes, write{key: key, del: true})
	j.size += len(key) + 16
}

// putBlocks encodes p as blocks of at most HeadMaxPoints points and
// returns their refs.
func (db *DB) putBlocks(rs *runState, j *sealJob, p Points) []blockRef {
	var refs []blockRef
	for p.Len() > 0 {
		n := min(p.Len(), db.opts.HeadMaxPoints)
		refs = append(refs, db.putBlock(rs, j, Points{Steps: p.Steps[:n], Values: p.Values[:n]}))
		p = Points{Steps: p.Steps[n:], Values: p.Values[n:]}
	}
	return refs
}

func (db *DB) putBlock(rs *runState, j *sealJob, p Points) blockRef {
	enc := block.Encode(nil, p.Steps, p.Values)
	st, pyr := block.Summarize(p.Steps, p.Values)
	ref := blockRef{minStep: p.Steps[0], maxStep: p.Steps[p.Len()-1], count: p.Len(),
		hash: xxhash.Sum64(enc), id: newBlockID()}
	sum := encodeSummaryValue(ref, st, pyr)
	if j.s.key != KeyTimestamp && j.s.key != KeyRuntime {
		db.cacheSealed(ref, p, st, pyr)
	}
	j.puts = append(j.puts, StoredBlock{Key: blockKey(rs, j.s.key, ref), Data: enc})
	j.writes = append(j.writes,
		write{key: seriesKey(prefixSummary, rs.project, rs.id, j.s.key, ref.minStep), value: sum})
	j.size += len(sum) + 128
	db.stats.blocksSealed.Add(1)
	db.stats.blockBytes.Add(uint64(len(enc)))
	return ref
}

// batchWriter commits writes in transactions of at most txnBudget bytes,
// never splitting the writes of one add.
type batchWriter struct {
	db   *DB
	txn  *badger.Txn
	size int
}

func (db *DB) newBatchWriter() *batchWriter {
	return &batchWriter{db: db, txn: db.bdb.NewTransaction(true)}
}

func (w *batchWriter) add(ws []write, size int) error {
	if w.size > 0 && w.size+size > txnBudget {
		if err := w.flush(); err != nil {
			return err
		}
		w.txn, w.size = w.db.bdb.NewTransaction(true), 0
	}
	for _, x := range ws {
		var err error
		if x.del {
			err = w.txn.Delete(x.key)
		} else {
			err = w.txn.Set(x.key, x.value)
		}
		if err != nil {
			w.txn.Discard()
			return fmt.Errorf("write seal: %w", err)
		}
	}
	w.size += size
	return nil
}

func (w *batchWriter) flush() error {
	if err := w.txn.Commit(); err != nil {
		return fmt.Errorf("commit seal: %w", err)
	}
	return nil
}
