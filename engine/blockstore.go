package engine

import (
	"errors"
	"fmt"

	"github.com/dgraph-io/badger/v4"
)

// BlockStore holds the bytes of sealed blocks: immutable values under keys
// that the engine never reuses for other bytes. It is the only way the
// engine reaches block bytes; summaries and the catalogue stay in Badger,
// the node-local index. Badger is the first implementation (the default);
// an object store could be another, since a block is written once, read
// whole and deleted, never changed.
//
// Keys are engine block keys (docs/format/keys.md): they start with "e/b/"
// and may hold any byte. A BlockStore must be safe for concurrent use.
type BlockStore interface {
	// Put stores blocks under their keys. When it returns nil, every one
	// is durable.
	Put(blocks []StoredBlock) error
	// Get appends the bytes of the block under key to dst. A missing key
	// is an error satisfying errors.Is(err, ErrNotFound).
	Get(dst []byte, key string) ([]byte, error)
	// List calls fn with the key of every block that starts with prefix,
	// in increasing byte order, and stops at fn's first error.
	List(prefix string, fn func(key string) error) error
	// Delete removes the blocks under keys; a missing key is no error.
	Delete(keys []string) error
}

// StoredBlock is a block's key and encoded bytes, as a BlockStore holds it.
type StoredBlock struct {
	Key  string
	Data []byte
}

// badgerBlocks is the BlockStore in the engine's own Badger database.
type badgerBlocks struct {
	bdb *badger.DB
}

// NewBadgerBlockStore returns a BlockStore that keeps blocks in bdb under
// their keys, committing puts and deletes in transactions of bounded size.
func NewBadgerBlockStore(bdb *badger.DB) BlockStore {
	return &badgerBlocks{bdb: bdb}
}

func (s *badgerBlocks) Put(blocks []StoredBlock) error {
	return s.update(len(blocks), func(txn *badger.Txn, i int) (int, error) {
		b := blocks[i]
		return len(b.Key) + len(b.Data) + 64, txn.Set([]byte(b.Key), b.Data)
	})
}

func (s *badgerBlocks) Delete(keys []string) error {
	return s.update(len(keys), func(txn *badger.Txn, i int) (int, error) {
		return len(keys[i]) + 64, txn.Delete([]byte(keys[i]))
	})
}

// update applies op to items 0..n-1 in transactions of at most txnBudget
// bytes; op returns the bytes its item adds.
func (s *badgerBlocks) update(n int, op func(txn *badger.Txn, i int) (int, error)) error {
	txn, size := s.bdb.NewTransaction(true), 0
	defer func() { txn.Discard() }()
	for i := range n {
		if size >= txnBudget {
			if err := txn.Commit(); err != nil {
				return fmt.Errorf("commit blocks: %w", err)
			}
			txn, size = s.bdb.NewTransaction(true), 0
		}
		k, err := op(txn, i)
		if err != nil {
			return fmt.Errorf("write blocks: %w", err)
		}
		size += k
	}
	if err := txn.Commit(); err != nil {
		return fmt.Errorf("commit blocks: %w", err)
	}
	return nil
}

func (s *badgerBlocks) Get(dst []byte, key string) ([]byte, error) {
	err := s.bdb.View(func(txn *badger.Txn) error {
		item, err := txn.Get([]byte(key))
		if err != nil {
			return err
		}
		return item.Value(func(v []byte) error {
			dst = append(dst, v...)
			return nil
		})
	})
	if errors.Is(err, badger.ErrKeyNotFound) {
		return dst, fmt.Errorf("block %q: %w", key, ErrNotFound)
	}
	if err != nil {
		return dst, fmt.Errorf("get block: %w", err)
	}
	return dst, nil
}

func (s *badgerBlocks) List(prefix string, fn func(key string) error) error {
	return s.bdb.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte(prefix)})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			if err := fn(string(it.Item().Key())); err != nil {
				return err
			}
		}
		return nil
	})
}

// DropPrefix deletes every block under prefix and frees its space in
// Badger's tables at once, not at a later compaction.
func (s *badgerBlocks) DropPrefix(prefix string) error {
	if err := s.bdb.DropPrefix([]byte(prefix)); err != nil {
		return fmt.Errorf("drop blocks: %w", err)
	}
	return nil
}
