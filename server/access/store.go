package access

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/sextant-ml/sextant/engine"
)

// AdminUser is the name of the built-in administrator.
const AdminUser = "admin"

// formatVersion is the first byte of every value this package stores.
const formatVersion = 1

// Key prefixes; see the package doc.
const (
	prefixUser   = "a/u/"
	prefixKey    = "a/k/"
	prefixTeam   = "a/t/"
	prefixMember = "a/m/"
)

// User is an account.
type User struct {
	Name    string    `json:"name"`
	Admin   bool      `json:"admin"`
	Created time.Time `json:"created"`
}

// Team is a group of users.
type Team struct {
	Name    string    `json:"name"`
	Created time.Time `json:"created"`
}

// Membership says that a user belongs to a team, and whether as its admin.
type Membership struct {
	Team  string `json:"team"`
	User  string `json:"user"`
	Admin bool   `json:"admin"`
}

// userRecord is what a/u/<user> holds.
type userRecord struct {
	User
	Keys []string `json:"keys"` // hex SHA-256 of each key
}

// teamState is a team and its members (user -> is admin), in memory.
type teamState struct {
	Team
	members map[string]bool
}

// Store is the access state: users, keys, teams and memberships.
type Store struct {
	bdb *badger.DB
	now func() time.Time

	mu    sync.RWMutex
	users map[string]*userRecord
	keys  map[[sha256.Size]byte]string
	teams map[string]*teamState
}

// Open loads the access state stored in bdb.
func Open(bdb *badger.DB) (*Store, error) {
	st := &Store{
		bdb:   bdb,
		now:   time.Now,
		users: map[string]*userRecord{},
		keys:  map[[sha256.Size]byte]string{},
		teams: map[string]*teamState{},
	}
	err := bdb.View(func(txn *badger.Txn) error {
		return st.load(txn)
	})
	if err != nil {
		return nil, fmt.Errorf("load access records: %w", err)
	}
	return st, nil
}

// User returns the named user or engine.ErrNotFound.
func (st *Store) User(name string) (User, error) {
	st.mu.RLock()
	defer st.mu.RUnlock()
	u, ok := st.users[name]
	if !ok {
		return User{}, fmt.Errorf("user %q: %w", name, engine.ErrNotFound)
	}
	return u.User, nil
}

// Users lists every user, by name.
func (st *Store) Users() []User {
	st.mu.RLock()
	defer st.mu.RUnlock()
	out := make([]User, 0, len(st.users))
	for _, u := range st.users {
		out = append(out, u.User)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Authenticate returns the user holding key, or engine.ErrNotFound.
func (st *Store) Authenticate(key string) (User, error) {
	h := sha256.Sum256([]byte(key))
	st.mu.RLock()
	defer st.mu.RUnlock()
	name, ok := st.keys[h]
	if !ok {
		return User{}, fmt.Errorf("api key: %w", engine.ErrNotFound)
	}
	return st.users[name].User, nil
}

// Team returns the named team or engine.ErrNotFound.
func (st *Store) Team(name string) (Team, error) {
	st.mu.RLock()
	defer st.mu.RUnlock()
	t, ok := st.teams[name]
	if !ok {
		return Team{}, fmt.Errorf("team %q: %w", name, engine.ErrNotFound)
	}
	return t.Team, nil
}

// Member tells whether user belongs to team, and whether as its admin.
// Unknown teams have no members.
func (st *Store) Member(team, user string) (member, admin bool) {
	st.mu.RLock()
	defer st.mu.RUnlock()
	t, ok := st.teams[team]
	if !ok {
		return false, false
	}
	admin, member = t.members[user]
	return member, admin
}

// Memberships lists the teams user belongs to, by team name.
func (st *Store) Memberships(user string) []Membership {
	st.mu.RLock()
	defer st.mu.RUnlock()
	var out []Membership
	for _, t := range st.teams {
		if admin, ok := t.members[user]; ok {
			out = append(out, Membership{Team: t.Name, User: user, Admin: admin})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Team < out[j].Team })
	return out
}

// Members lists the members of team, by user name.
func (st *Store) Members(team string) ([]Membership, error) {
	st.mu.RLock()
	defer st.mu.RUnlock()
	t, ok := st.teams[team]
	if !ok {
		return nil, fmt.Errorf("team %q: %w", team, engine.ErrNotFound)
	}
	out := make([]Membership, 0, len(t.members))
	for u, admin := range t.members {
		out = append(out, Membership{Team: team, User: u, Admin: admin})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].User < out[j].User })
	return out, nil
}

func hashHex(h [sha256.Size]byte) string { return hex.EncodeToString(h[:]) }

func encodeJSON(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return append([]byte{formatVersion}, b...), nil
}
