package engine

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
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

// failingPuts is a BlockStore that stores the blocks of a Put and then
// reports a failure, while fail is set, as a store that times out after
// writing would: the seal round fails and leaves the blocks unnamed.
type failingPuts struct {
	*memBlocks
	fail atomic.Bool
}

func (s *failingPuts) Put(blocks []StoredBlock) error {
	err := s.memBlocks.Put(blocks)
	if s.fail.Load() {
		return errors.New("put: timed out after writing")
	}
	return err
}

// TestSweepAfterFailedRound fails seal rounds after their blocks are
// stored, and checks that the engine sweeps the blocks they left unnamed
// by itself, that no point is lost, and that a clean restart does not
// sweep again.
func TestSweepAfterFailedRound(t *testing.T) {
	dir := t.TempDir()
	store := &failingPuts{memBlocks: newMemBlocks()}
	store.fail.Store(true)
	opts := Options{HeadMaxPoints: 4096, BlockStore: store, SweepAfter: 20 * time.Millisecond}
	db := openDB(t, dir, opts)
	newRun(t, db, "p", "r")
	steps := stepRange(0, 1000)
	f := func(s int64) float64 { return float64(s % 17) }
	mustAppend(t, db, "p", "r", rowsOf("loss", steps, f))
	if err := db.sealAll(sealAll); err == nil {
		t.Fatal("seal round succeeded with a failing block store")
	}
	if len(store.keys(prefixBlock)) == 0 {
		t.Fatal("the failed round stored no block; the test proves nothing")
	}

	store.fail.Store(false)
	deadline := time.Now().Add(10 * time.Second)
	for db.Stats().Sweeps == 0 {
		if time.Now().After(deadline) {
			t.Fatal("no sweep 10 s after a failed seal round")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if db.Stats().OrphansDeleted == 0 {
		t.Error("the sweep deleted none of the failed round's blocks")
	}
	checkPoints(t, db, pointsOf(steps, f))
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	db = openDB(t, dir, opts)
	checkPoints(t, db, pointsOf(steps, f))
	time.Sleep(100 * time.Millisecond)
	if st := db.Stats(); st.Sweeps != 0 {
		t.Errorf("%d sweeps after a clean restart, want none", st.Sweeps)
	}
}

// TestSweepDueAfterUncleanShutdown checks that a write-ahead log left at
// Open, as a killed process leaves it, makes a sweep due, and a clean
// store's does not (the real kill is in cmd/sextant's TestCrash).
func TestSweepDueAfterUncleanShutdown(t *testing.T) {
	dir := t.TempDir()
	db := openDB(t, dir, Options{SweepAfter: -1})
	newRun(t, db, "p", "r")
	mustAppend(t, db, "p", "r", rowsOf("loss", stepRange(0, 10), func(int64) float64 { return 1 }))
	if db.sweepDue.Load() {
		t.Error("a sweep is due on a fresh store")
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db = openDB(t, dir, Options{SweepAfter: -1})
	if db.sweepDue.Load() {
		t.Error("a sweep is due after a clean Close")
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	// What a kill leaves: a segment of the log.
	if err := os.WriteFile(filepath.Join(walDir(dir), "0000000000000009.wal"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	db = openDB(t, dir, Options{SweepAfter: -1})
	if !db.sweepDue.Load() {
		t.Error("no sweep due with a write-ahead log left at Open")
	}
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

// TestSweepDuringWrites sweeps over and over while writers append, some
// rows late (rewriting sealed blocks, which retires the old ones), and
// readers scan, and checks that no sweep takes a block that a summary
// names or a reader needs: every point stays readable, bit for bit.
func TestSweepDuringWrites(t *testing.T) {
	const writers, batches, rows = 3, 30, 40
	db := openDB(t, t.TempDir(), Options{HeadMaxPoints: 64, SweepAfter: -1})
	for w := range writers {
		newRun(t, db, "p", fmt.Sprintf("r%d", w))
	}
	value := func(s int64) float64 { return math.Sin(float64(s)/7) + float64(s%5) }
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			run := fmt.Sprintf("r%d", w)
			for i := range batches {
				lo := int64(i * rows)
				if _, err := db.Append("p", run, rowsOf("loss", stepRange(lo, lo+rows), value)); err != nil {
					t.Errorf("Append(%s): %v", run, err)
					return
				}
				if i%3 == 2 { // late rows, inside sealed blocks
					late := stepRange(lo-2*rows+5, lo-2*rows+9)
					if _, err := db.Append("p", run, rowsOf("loss", late, value)); err != nil {
						t.Errorf("Append(%s, late): %v", run, err)
						return
					}
				}
			}
		})
	}
	done := make(chan struct{})
	var sweeps, scans sync.WaitGroup
	sweeps.Go(func() {
		for {
			select {
			case <-done:
				return
			default:
			}
			if _, err := db.SweepOrphans(); err != nil {
				t.Errorf("SweepOrphans: %v", err)
				return
			}
		}
	})
	scans.Go(func() {
		for {
			select {
			case <-done:
				return
			default:
			}
			for w := range writers {
				_, err := db.Read("p", fmt.Sprintf("r%d", w), "loss", 0, math.MaxInt64)
				if err != nil && !errors.Is(err, ErrNotFound) {
					t.Errorf("Read during the sweeps: %v", err)
					return
				}
			}
		}
	})
	wg.Wait()
	if err := db.sealAll(sealAll); err != nil {
		t.Fatal(err)
	}
	close(done)
	sweeps.Wait()
	scans.Wait()
	if n, err := db.SweepOrphans(); err != nil || n != 0 {
		t.Errorf("final SweepOrphans() = %d, %v; want nothing left by a clean run", n, err)
	}

	want := pointsOf(stepRange(0, batches*rows), value)
	for w := range writers {
		run := fmt.Sprintf("r%d", w)
		got, err := db.Read("p", run, "loss", 0, math.MaxInt64)
		if err != nil {
			t.Fatalf("Read(%s): %v", run, err)
		}
		if !samePoints(got, want) {
			t.Errorf("%s: read %d points after the sweeps, want the %d written",
				run, got.Len(), want.Len())
		}
	}
	if st := db.Stats(); st.BlocksRewritten == 0 {
		t.Error("no block was rewritten; the late rows prove nothing")
	}
}
