package engine

import (
	"errors"
	"fmt"
	"unsafe"

	"github.com/dgraph-io/badger/v4"

	"github.com/sextant-ml/sextant/engine/block"
)

// cachedSummary returns the summary of the block of this hash if the
// block cache holds it, and counts the hit.
func (db *DB) cachedSummary(hash uint64) (*decodedSummary, bool) {
	v, ok := db.cache.get(cacheKey{hash: hash, kind: kindSummary})
	if !ok {
		return nil, false
	}
	db.stats.summaryHits.Add(1)
	return v.(*decodedSummary), true
}

// readSummary returns the summary of a sealed block through the block
// cache: block.DecodeSummary unpacks a compact encoding and takes tens of
// microseconds a block, which a chart over a long series would pay for
// every block. The summary is shared with the cache and must not be
// written.
func (db *DB) readSummary(txn *badger.Txn, rs *runState, key string, ref blockRef) (
	*decodedSummary, error) {
	if s, ok := db.cachedSummary(ref.hash); ok {
		return s, nil
	}
	k := cacheKey{hash: ref.hash, kind: kindSummary}
	item, err := txn.Get(seriesKey(prefixSummary, rs.project, rs.id, key, ref.minStep))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return nil, fmt.Errorf("summary %q@%d of %s/%s: missing: %w",
			key, ref.minStep, rs.project, rs.id, ErrCorrupt)
	}
	if err != nil {
		return nil, fmt.Errorf("read summary: %w", err)
	}
	var s *decodedSummary
	err = item.Value(func(val []byte) error {
		_, st, pyr, err := decodeSummaryValue(val)
		s = newDecodedSummary(st, pyr)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("summary %q@%d of %s/%s: %w",
			key, ref.minStep, rs.project, rs.id, err)
	}
	db.stats.summaryMisses.Add(1)
	db.cache.put(k, s, summaryBytes(s))
	return s, nil
}

// CoarseSpan is the number of pyramid buckets a bucket of Chunk.Coarse
// folds: 512 points of a full block.
const CoarseSpan = 8

// coarsen returns the coarse level of a pyramid (see Chunk.Coarse). A chart
// that is zoomed out folds most buckets whole; the coarse level lets it
// fold eight at once, reading an eighth of the bytes.
func coarsen(pyr []block.Bucket) []block.Bucket {
	if len(pyr) == 0 {
		return nil
	}
	out := make([]block.Bucket, 0, (len(pyr)+CoarseSpan-1)/CoarseSpan)
	for lo := 0; lo < len(pyr); lo += CoarseSpan {
		group := pyr[lo:min(lo+CoarseSpan, len(pyr))]
		c := group[0]
		for i := 1; i < len(group); i++ {
			b := &group[i]
			c.Count += b.Count
			c.Finite += b.Finite
			c.MaxStep, c.LastStep, c.Last = b.MaxStep, b.LastStep, b.Last
			if b.Min < c.Min {
				c.Min, c.MinAt = b.Min, b.MinAt
			}
			if b.Max > c.Max {
				c.Max, c.MaxAt = b.Max, b.MaxAt
			}
		}
		out = append(out, c)
	}
	return out
}

// Extreme is a bucket's smallest and largest value and the steps of their
// first occurrences, as in block.Bucket. A chart's walk over the buckets a
// column holds whole reads only these; in a slice of their own they are a
// third of a summary's bytes, and a walk over a hundred series of a million
// points was bound by reading the summaries from memory.
type Extreme struct {
	Min, Max     float64
	MinAt, MaxAt int64
}

// extremeBytes is the size of an Extreme.
const extremeBytes = int(unsafe.Sizeof(Extreme{}))

// extremesOf returns the Extreme of each bucket; nil for none.
func extremesOf(pyr []block.Bucket) []Extreme {
	if len(pyr) == 0 {
		return nil
	}
	out := make([]Extreme, len(pyr))
	for i := range pyr {
		b := &pyr[i]
		out[i] = Extreme{Min: b.Min, Max: b.Max, MinAt: b.MinAt, MaxAt: b.MaxAt}
	}
	return out
}
