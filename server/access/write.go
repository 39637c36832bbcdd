package access

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"slices"

	"github.com/dgraph-io/badger/v4"

	"github.com/sextant-ml/sextant/engine"
)

// MaxNameLen bounds user and team names.
const MaxNameLen = 64

// keyPrefix starts every generated API key, so that a leaked key is easy
// to recognise in logs and secret scanners.
const keyPrefix = "sx_"

// NewKey returns a fresh API key: 32 random bytes, base64url encoded.
func NewKey() string {
	var b [32]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return keyPrefix + base64.RawURLEncoding.EncodeToString(b[:])
}

// ValidName checks a user or team name: 1 to 64 bytes of letters, digits,
// '_', '.' and '-'. The error wraps engine.ErrInvalid and names field.
func ValidName(field, name string) error {
	if name == "" || len(name) > MaxNameLen {
		return fmt.Errorf("%s: must be 1 to %d bytes: %w", field, MaxNameLen, engine.ErrInvalid)
	}
	for _, c := range []byte(name) {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			c == '_' || c == '.' || c == '-'
		if !ok {
			return fmt.Errorf("%s: %q holds %q; allowed are letters, digits, '_', '.', '-': %w",
				field, name, c, engine.ErrInvalid)
		}
	}
	return nil
}

// reservedUserNames would be read as words, not users, by the routes
// /workspaces/{user}: "me" is the caller's workspace, "default" the
// project's newcomer layout.
var reservedUserNames = map[string]bool{"me": true, "default": true}

// CreateUser stores a new user and returns it with its first API key.
func (st *Store) CreateUser(name string, admin bool) (User, string, error) {
	if err := ValidName("name", name); err != nil {
		return User{}, "", err
	}
	if reservedUserNames[name] {
		return User{}, "", fmt.Errorf("name: %q is reserved by the workspace routes: %w",
			name, engine.ErrInvalid)
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.users[name] != nil {
		return User{}, "", fmt.Errorf("user %q: %w", name, engine.ErrExists)
	}

	key := NewKey()
	h := sha256.Sum256([]byte(key))
	rec := &userRecord{User: User{Name: name, Admin: admin, Created: st.now().UTC()}}
	rec.Keys = []string{hashHex(h)}
	err := st.bdb.Update(func(txn *badger.Txn) error {
		if err := putJSON(txn, prefixUser+name, rec); err != nil {
			return err
		}
		return txn.Set(keyOfHash(h), append([]byte{formatVersion}, name...))
	})
	if err != nil {
		return User{}, "", fmt.Errorf("store user %q: %w", name, err)
	}

	st.users[name] = rec
	st.keys[h] = name
	return rec.User, key, nil
}

// SetKey makes key the only API key of user, revoking the others.
func (st *Store) SetKey(user, key string) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	old := st.users[user]
	if old == nil {
		return fmt.Errorf("user %q: %w", user, engine.ErrNotFound)
	}
	h := sha256.Sum256([]byte(key))
	if holder, ok := st.keys[h]; ok && holder != user {
		return fmt.Errorf("api key of %q: held by another user: %w", user, engine.ErrExists)
	}

	rec := *old
	rec.Keys = []string{hashHex(h)}
	err := st.bdb.Update(func(txn *badger.Txn) error {
		for k, name := range st.keys {
			if name == user && k != h {
				if err := txn.Delete(keyOfHash(k)); err != nil {
					return err
				}
			}
		}
		if err := putJSON(txn, prefixUser+user, &rec); err != nil {
			return err
		}
		return txn.Set(keyOfHash(h), append([]byte{formatVersion}, user...))
	})
	if err != nil {
		return fmt.Errorf("store key of %q: %w", user, err)
	}

	for k, name := range st.keys {
		if name == user {
			delete(st.keys, k)
		}
	}
	st.keys[h] = user
	st.users[user] = &rec
	return nil
}

// EnsureAdmin makes the built-in admin exist. With a non-empty key, that
// key becomes the admin's only key. Otherwise, on the first start only, a
// key is generated and returned; later starts return "".
func (st *Store) EnsureAdmin(key string) (generated string, err error) {
	_, err = st.User(AdminUser)
	switch {
	case err == nil && key == "":
		return "", nil
	case err == nil:
		return "", st.SetKey(AdminUser, key)
	}
	_, generated, err = st.CreateUser(AdminUser, true)
	if err != nil || key == "" {
		return generated, err
	}
	return "", st.SetKey(AdminUser, key)
}

// CreateTeam stores a new team whose first member and admin is creator.
func (st *Store) CreateTeam(name, creator string) (Team, error) {
	if err := ValidName("name", name); err != nil {
		return Team{}, err
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.teams[name] != nil {
		return Team{}, fmt.Errorf("team %q: %w", name, engine.ErrExists)
	}
	if st.users[creator] == nil {
		return Team{}, fmt.Errorf("user %q: %w", creator, engine.ErrNotFound)
	}

	t := Team{Name: name, Created: st.now().UTC()}
	err := st.bdb.Update(func(txn *badger.Txn) error {
		if err := putJSON(txn, prefixTeam+name, t); err != nil {
			return err
		}
		return putMember(txn, name, creator, true)
	})
	if err != nil {
		return Team{}, fmt.Errorf("store team %q: %w", name, err)
	}

	st.teams[name] = &teamState{Team: t, members: map[string]bool{creator: true}}
	return t, nil
}

// AddMember adds user to team, or changes whether they are its admin.
func (st *Store) AddMember(team, user string, admin bool) (Membership, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	t := st.teams[team]
	if t == nil {
		return Membership{}, fmt.Errorf("team %q: %w", team, engine.ErrNotFound)
	}
	if st.users[user] == nil {
		return Membership{}, fmt.Errorf("user %q: %w", user, engine.ErrNotFound)
	}

	err := st.bdb.Update(func(txn *badger.Txn) error {
		return putMember(txn, team, user, admin)
	})
	if err != nil {
		return Membership{}, fmt.Errorf("store member %q of %q: %w", user, team, err)
	}

	t.members[user] = admin
	return Membership{Team: team, User: user, Admin: admin}, nil
}

func keyOfHash(h [sha256.Size]byte) []byte {
	return append([]byte(prefixKey), h[:]...)
}

func putJSON(txn *badger.Txn, key string, v any) error {
	val, err := encodeJSON(v)
	if err != nil {
		return err
	}
	return txn.Set([]byte(key), val)
}

func putMember(txn *badger.Txn, team, user string, admin bool) error {
	key := slices.Concat([]byte(prefixMember), []byte(team), []byte{0}, []byte(user))
	val, err := encodeJSON(struct {
		Admin bool `json:"admin"`
	}{admin})
	if err != nil {
		return err
	}
	return txn.Set(key, val)
}
