package engine

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"sort"
	"sync"

	"github.com/dgraph-io/badger/v4"

	"github.com/sextant-ml/sextant/engine/block"
)

// summaryVersion starts every summary value; see docs/format/keys.md.
const summaryVersion = 1

// TODO: reach blocks through a block-store interface (put, get, list and
// delete by key), as docs/architecture.md plans for object storage; seal
// rounds now write blocks in the Badger transactions of their summaries,
// under keys that a rewrite reuses, so they are not yet immutable objects.

// blockRef is what the engine keeps in memory about a sealed block.
type blockRef struct {
	minStep, maxStep int64
	count            int
	// hash is the xxhash of the encoded block. Decoded blocks are cached
	// under it, so a rewritten block never meets a stale cache entry.
	hash uint64
}

// encodeSummaryValue returns the summary value of a block: version, hash
// of the encoded block (8 bytes little-endian), then the summary as
// block.AppendSummary writes it.
func encodeSummaryValue(hash uint64, st block.Stats, pyr []block.Bucket) []byte {
	v := binary.LittleEndian.AppendUint64([]byte{summaryVersion}, hash)
	return block.AppendSummary(v, st, pyr)
}

func decodeSummaryValue(v []byte) (uint64, block.Stats, []block.Bucket, error) {
	if len(v) < 9 || v[0] != summaryVersion {
		return 0, block.Stats{}, nil, fmt.Errorf("decode summary header: %w", ErrCorrupt)
	}
	st, pyr, err := block.DecodeSummary(v[9:])
	return binary.LittleEndian.Uint64(v[1:]), st, pyr, err
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
				hash, st, _, err := decodeSummaryValue(v)
				refs = append(refs, blockRef{st.MinStep, st.MaxStep, st.Count, hash})
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
func (db *DB) readBlock(txn *badger.Txn, rs *runState, key string, ref blockRef) (Points, error) {
	dst := Points{Steps: make([]int64, 0, ref.count), Values: make([]float64, 0, ref.count)}
	return db.appendBlock(dst, txn, rs, key, ref, math.MinInt64, math.MaxInt64)
}

// rawBufs holds buffers for the cache's copies of decoded blocks.
var rawBufs = sync.Pool{New: func() any { return new([]byte) }}

// appendBlock appends to dst the points of a sealed block with step in
// [lo, hi], through the cache.
func (db *DB) appendBlock(dst Points, txn *badger.Txn, rs *runState, key string,
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
	p, err := db.decodeBlock(txn, rs, key, ref)
	if err != nil {
		return dst, err
	}
	*buf = appendRaw((*buf)[:0], p)
	db.cache.SetBig(hk[:], *buf)
	p = trim(p, lo, hi)
	dst.Steps, dst.Values = append(dst.Steps, p.Steps...), append(dst.Values, p.Values...)
	return dst, nil
}

func (db *DB) decodeBlock(txn *badger.Txn, rs *runState, key string, ref blockRef) (Points, error) {
	item, err := txn.Get(seriesKey(prefixBlock, rs.project, rs.id, key, ref.minStep))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return Points{}, fmt.Errorf("block %q@%d of %s/%s: missing: %w",
			key, ref.minStep, rs.project, rs.id, ErrCorrupt)
	}
	if err != nil {
		return Points{}, fmt.Errorf("read block: %w", err)
	}
	var p Points
	err = item.Value(func(v []byte) error {
		var err error
		p.Steps, p.Values, err = block.Decode(v, make([]int64, 0, ref.count),
			make([]float64, 0, ref.count))
		return err
	})
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
