package workspace

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/dgraph-io/badger/v4"
)

// DefaultHistory is how many revisions of a workspace a Store keeps: one
// current and up to DefaultHistory-1 steps of undo.
const DefaultHistory = 201

// maxRetries bounds how often an operation without a revision of its own
// (undo, redo, first read) is retried after losing a commit race.
const maxRetries = 8

// Store keeps workspaces, views, reports and share links in a Badger
// database, under keys that start with "w/". It is safe for concurrent
// use: each operation is one Badger transaction.
type Store struct {
	db      *badger.DB
	history uint64
	now     func() time.Time
}

// Option configures a Store.
type Option func(*Store)

// WithHistory keeps n revisions per workspace (at least 2).
func WithHistory(n int) Option {
	return func(s *Store) { s.history = uint64(max(n, 2)) }
}

// WithClock makes the store read the time from now, for tests.
func WithClock(now func() time.Time) Option {
	return func(s *Store) { s.now = now }
}

// NewStore returns a store over db.
func NewStore(db *badger.DB, opts ...Option) *Store {
	s := &Store{db: db, history: DefaultHistory, now: time.Now}
	for _, o := range opts {
		o(s)
	}
	return s
}

// retry runs fn in a read-write transaction until it commits without a
// conflict, at most maxRetries times.
func (s *Store) retry(fn func(txn *badger.Txn) error) error {
	var err error
	for range maxRetries {
		err = s.db.Update(fn)
		if !errors.Is(err, badger.ErrConflict) {
			return err
		}
	}
	return fmt.Errorf("gave up after %d commit races: %w", maxRetries, ErrConflict)
}

// newID returns a random id of 16 hex digits for views and reports.
func newID() string {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(fmt.Sprintf("workspace: no randomness: %v", err))
	}
	return hex.EncodeToString(b[:])
}

// getValue returns a copy of the value stored under key, or ErrNotFound.
func getValue(txn *badger.Txn, key []byte) ([]byte, error) {
	item, err := txn.Get(key)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("get %q: %w", key, err)
	}
	return item.ValueCopy(nil)
}
