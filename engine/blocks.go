package engine

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"

	"github.com/dgraph-io/badger/v4"

	"github.com/sextant-ml/sextant/engine/block"
)

// summaryVersion starts every summary value; see docs/format/keys.md.
// Version 1 values, written before blocks had ids, name a block key
// without one.
const (
	summaryVersion   = 2
	summaryVersionV1 = 1
)

// blockRef is what the engine keeps in memory about a sealed block.
type blockRef struct {
	minStep, maxStep int64
	count            int
	// hash is the xxhash of the encoded block. Decoded blocks are cached
	// under it, so a rewritten block never meets a stale cache entry.
	hash uint64
	// id tells this block from every other block that started at minStep,
	// so that a rewrite never reuses a block key; 0 in blocks sealed before
	// ids existed, whose key has no id.
	id uint64
}

// blockKey returns the BlockStore key of a sealed block of a series.
func blockKey(rs *runState, key string, ref blockRef) string {
	k := seriesKey(prefixBlock, rs.project, rs.id, key, ref.minStep)
	if ref.id != 0 {
		k = binary.BigEndian.AppendUint64(k, ref.id)
	}
	return string(k)
}

// newBlockID returns a random nonzero block id.
func newBlockID() uint64 {
	for {
		if id := rand.Uint64(); id != 0 {
			return id
		}
	}
}

// encodeSummaryValue returns the summary value of a block: version, hash
// of the encoded block and block id (8 bytes little-endian each), then the
// summary as block.AppendSummary writes it.
func encodeSummaryValue(ref blockRef, st block.Stats, pyr []block.Bucket) []byte {
	v := binary.LittleEndian.AppendUint64([]byte{summaryVersion}, ref.hash)
	v = binary.LittleEndian.AppendUint64(v, ref.id)
	return block.AppendSummary(v, st, pyr)
}

// decodeSummaryValue returns the block a summary value describes and its
// summary; it reads version 1 values too.
func decodeSummaryValue(v []byte) (blockRef, block.Stats, []block.Bucket, error) {
	ref, n, err := decodeSummaryHeader(v)
	if err != nil {
		return blockRef{}, block.Stats{}, nil, err
	}
	st, pyr, err := block.DecodeSummary(v[n:])
	ref.minStep, ref.maxStep, ref.count = st.MinStep, st.MaxStep, st.Count
	return ref, st, pyr, err
}

// decodeSummaryHeader returns the hash and id of the block a summary value
// describes, and the length of the header before the summary.
func decodeSummaryHeader(v []byte) (blockRef, int, error) {
	n := 17
	if len(v) > 0 && v[0] == summaryVersionV1 {
		n = 9
	}
	if len(v) < n || (v[0] != summaryVersion && v[0] != summaryVersionV1) {
		return blockRef{}, 0, fmt.Errorf("decode summary header: %w", ErrCorrupt)
	}
	ref := blockRef{hash: binary.LittleEndian.Uint64(v[1:])}
	if n == 17 {
		ref.id = binary.LittleEndian.Uint64(v[9:])
	}
	return ref, n, nil
}

// loadRefs reads the block list of a series from its summary keys. It
// decodes every summary the block cache lacks to learn its block, and keeps
// them there: the first chart after a restart reads them next, and would
// otherwise fetch and decode each one again.
//
// TODO: when the block cache already holds every summary (a start that
// loaded the saved cache), this still reads each summary value from Badger,
// decompressing its tables, only for the hash and id in its header: about
// 70 ms of CPU of the first chart over 100 series of 1 M points after a
// restart, half of that chart's CPU. A list of a series' block refs written
// with each seal round would spare it, at the cost of writing the list
// again at every seal (quadratic in a series' blocks unless cut in parts).
func (db *DB) loadRefs(rs *runState, key string) ([]blockRef, error) {
	var refs []blockRef
	prefix := seriesPrefix(prefixSummary, rs.project, rs.id, key)
	err := db.bdb.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix, PrefetchValues: true})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			err := it.Item().Value(func(v []byte) error {
				ref, n, err := decodeSummaryHeader(v)
				if err != nil {
					return err
				}
				s, ok := db.cachedSummary(ref.hash)
				if !ok {
					st, pyr, err := block.DecodeSummary(v[n:])
					if err != nil {
						return err
					}
					s = newDecodedSummary(st, pyr)
					db.cache.put(cacheKey{hash: ref.hash, kind: kindSummary}, s, summaryBytes(s))
				}
				ref.minStep, ref.maxStep, ref.count = s.st.MinStep, s.st.MaxStep, s.st.Count
				refs = append(refs, ref)
				return nil
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load blocks of %s/%s %q: %w", rs.project, rs.id, key, err)
	}
	return refs, nil
}

// readBlock returns a copy of the points of a sealed block, which the
// caller owns.
func (db *DB) readBlock(rs *runState, key string, ref blockRef) (Points, error) {
	b, err := db.blockSpan(rs, key, ref)
	if err != nil {
		return Points{}, err
	}
	s := b.span
	return s.AppendTo(Points{Steps: make([]int64, 0, s.Len()),
		Values: make([]float64, 0, s.Len())}), nil
}

// blockSpan returns the points of a sealed block through the block cache,
// decoding them on a miss. The block is shared with the cache.
func (db *DB) blockSpan(rs *runState, key string, ref blockRef) (*decodedBlock, error) {
	k := cacheKey{hash: ref.hash, kind: kindPoints}
	if v, ok := db.cache.get(k); ok {
		if b := v.(*decodedBlock); b.span.Len() == ref.count {
			db.stats.cacheHits.Add(1)
			return b, nil
		}
	}
	db.stats.cacheMisses.Add(1)
	s, err := db.decodeBlock(rs, key, ref)
	if err != nil {
		return nil, err
	}
	b := &decodedBlock{span: s}
	db.cache.put(k, b, spanBytes(&s))
	return b, nil
}

// cacheSealed puts a block being sealed in the block cache, as its points
// and its summary would decode, so that no reader decodes it while the
// cache holds it. A chart mostly asks for what was logged last (a run being
// watched as it trains, the runs a server took in before a restart, whose
// cache it saves at a clean stop), and decoding is most of the work of a
// chart over blocks not read before: a hundred runs of a million points took
// seconds. The encoding keeps every bit of a value and Summarize's output,
// so the entries are those a reader would put. The block's Cuts are built
// at once, while its values are in the processor's caches: a reader builds
// them only on a block's second chart, to spare a block read once, which a
// sealed block, likely read many times, need not be. p belongs to the head
// and is copied. Only metrics are put: the clock series, as many points again
// each, are read only by charts against time and would crowd them out.
//
// An entry put by a seal round that then fails is harmless: it is keyed by
// the hash of the block's bytes, which a later round writes again or never.
func (db *DB) cacheSealed(ref blockRef, p Points, st block.Stats, pyr []block.Bucket) {
	s := compactSpan(Points{Steps: p.Steps, Values: append([]float64(nil), p.Values...)})
	if s.steps != nil {
		s.steps = append([]int64(nil), p.Steps...)
	}
	b := &decodedBlock{span: s, cuts: block.AppendCuts(nil, s.Values)}
	b.hasCuts.Store(true)
	db.cache.put(cacheKey{hash: ref.hash, kind: kindPoints}, b, spanBytes(&s))
	sum := newDecodedSummary(st, pyr)
	db.cache.put(cacheKey{hash: ref.hash, kind: kindSummary}, sum, summaryBytes(sum))
	db.stats.blocksCached.Add(1)
}

// Buffers for encoded blocks fetched from the BlockStore, and for decoded
// steps that turn out evenly spaced and are not kept.
var (
	rawBufs      = sync.Pool{New: func() any { return new([]byte) }}
	decodedSteps = sync.Pool{New: func() any { return new([]int64) }}
)

// decodeBlock fetches a sealed block from the BlockStore and decodes it into
// a span of its own arrays, without steps when they are evenly spaced.
func (db *DB) decodeBlock(rs *runState, key string, ref blockRef) (Span, error) {
	buf := rawBufs.Get().(*[]byte)
	defer rawBufs.Put(buf)
	var err error
	*buf, err = db.blocks.Get((*buf)[:0], blockKey(rs, key, ref))
	if errors.Is(err, ErrNotFound) {
		return Span{}, fmt.Errorf("block %q@%d of %s/%s: missing: %w",
			key, ref.minStep, rs.project, rs.id, ErrCorrupt)
	}
	if err != nil {
		return Span{}, fmt.Errorf("read block: %w", err)
	}
	steps := decodedSteps.Get().(*[]int64)
	defer decodedSteps.Put(steps)
	var p Points
	p.Steps, p.Values, err = block.Decode(*buf, (*steps)[:0], make([]float64, 0, ref.count))
	*steps = p.Steps
	if err != nil || p.Len() != ref.count {
		return Span{}, fmt.Errorf("decode block %q@%d of %s/%s: %w: %w",
			key, ref.minStep, rs.project, rs.id, ErrCorrupt, err)
	}
	s := compactSpan(p)
	if s.steps != nil {
		s.steps = append(make([]int64, 0, p.Len()), p.Steps...)
	}
	return s, nil
}
