package engine

import (
	"errors"
	"fmt"

	"github.com/dgraph-io/badger/v4"
)

// readSummary returns the summary of a sealed block through the block
// cache: block.DecodeSummary unpacks a compact encoding and takes tens of
// microseconds a block, which a chart over a long series would pay for
// every block. The summary is shared with the cache and must not be
// written.
func (db *DB) readSummary(txn *badger.Txn, rs *runState, key string, ref blockRef) (
	*decodedSummary, error) {
	k := cacheKey{hash: ref.hash, kind: kindSummary}
	if v, ok := db.cache.get(k); ok {
		db.stats.summaryHits.Add(1)
		return v.(*decodedSummary), nil
	}
	item, err := txn.Get(seriesKey(prefixSummary, rs.project, rs.id, key, ref.minStep))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return nil, fmt.Errorf("summary %q@%d of %s/%s: missing: %w",
			key, ref.minStep, rs.project, rs.id, ErrCorrupt)
	}
	if err != nil {
		return nil, fmt.Errorf("read summary: %w", err)
	}
	s := new(decodedSummary)
	err = item.Value(func(val []byte) error {
		var err error
		_, s.st, s.pyr, err = decodeSummaryValue(val)
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
