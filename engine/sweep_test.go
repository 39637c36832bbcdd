package engine

import (
	"errors"
	"math"
	"testing"
	"time"
)

// TestSweepOrphans stores blocks that no summary names, as crashes leave
// them (a block of a live series under a fresh id, a block of a run the
// catalogue does not have), and checks that the sweep deletes exactly
// those, keeps a retired block that a view may still read, and that every
// point stays readable, before and after a restart.
func TestSweepOrphans(t *testing.T) {
	dir := t.TempDir()
	db := openDB(t, dir, Options{HeadMaxPoints: 256, SweepAfter: -1})
	newRun(t, db, "p", "r")
	steps := stepRange(0, 2000)
	f := func(s int64) float64 { return math.Sin(float64(s) / 50) }
	mustAppend(t, db, "p", "r", rowsOf("loss", steps, f))
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	db = openDB(t, dir, Options{HeadMaxPoints: 256, SweepAfter: -1})
	rs, err := db.lookupRun("p", "r")
	if err != nil {
		t.Fatal(err)
	}
	orphans := []string{
		blockKey(rs, "loss", blockRef{minStep: 0, id: 42}),
		blockKey(rs, "acc", blockRef{minStep: 7, id: 43}),
		string(seriesKey(prefixBlock, "p", "gone", "loss", 0)),
	}
	retired := blockKey(rs, "loss", blockRef{minStep: 256, id: 44})
	var put []StoredBlock
	for _, k := range append(orphans, retired) {
		put = append(put, StoredBlock{Key: k, Data: []byte("left by a crash")})
	}
	if err := db.blocks.Put(put); err != nil {
		t.Fatal(err)
	}
	rs.mu.Lock()
	rs.retire([]string{retired})
	rs.views = map[uint64]int{rs.epoch - 1: 1} // a view from before the retirement
	rs.mu.Unlock()
	before := listBlocks(t, db)

	n, err := db.SweepOrphans()
	if err != nil || n != len(orphans) {
		t.Fatalf("SweepOrphans() = %d, %v; want %d orphans deleted", n, err, len(orphans))
	}
	after := listBlocks(t, db)
	for _, k := range orphans {
		if after[k] {
			t.Errorf("orphan %q survived the sweep", k)
		}
	}
	if !after[retired] {
		t.Errorf("retired block %q, which an open view may read, was swept", retired)
	}
	if len(after) != len(before)-len(orphans) {
		t.Errorf("%d blocks after the sweep, want %d", len(after), len(before)-len(orphans))
	}
	if st := db.Stats(); st.OrphansDeleted != uint64(len(orphans)) {
		t.Errorf("Stats().OrphansDeleted = %d, want %d", st.OrphansDeleted, len(orphans))
	}
	if n, err := db.SweepOrphans(); err != nil || n != 0 {
		t.Errorf("second SweepOrphans() = %d, %v; want nothing left to delete", n, err)
	}
	checkPoints(t, db, pointsOf(steps, f))

	rs.mu.Lock()
	rs.views = nil
	rs.mu.Unlock()
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db = openDB(t, dir, Options{HeadMaxPoints: 256, SweepAfter: -1})
	checkPoints(t, db, pointsOf(steps, f))
}

// TestSweepAfterOpen checks that Open sweeps by itself once SweepAfter has
// passed, and that the points stay.
func TestSweepAfterOpen(t *testing.T) {
	dir := t.TempDir()
	db := openDB(t, dir, Options{HeadMaxPoints: 128, SweepAfter: -1})
	newRun(t, db, "p", "r")
	steps := stepRange(0, 1000)
	f := func(s int64) float64 { return float64(s % 17) }
	mustAppend(t, db, "p", "r", rowsOf("loss", steps, f))
	orphan := string(seriesKey(prefixBlock, "p", "r", "loss", 5)) + "\x00\x00\x00\x00\x00\x00\x00\x09"
	if err := db.blocks.Put([]StoredBlock{{Key: orphan, Data: []byte{1}}}); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	db = openDB(t, dir, Options{HeadMaxPoints: 128, SweepAfter: 10 * time.Millisecond})
	deadline := time.Now().Add(10 * time.Second)
	for db.Stats().OrphansDeleted == 0 {
		if time.Now().After(deadline) {
			t.Fatal("no orphan deleted 10 s after Open")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if listBlocks(t, db)[orphan] {
		t.Errorf("orphan %q survived", orphan)
	}
	checkPoints(t, db, pointsOf(steps, f))
}

// listBlocks returns the keys of every block in the store.
func listBlocks(t *testing.T, db *DB) map[string]bool {
	t.Helper()
	keys := map[string]bool{}
	if err := db.blocks.List(prefixBlock, func(k string) error {
		keys[k] = true
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return keys
}

// checkPoints reads run p/r's loss series whole and compares it with want.
func checkPoints(t *testing.T, db *DB, want Points) {
	t.Helper()
	got, err := db.Read("p", "r", "loss", 0, math.MaxInt64)
	if err != nil && !errors.Is(err, ErrNotFound) {
		t.Fatal(err)
	}
	if !samePoints(got, want) {
		t.Fatalf("read %d points after the sweep, want the %d written", got.Len(), want.Len())
	}
}
