package engine

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
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
	n := 17
	if len(v) > 0 && v[0] == summaryVersionV1 {
		n = 9
	}
	if len(v) < n || (v[0] != summaryVersion && v[0] != summaryVersionV1) {
		return blockRef{}, block.Stats{}, nil,
			fmt.Errorf("decode summary header: %w", ErrCorrupt)
	}
	ref := blockRef{hash: binary.LittleEndian.Uint64(v[1:])}
	if n == 17 {
		ref.id = binary.LittleEndian.Uint64(v[9:])
	}
	st, pyr, err := block.DecodeSummary(v[n:])
	ref.minStep, ref.maxStep, ref.count = st.MinStep, st.MaxStep, st.Count
	return ref, st, pyr, err
}

// loadRefs reads the block list of a series from its summary keys.
func (db *DB) loadRefs(rs *runState, key string) ([]blockRef, error) {
	var refs []blockRef
	prefix := seriesPrefix(prefixSummary, rs.project, rs.id, key)
	err := db.bdb.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix, PrefetchValues: true})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			err := it.Item().Value(func(v []byte) error {
				ref, _, _, err := decodeSummaryValue(v)
				refs = append(refs, ref)
				return err
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

// readBlock returns the points of a sealed block, through the cache.
func (db *DB) readBlock(rs *runState, key string, ref blockRef) (Points, error) {
	dst := Points{Steps: make([]int64, 0, ref.count), Values: make([]float64, 0, ref.count)}
	return db.appendBlock(dst, rs, key, ref, math.MinInt64, math.MaxInt64)
}

// rawBufs holds buffers for the cache's copies of decoded blocks, and for
// encoded blocks fetched from the BlockStore.
var rawBufs = sync.Pool{New: func() any { return new([]byte) }}

// appendBlock appends to dst the points of a sealed block with step in
// [lo, hi], through the cache.
func (db *DB) appendBlock(dst Points, rs *runState, key string,
	ref blockRef, lo, hi int64) (Points, error) {
	buf := rawBufs.Get().(*[]byte)
	defer rawBufs.Put(buf)
	var hk [8]byte
	binary.LittleEndian.PutUint64(hk[:], ref.hash)
	*buf = db.cache.GetBig((*buf)[:0], hk[:])
	if len(*buf) == 16*ref.count && ref.count > 0 {
		db.stats.cacheHits.Add(1)
		return appendRawRange(dst, *buf, lo, hi), nil
	}

	db.stats.cacheMisses.Add(1)
	p, err := db.decodeBlock(rs, key, ref)
	if err != nil {
		return dst, err
	}
	*buf = appendRaw((*buf)[:0], p)
	db.cache.SetBig(hk[:], *buf)
	p = trim(p, lo, hi)
	dst.Steps, dst.Values = append(dst.Steps, p.Steps...), append(dst.Values, p.Values...)
	return dst, nil
}

// decodeBlock fetches a sealed block from the BlockStore and decodes it.
func (db *DB) decodeBlock(rs *runState, key string, ref blockRef) (Points, error) {
	buf := rawBufs.Get().(*[]byte)
	defer rawBufs.Put(buf)
	var err error
	*buf, err = db.blocks.Get((*buf)[:0], blockKey(rs, key, ref))
	if errors.Is(err, ErrNotFound) {
		return Points{}, fmt.Errorf("block %q@%d of %s/%s: missing: %w",
			key, ref.minStep, rs.project, rs.id, ErrCorrupt)
	}
	if err != nil {
		return Points{}, fmt.Errorf("read block: %w", err)
	}
	var p Points
	p.Steps, p.Values, err = block.Decode(*buf, make([]int64, 0, ref.count),
		make([]float64, 0, ref.count))
	if err != nil || p.Len() != ref.count {
		return Points{}, fmt.Errorf("decode block %q@%d of %s/%s: %w: %w",
			key, ref.minStep, rs.project, rs.id, ErrCorrupt, err)
	}
	return p, nil
}

// appendRaw appends points as the cache holds them: every step, then every
// value, as 8 bytes little-endian each.
func appendRaw(dst []byte, p Points) []byte {
	for _, s := range p.Steps {
		dst = binary.LittleEndian.AppendUint64(dst, uint64(s))
	}
	for _, v := range p.Values {
		dst = binary.LittleEndian.AppendUint64(dst, math.Float64bits(v))
	}
	return dst
}

// appendRawRange appends the points of a cached block with step in
// [lo, hi] to dst.
func appendRawRange(dst Points, raw []byte, lo, hi int64) Points {
	n := len(raw) / 16
	step := func(i int) int64 { return int64(binary.LittleEndian.Uint64(raw[8*i:])) }
	i := sort.Search(n, func(i int) bool { return step(i) >= lo })
	j := sort.Search(n, func(i int) bool { return step(i) > hi })
	for k := i; k < j; k++ {
		dst.Steps = append(dst.Steps, step(k))
	}
	for k := i; k < j; k++ {
		dst.Values = append(dst.Values,
			math.Float64frombits(binary.LittleEndian.Uint64(raw[8*(n+k):])))
	}
	return dst
}
