package stores

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/dgraph-io/badger/v4"

	"github.com/sextant-ml/sextant/bench/workload"
)

// BadgerName names the naive Badger peer.
const BadgerName = "Badger, key per point"

// badgerKV stores one Badger key per point: run/key/ followed by the step as
// 8 big-endian bytes, so that a series is one ordered range; the value is the
// 8 bytes of the float64. Badger runs with its default options: Snappy
// blocks, and writes that are not synced, so an acknowledged batch is in the
// operating system's cache, not yet on disk.
type badgerKV struct {
	db *badger.DB
}

// OpenBadgerKV opens the naive Badger peer.
func OpenBadgerKV(dir string) (Store, error) {
	opts := badger.DefaultOptions(dir).WithLogger(nil)
	db, err := badger.Open(opts)
	if err != nil {
		return nil, fmt.Errorf("open badger: %w", err)
	}
	return &badgerKV{db: db}, nil
}

func (s *badgerKV) Name() string { return BadgerName }

func (s *badgerKV) CreateRuns([]string) error { return nil }

func (s *badgerKV) Append(b workload.Batch) error {
	wb := s.db.NewWriteBatch()
	defer wb.Cancel()
	for _, row := range b.Rows {
		for i, key := range row.Keys {
			k := make([]byte, 0, len(b.Run)+len(key)+10)
			k = append(append(append(k, b.Run...), '/'), key...)
			k = binary.BigEndian.AppendUint64(append(k, '/'), uint64(row.Step))
			v := binary.LittleEndian.AppendUint64(make([]byte, 0, 8),
				math.Float64bits(row.Values[i]))
			if err := wb.Set(k, v); err != nil {
				return fmt.Errorf("badger set: %w", err)
			}
		}
	}
	return wb.Flush()
}

func (s *badgerKV) Close() error { return s.db.Close() }
