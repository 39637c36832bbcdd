package engine

import (
	"fmt"
	"sort"

	"github.com/dgraph-io/badger/v4"
)

// Keys lists the series of a run, _timestamp and _runtime included, sorted.
func (db *DB) Keys(project, run string) ([]string, error) {
	if err := db.enter(); err != nil {
		return nil, err
	}
	defer db.leave()
	rs, err := db.lookupRun(project, run)
	if err != nil {
		return nil, err
	}
	rs.mu.Lock()
	keys := make([]string, 0, len(rs.series))
	for k := range rs.series {
		keys = append(keys, k)
	}
	rs.mu.Unlock()
	sort.Strings(keys)
	return keys, nil
}

// ProjectKeys lists the union of the metric keys of a project's runs,
// sorted, without _timestamp and _runtime.
func (db *DB) ProjectKeys(project string) ([]string, error) {
	if err := db.enter(); err != nil {
		return nil, err
	}
	defer db.leave()
	p, err := db.project(project)
	if err != nil {
		return nil, err
	}
	p.keysMu.Lock()
	keys := make([]string, 0, len(p.keys))
	for k := range p.keys {
		keys = append(keys, k)
	}
	p.keysMu.Unlock()
	sort.Strings(keys)
	return keys, nil
}

// Read returns every point of a series with step in [minStep, maxStep].
func (db *DB) Read(project, run, key string, minStep, maxStep int64) (Points, error) {
	if err := db.enter(); err != nil {
		return Points{}, err
	}
	defer db.leave()
	if minStep > maxStep {
		return Points{}, nil
	}
	rs, err := db.lookupRun(project, run)
	if err != nil {
		return Points{}, err
	}
	v, err := db.view(rs, key, minStep, maxStep)
	if err != nil {
		return Points{}, err
	}
	defer v.close()

	n := v.estimate()
	out := Points{Steps: make([]int64, 0, n), Values: make([]float64, 0, n)}
	err = v.scan(func(c *Chunk) error {
		s, err := c.whole()
		if err != nil {
			return err
		}
		out = s.within(minStep, maxStep).AppendTo(out)
		return nil
	})
	return out, err
}

// Scan hands fn the chunks of a series that intersect [minStep, maxStep], in
// increasing step, no two overlapping. A chunk may reach outside the range;
// the caller trims it. A chunk's Points and Span may be called only inside
// fn (a Span taken there stays valid after), and fn must not write to the
// run.
func (db *DB) Scan(project, run, key string, minStep, maxStep int64,
	fn func(*Chunk) error) error {
	if err := db.enter(); err != nil {
		return err
	}
	defer db.leave()
	if minStep > maxStep {
		return nil
	}
	rs, err := db.lookupRun(project, run)
	if err != nil {
		return err
	}
	v, err := db.view(rs, key, minStep, maxStep)
	if err != nil {
		return err
	}
	defer v.close()
	return v.scan(fn)
}

// seriesView is a consistent picture of a series for one Scan: its sealed
// blocks, whose summaries it reads from a Badger snapshot and whose bytes
// the BlockStore keeps until the view is closed (see retire.go), and a copy
// of its head points in range.
type seriesView struct {
	db     *DB
	rs     *runState
	key    string
	lo, hi int64
	refs   []blockRef
	head   Points
	txn    *badger.Txn
	epoch  uint64
}

func (db *DB) view(rs *runState, key string, lo, hi int64) (*seriesView, error) {
	if err := db.ensureLoaded(rs, key); err != nil {
		return nil, err
	}
	rs.sealMu.RLock()
	defer rs.sealMu.RUnlock()
	rs.mu.Lock()
	s := rs.series[key]
	if s == nil || rs.deleted {
		rs.mu.Unlock()
		return nil, fmt.Errorf("series %q of %s/%s: %w", key, rs.project, rs.id, ErrNotFound)
	}
	v := &seriesView{db: db, rs: rs, key: key, lo: lo, hi: hi,
		refs: s.blocks, head: s.head.rangeCopy(lo, hi), epoch: rs.openView()}
	rs.mu.Unlock()
	v.txn = db.bdb.NewTransaction(false)
	return v, nil
}

// close ends the view. Deleting the blocks it kept is best effort: a block
// that fails to go stays queued for the next try.
func (v *seriesView) close() {
	v.txn.Discard()
	_ = v.db.closeView(v.rs, v.epoch)
}

// estimate returns about how many points the view holds in its range: the
// sealed points of the blocks that meet it, the head points in it.
func (v *seriesView) estimate() int {
	n := v.head.Len()
	for _, ref := range v.refs {
		if ref.maxStep >= v.lo && ref.minStep <= v.hi {
			n += ref.count
		}
	}
	return n
}

// ensureLoaded reads the block list of a series into memory if needed.
func (db *DB) ensureLoaded(rs *runState, key string) error {
	rs.mu.Lock()
	s := rs.series[key]
	rs.mu.Unlock()
	if s == nil {
		return fmt.Errorf("series %q of %s/%s: %w", key, rs.project, rs.id, ErrNotFound)
	}
	rs.sealMu.Lock()
	defer rs.sealMu.Unlock()
	if s.loaded {
		return nil
	}
	refs, err := db.loadRefs(rs, key)
	if err != nil {
		return err
	}
	s.blocks, s.loaded = refs, true
	return nil
}

// scan walks the blocks whose territory meets the range. Head points at or
// below the last sealed step are merged into the block whose territory
// holds them (head wins); the rest form the last chunk.
func (v *seriesView) scan(fn func(*Chunk) error) error {
	patches, tail := v.head, Points{}
	if len(v.refs) > 0 {
		last := v.refs[len(v.refs)-1].maxStep
		patches, tail = splitAt(v.head, last)
	} else {
		patches, tail = Points{}, v.head
	}
	first := sort.Search(len(v.refs), func(i int) bool {
		return i+1 == len(v.refs) || v.refs[i+1].minStep > v.lo
	})
	for i := first; i < len(v.refs) && (i == first || v.refs[i].minStep <= v.hi); i++ {
		n := territoryEnd(v.refs, i, patches)
		mine := Points{Steps: patches.Steps[:n], Values: patches.Values[:n]}
		patches = Points{Steps: patches.Steps[n:], Values: patches.Values[n:]}
		ref := v.refs[i]
		if mine.Len() == 0 && (ref.maxStep < v.lo || ref.minStep > v.hi) {
			continue
		}
		c, err := v.chunk(ref, mine)
		if err != nil {
			return err
		}
		if err := fn(c); err != nil {
			return err
		}
	}
	if tail.Len() > 0 {
		return fn(NewChunk(tail))
	}
	return nil
}

// splitAt splits sorted points into those at or below step and the rest.
func splitAt(p Points, step int64) (Points, Points) {
	i := sort.Search(p.Len(), func(i int) bool { return p.Steps[i] > step })
	return Points{Steps: p.Steps[:i], Values: p.Values[:i]},
		Points{Steps: p.Steps[i:], Values: p.Values[i:]}
}

// chunk returns the chunk of a sealed block, merged with the head points
// of its territory if there are any.
func (v *seriesView) chunk(ref blockRef, patches Points) (*Chunk, error) {
	if patches.Len() > 0 {
		old, err := v.db.readBlock(v.rs, v.key, ref)
		if err != nil {
			return nil, err
		}
		return NewChunk(merge(old, patches)), nil
	}
	sum, err := v.db.readSummary(v.txn, v.rs, v.key, ref)
	if err != nil {
		return nil, err
	}
	c := sum.chunk()
	c.load = func() (*decodedBlock, error) { return v.db.blockSpan(v.rs, v.key, ref) }
	return c, nil
}
