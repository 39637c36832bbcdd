package access

import (
	"errors"
	"slices"
	"testing"

	"github.com/dgraph-io/badger/v4"

	"github.com/sextant-ml/sextant/engine"
)

func openBadger(t *testing.T, dir string) *badger.DB {
	t.Helper()
	bdb, err := badger.Open(badger.DefaultOptions(dir).WithLogger(nil))
	if err != nil {
		t.Fatalf("badger.Open(%s): %v", dir, err)
	}
	return bdb
}

func openStore(t *testing.T, bdb *badger.DB) *Store {
	t.Helper()
	st, err := Open(bdb)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return st
}

// TestStorePersists writes every kind of record, reopens the database and
// checks that the state read back is the same.
func TestStorePersists(t *testing.T) {
	dir := t.TempDir()
	bdb := openBadger(t, dir)
	st := openStore(t, bdb)
	gen, err := st.EnsureAdmin("")
	if err != nil || gen == "" {
		t.Fatalf("EnsureAdmin(\"\") on an empty store = %q, %v; want a key", gen, err)
	}
	_, anaKey, err := st.CreateUser("ana", false)
	if err != nil {
		t.Fatal(err)
	}
	mustDo(t, "CreateUser(bo)", func() error { _, _, err := st.CreateUser("bo", false); return err })
	mustDo(t, "CreateTeam", func() error { _, err := st.CreateTeam("vision", "ana"); return err })
	mustDo(t, "AddMember", func() error { _, err := st.AddMember("vision", "bo", false); return err })
	if err := bdb.Close(); err != nil {
		t.Fatal(err)
	}

	bdb = openBadger(t, dir)
	defer bdb.Close()
	st = openStore(t, bdb)
	if again, err := st.EnsureAdmin(""); err != nil || again != "" {
		t.Errorf("EnsureAdmin(\"\") on second start = %q, %v; want no new key", again, err)
	}
	for key, want := range map[string]string{gen: AdminUser, anaKey: "ana"} {
		if u, err := st.Authenticate(key); err != nil || u.Name != want {
			t.Errorf("Authenticate(key of %s) after reopen = %v, %v", want, u, err)
		}
	}
	if u, _ := st.User(AdminUser); !u.Admin {
		t.Errorf("User(admin).Admin = false, want true")
	}
	if m, a := st.Member("vision", "ana"); !m || !a {
		t.Errorf("Member(vision, ana) = %v, %v; want member and admin", m, a)
	}
	if m, a := st.Member("vision", "bo"); !m || a {
		t.Errorf("Member(vision, bo) = %v, %v; want member, not admin", m, a)
	}
	got := st.Memberships("bo")
	if len(got) != 1 || got[0].Team != "vision" {
		t.Errorf("Memberships(bo) = %v, want [vision]", got)
	}
}

func TestEnsureAdminWithKey(t *testing.T) {
	st := openStore(t, openBadger(t, t.TempDir()))
	if gen, err := st.EnsureAdmin("first"); err != nil || gen != "" {
		t.Fatalf("EnsureAdmin(first) = %q, %v; want no generated key", gen, err)
	}
	if _, err := st.EnsureAdmin("second"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Authenticate("first"); !errors.Is(err, engine.ErrNotFound) {
		t.Errorf("Authenticate(first) after the key changed: %v, want ErrNotFound", err)
	}
	if u, err := st.Authenticate("second"); err != nil || u.Name != AdminUser {
		t.Errorf("Authenticate(second) = %v, %v; want admin", u, err)
	}
}

func TestStoreRefuses(t *testing.T) {
	st := openStore(t, openBadger(t, t.TempDir()))
	mustDo(t, "CreateUser", func() error { _, _, err := st.CreateUser("ana", false); return err })
	tests := []struct {
		name string
		err  error
		want error
	}{
		{"empty name", second(st.CreateUser("", false)), engine.ErrInvalid},
		{"long name", second(st.CreateUser(string(make([]byte, 65)), false)), engine.ErrInvalid},
		{"slash", second(st.CreateUser("a/b", false)), engine.ErrInvalid},
		{"taken", second(st.CreateUser("ana", false)), engine.ErrExists},
		{"team of unknown user", pick(st.CreateTeam("t", "ghost")), engine.ErrNotFound},
		{"member of unknown team", pick(st.AddMember("nope", "ana", false)), engine.ErrNotFound},
		{"unknown key", pick(st.Authenticate("x")), engine.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !errors.Is(tt.err, tt.want) {
				t.Errorf("error = %v, want %v", tt.err, tt.want)
			}
		})
	}
	if users := st.Users(); !slices.EqualFunc(users, []string{"ana"},
		func(u User, n string) bool { return u.Name == n }) {
		t.Errorf("Users() after refusals = %v, want [ana]", users)
	}
}

func mustDo(t *testing.T, what string, fn func() error) {
	t.Helper()
	if err := fn(); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func second[A, B any](_ A, _ B, err error) error { return err }

func pick[A any](_ A, err error) error { return err }

func TestCreateUserRefusesReservedNames(t *testing.T) {
	bdb := openBadger(t, t.TempDir())
	t.Cleanup(func() { _ = bdb.Close() })
	st := openStore(t, bdb)
	for _, name := range []string{"me", "default"} {
		_, _, err := st.CreateUser(name, false)
		if !errors.Is(err, engine.ErrInvalid) {
			t.Errorf("CreateUser(%q) = %v, want an error wrapping ErrInvalid", name, err)
		}
	}
	if _, _, err := st.CreateUser("meg", false); err != nil {
		t.Errorf("CreateUser(\"meg\") = %v, want nil", err)
	}
}
