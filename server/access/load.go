package access

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"

	"github.com/dgraph-io/badger/v4"

	"github.com/sextant-ml/sextant/engine"
)

// load reads every a/ record into memory. Users go first, since keys and
// memberships refer to them.
func (st *Store) load(txn *badger.Txn) error {
	steps := []struct {
		prefix string
		fn     func(key, val []byte) error
	}{
		{prefixUser, st.loadUser},
		{prefixTeam, st.loadTeam},
		{prefixKey, st.loadKey},
		{prefixMember, st.loadMember},
	}
	for _, step := range steps {
		if err := scanPrefix(txn, step.prefix, step.fn); err != nil {
			return err
		}
	}
	return nil
}

func scanPrefix(txn *badger.Txn, prefix string, fn func(key, val []byte) error) error {
	it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte(prefix)})
	defer it.Close()
	for it.Rewind(); it.Valid(); it.Next() {
		item := it.Item()
		val, err := item.ValueCopy(nil)
		if err != nil {
			return err
		}
		key := item.Key()[len(prefix):]
		if err := fn(key, val); err != nil {
			return fmt.Errorf("record %q: %w", item.Key(), err)
		}
	}
	return nil
}

// payload checks the version byte of a stored value and returns the rest.
func payload(val []byte) ([]byte, error) {
	if len(val) == 0 || val[0] != formatVersion {
		return nil, fmt.Errorf("unknown format version: %w", engine.ErrCorrupt)
	}
	return val[1:], nil
}

func decodeJSON(val []byte, v any) error {
	p, err := payload(val)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(p, v); err != nil {
		return fmt.Errorf("%w: %w", engine.ErrCorrupt, err)
	}
	return nil
}

func (st *Store) loadUser(_, val []byte) error {
	var u userRecord
	if err := decodeJSON(val, &u); err != nil {
		return err
	}
	st.users[u.Name] = &u
	return nil
}

func (st *Store) loadTeam(_, val []byte) error {
	var t Team
	if err := decodeJSON(val, &t); err != nil {
		return err
	}
	st.teams[t.Name] = &teamState{Team: t, members: map[string]bool{}}
	return nil
}

func (st *Store) loadKey(key, val []byte) error {
	name, err := payload(val)
	if err != nil {
		return err
	}
	if len(key) != sha256.Size || st.users[string(name)] == nil {
		return fmt.Errorf("key of unknown user %q: %w", name, engine.ErrCorrupt)
	}
	st.keys[[sha256.Size]byte(key)] = string(name)
	return nil
}

func (st *Store) loadMember(key, val []byte) error {
	team, user, ok := bytes.Cut(key, []byte{0})
	if !ok {
		return fmt.Errorf("membership key without separator: %w", engine.ErrCorrupt)
	}
	var m struct {
		Admin bool `json:"admin"`
	}
	if err := decodeJSON(val, &m); err != nil {
		return err
	}
	t := st.teams[string(team)]
	if t == nil || st.users[string(user)] == nil {
		return fmt.Errorf("membership of unknown team or user: %w", engine.ErrCorrupt)
	}
	t.members[string(user)] = m.Admin
	return nil
}
