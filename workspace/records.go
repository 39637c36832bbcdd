package workspace

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/dgraph-io/badger/v4"
)

// Views and reports are records: a format byte and a JSON document under
// one key each, listed by iterating the project's prefix.

func putRecord(txn *badger.Txn, key []byte, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode record: %w", err)
	}
	if err := txn.Set(key, append([]byte{formatV1}, data...)); err != nil {
		return fmt.Errorf("set record: %w", err)
	}
	return nil
}

func getRecord(txn *badger.Txn, key []byte, v any) error {
	b, err := getValue(txn, key)
	if err != nil {
		return err
	}
	return decodeRecord(b, v)
}

func decodeRecord(b []byte, v any) error {
	if len(b) == 0 || b[0] != formatV1 {
		return fmt.Errorf("decode record: format byte: %w", ErrCorrupt)
	}
	if err := json.Unmarshal(b[1:], v); err != nil {
		return fmt.Errorf("decode record: %w: %s", ErrCorrupt, err.Error())
	}
	return nil
}

// listRecords calls fn with the value of every key under prefix, in key
// order.
func listRecords(txn *badger.Txn, prefix []byte, fn func(b []byte) error) error {
	it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix, PrefetchValues: true,
		PrefetchSize: 64})
	defer it.Close()
	for it.Rewind(); it.Valid(); it.Next() {
		err := it.Item().Value(fn)
		if err != nil {
			return err
		}
	}
	return nil
}

// mustExist returns ErrNotFound, wrapped with what, when key is absent.
func mustExist(txn *badger.Txn, key []byte, what string) error {
	_, err := txn.Get(key)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return fmt.Errorf("%s: %w", what, ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}
