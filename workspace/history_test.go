package workspace

import (
	"bytes"
	"encoding/hex"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"
)

// openMem returns a store over a fresh in-memory Badger.
func openMem(t *testing.T, opts ...Option) *Store {
	t.Helper()
	db, err := badger.Open(badger.DefaultOptions("").WithInMemory(true).WithLogger(nil))
	if err != nil {
		t.Fatalf("open badger: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return NewStore(db, opts...)
}

// specWith returns an arranged spec whose one section has the given name.
func specWith(name string) Spec {
	s := Spec{Version: Version, Sections: []Section{{ID: "s", Name: name}}}
	s.Normalize()
	return s
}

func sectionName(w Workspace) string { return w.Spec.Sections[0].Name }

func TestHeadGolden(t *testing.T) {
	h := head{revision: 300, first: 2, pos: 5, last: 7, updated: time.UnixMilli(1000).UTC()}
	got := appendHead([]byte("prefix"), h)
	// format 1 | revision 300 = ac 02 | first 2 | pos 5 | last 7 | 1000 ms zigzag = d0 0f
	want, _ := hex.DecodeString("707265666978" + "01" + "ac02" + "02" + "05" + "07" + "d00f")
	if !bytes.Equal(got, want) {
		t.Fatalf("appendHead(%+v) = %x, want %x", h, got, want)
	}
	back, err := decodeHead(got[len("prefix"):])
	if err != nil || back != h {
		t.Errorf("decodeHead(%x) = %+v, %v; want %+v", got, back, err, h)
	}
	for _, bad := range []string{"", "02", "01ac", "0100000000", "01010302" + "0000"} {
		b, _ := hex.DecodeString(bad)
		if _, err := decodeHead(b); !errors.Is(err, ErrCorrupt) {
			t.Errorf("decodeHead(%s) = %v, want ErrCorrupt", bad, err)
		}
	}
}

func TestEnsureCreatesOnce(t *testing.T) {
	st := openMem(t)
	calls := 0
	init := func() (Spec, error) { calls++; return specWith("first"), nil }
	w, err := st.Ensure("p", "ana", init)
	if err != nil || w.Revision != 1 || sectionName(w) != "first" {
		t.Fatalf("Ensure(new) = rev %d, %v; want rev 1", w.Revision, err)
	}
	w, err = st.Ensure("p", "ana", func() (Spec, error) { return specWith("second"), nil })
	if err != nil || w.Revision != 1 || sectionName(w) != "first" || calls != 1 {
		t.Errorf("Ensure(existing) = rev %d %q, %v; want rev 1 \"first\"", w.Revision,
			sectionName(w), err)
	}
	if w.CanUndo || w.CanRedo {
		t.Errorf("Ensure(new): can_undo %v can_redo %v, want false", w.CanUndo, w.CanRedo)
	}
	if _, err := st.Workspace("p", "bob"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Workspace(never saved) = %v, want ErrNotFound", err)
	}
}

func TestSaveStaleRevision(t *testing.T) {
	st := openMem(t)
	if _, err := st.Save("p", "ana", 0, specWith("a")); err != nil {
		t.Fatalf("Save(rev 0, new) = %v", err)
	}
	w, err := st.Save("p", "ana", 1, specWith("b"))
	if err != nil || w.Revision != 2 {
		t.Fatalf("Save(rev 1) = rev %d, %v; want rev 2", w.Revision, err)
	}
	for _, rev := range []uint64{0, 1, 3} {
		_, err := st.Save("p", "ana", rev, specWith("lost"))
		if !errors.Is(err, ErrStaleRevision) || !errors.Is(err, ErrConflict) {
			t.Errorf("Save(stale rev %d) = %v, want ErrStaleRevision", rev, err)
		}
	}
	w, err = st.Workspace("p", "ana")
	if err != nil || w.Revision != 2 || sectionName(w) != "b" {
		t.Errorf("after stale saves: rev %d %q, %v; want rev 2 \"b\"", w.Revision,
			sectionName(w), err)
	}
	bad := specWith("")
	if _, err := st.Save("p", "ana", 2, bad); !errors.Is(err, ErrInvalid) {
		t.Errorf("Save(invalid spec) = %v, want ErrInvalid", err)
	}
}

func TestUndoRedo(t *testing.T) {
	st := openMem(t)
	rev := uint64(0)
	for _, name := range []string{"a", "b", "c"} {
		w, err := st.Save("p", "ana", rev, specWith(name))
		if err != nil {
			t.Fatalf("Save(%s) = %v", name, err)
		}
		rev = w.Revision
	}
	steps := []struct {
		op       string
		want     string
		wantRev  uint64
		wantErr  error
		undo, re bool
	}{
		{"undo", "b", 4, nil, true, true},
		{"undo", "a", 5, nil, false, true},
		{"undo", "", 0, ErrNothingToUndo, false, false},
		{"redo", "b", 6, nil, true, true},
		{"redo", "c", 7, nil, true, false},
		{"redo", "", 0, ErrNothingToRedo, false, false},
		{"undo", "b", 8, nil, true, true},
	}
	for i, s := range steps {
		op := st.Undo
		if s.op == "redo" {
			op = st.Redo
		}
		w, err := op("p", "ana")
		if s.wantErr != nil {
			if !errors.Is(err, s.wantErr) || !errors.Is(err, ErrConflict) {
				t.Errorf("step %d %s = %v, want %v", i, s.op, err, s.wantErr)
			}
			continue
		}
		if err != nil || sectionName(w) != s.want || w.Revision != s.wantRev ||
			w.CanUndo != s.undo || w.CanRedo != s.re {
			t.Errorf("step %d %s = %q rev %d undo %v redo %v, %v; want %q rev %d %v %v",
				i, s.op, sectionName(w), w.Revision, w.CanUndo, w.CanRedo, err,
				s.want, s.wantRev, s.undo, s.re)
		}
	}

	// A save after the undo drops the redo tail ("c").
	w, err := st.Save("p", "ana", 8, specWith("d"))
	if err != nil || w.CanRedo {
		t.Fatalf("Save after undo = redo %v, %v; want no redo", w.CanRedo, err)
	}
	if _, err := st.Redo("p", "ana"); !errors.Is(err, ErrNothingToRedo) {
		t.Errorf("Redo after save = %v, want ErrNothingToRedo", err)
	}
	w, _ = st.Undo("p", "ana")
	if sectionName(w) != "b" {
		t.Errorf("Undo after save = %q, want \"b\"", sectionName(w))
	}
	if _, err := st.Undo("p", "nobody"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Undo(never saved) = %v, want ErrNotFound", err)
	}
}

func TestHistoryBound(t *testing.T) {
	st := openMem(t, WithHistory(101))
	for i := range 150 {
		if _, err := st.Save("p", "ana", uint64(i), specWith(string(rune('A'+i%26)))); err != nil {
			t.Fatalf("Save %d: %v", i, err)
		}
	}
	undone := 0
	for ; undone < 200; undone++ {
		if _, err := st.Undo("p", "ana"); err != nil {
			if !errors.Is(err, ErrNothingToUndo) {
				t.Fatalf("Undo %d = %v", undone, err)
			}
			break
		}
	}
	if undone != 100 {
		t.Errorf("undo steps with a history of 101 after 150 saves: %d, want 100", undone)
	}
	n := 0
	_ = st.db.View(func(txn *badger.Txn) error {
		n = countKeys(txn, makeKey(kindRevision, "p", "ana"))
		return nil
	})
	if n != 101 {
		t.Errorf("stored entries: %d, want 101", n)
	}
}

func TestConcurrentSavesOneWins(t *testing.T) {
	st := openMem(t)
	if _, err := st.Save("p", "ana", 0, specWith("start")); err != nil {
		t.Fatal(err)
	}
	const writers = 8
	var wg sync.WaitGroup
	errs := make([]error, writers)
	for i := range writers {
		wg.Go(func() {
			_, errs[i] = st.Save("p", "ana", 1, specWith(string(rune('a'+i))))
		})
	}
	wg.Wait()
	wins := 0
	for i, err := range errs {
		switch {
		case err == nil:
			wins++
		case !errors.Is(err, ErrStaleRevision):
			t.Errorf("writer %d: %v, want nil or ErrStaleRevision", i, err)
		}
	}
	w, _ := st.Workspace("p", "ana")
	if wins != 1 || w.Revision != 2 {
		t.Errorf("%d concurrent saves of rev 1: %d won, rev now %d; want 1 win, rev 2",
			writers, wins, w.Revision)
	}
}

func TestHistorySurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	open := func() *Store {
		db, err := badger.Open(badger.DefaultOptions(dir).WithLogger(nil))
		if err != nil {
			t.Fatalf("open badger in %s: %v", dir, err)
		}
		return NewStore(db)
	}
	st := open()
	if _, err := st.Save("p", "ana", 0, specWith("a")); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Save("p", "ana", 1, specWith("b")); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Undo("p", "ana"); err != nil {
		t.Fatal(err)
	}
	if err := st.db.Close(); err != nil {
		t.Fatal(err)
	}

	st = open()
	defer func() { _ = st.db.Close() }()
	w, err := st.Redo("p", "ana")
	if err != nil || sectionName(w) != "b" || w.Revision != 4 {
		t.Fatalf("Redo after restart = %q rev %d, %v; want \"b\" rev 4", sectionName(w),
			w.Revision, err)
	}
	w, err = st.Undo("p", "ana")
	if err != nil || sectionName(w) != "a" {
		t.Errorf("Undo after restart = %q, %v; want \"a\"", sectionName(w), err)
	}
}

func TestReplaceIsOneUndoableStep(t *testing.T) {
	st := openMem(t)
	if _, err := st.Save("p", "ana", 0, specWith("mine")); err != nil {
		t.Fatal(err)
	}
	w, err := st.Replace("p", "ana", specWith("theirs"))
	if err != nil || sectionName(w) != "theirs" || w.Revision != 2 {
		t.Fatalf("Replace = %q rev %d, %v; want \"theirs\" rev 2", sectionName(w), w.Revision, err)
	}
	w, err = st.Undo("p", "ana")
	if err != nil || sectionName(w) != "mine" {
		t.Errorf("Undo after Replace = %q, %v; want \"mine\"", sectionName(w), err)
	}
}

func TestWorkspacesAreSeparate(t *testing.T) {
	st := openMem(t)
	if _, err := st.Save("p", "ana", 0, specWith("ana-p")); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Save("p", "an", 0, specWith("an-p")); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Save("q", "ana", 0, specWith("ana-q")); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Save("p", DefaultOwner, 0, specWith("default-p")); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ project, owner, want string }{
		{"p", "ana", "ana-p"}, {"p", "an", "an-p"}, {"q", "ana", "ana-q"},
		{"p", DefaultOwner, "default-p"},
	} {
		w, err := st.Workspace(c.project, c.owner)
		if err != nil || sectionName(w) != c.want {
			t.Errorf("Workspace(%q, %q) = %q, %v; want %q", c.project, c.owner,
				sectionName(w), err, c.want)
		}
	}
	owners, err := st.Owners("p")
	if got := strings.Join(owners, ","); err != nil || got != "an,ana" {
		t.Errorf("Owners(p) = %q, %v; want \"an,ana\"", got, err)
	}
}
