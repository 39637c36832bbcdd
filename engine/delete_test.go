package engine

import (
	"errors"
	"math"
	"slices"
	"testing"

	"github.com/dgraph-io/badger/v4"
)

// countKeys counts the Badger keys under prefix.
func countKeys(t *testing.T, db *DB, prefix []byte) int {
	t.Helper()
	n := 0
	err := db.Badger().View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			n++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestDeleteRun(t *testing.T) {
	dir := t.TempDir()
	db := openDB(t, dir, Options{HeadMaxPoints: 256})
	newRun(t, db, "p", "gone")
	newRun(t, db, "p", "kept")
	for _, run := range []string{"gone", "kept"} {
		for lo := int64(0); lo < 5000; lo += 1000 {
			rows := rowsOf("loss", stepRange(lo, lo+1000), sine)
			rows[0].Metrics = append(rows[0].Metrics, Metric{run + "/only", 1})
			mustAppend(t, db, "p", run, rows)
		}
	}
	if n := countKeys(t, db, runPrefix(prefixBlock, "p", "gone")); n == 0 {
		t.Fatalf("no blocks written for run gone")
	}

	if err := db.DeleteRun("p", "gone"); err != nil {
		t.Fatalf("DeleteRun: %v", err)
	}
	for _, prefix := range []string{prefixBlock, prefixSummary, prefixKey} {
		if n := countKeys(t, db, runPrefix(prefix, "p", "gone")); n != 0 {
			t.Errorf("after DeleteRun: %d keys under %s", n, runPrefix(prefix, "p", "gone"))
		}
	}
	if _, err := db.Run("p", "gone"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Run(gone) = %v, want ErrNotFound", err)
	}
	_, err := db.Append("p", "gone", rowsOf("x", []int64{1}, constant(1)))
	if !errors.Is(err, ErrNotFound) {
		t.Errorf("Append(gone) = %v, want ErrNotFound", err)
	}
	keys, _ := db.ProjectKeys("p")
	if want := []string{"kept/only", "loss"}; !slices.Equal(keys, want) {
		t.Errorf("ProjectKeys = %v, want %v", keys, want)
	}

	// A new run under the old id starts empty, also after a restart that
	// replays the log, which still holds the old run's records.
	newRun(t, db, "p", "gone")
	db.Close()
	db = openDB(t, dir, Options{HeadMaxPoints: 256})
	if keys, _ := db.Keys("p", "gone"); len(keys) != 0 {
		t.Errorf("Keys of the new run gone = %v, want none", keys)
	}
	got, err := db.Read("p", "kept", "loss", 0, math.MaxInt64)
	if err != nil || got.Len() != 5000 {
		t.Errorf("Read(kept) = %d points, %v; want 5000", got.Len(), err)
	}
}

// TestDeleteFreesSpace checks that the bytes of a deleted run leave
// Badger's tables, not only the key space. Close flushes the memtable, so
// the tables of a reopened store hold everything.
func TestDeleteFreesSpace(t *testing.T) {
	dir := t.TempDir()
	opts := Options{HeadMaxPoints: 1024}
	db := openDB(t, dir, opts)
	newRun(t, db, "p", "big")
	newRun(t, db, "p", "small")
	for lo := int64(0); lo < 20_000; lo += 5000 {
		mustAppend(t, db, "p", "big", benchRows(lo, 5000, 10))
	}
	mustAppend(t, db, "p", "small", benchRows(0, 100, 10))
	db.Close()
	db = openDB(t, dir, opts)
	before := tableBytes(db)

	if err := db.DeleteRun("p", "big"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db = openDB(t, dir, opts)
	after := tableBytes(db)
	t.Logf("tables: %d bytes before DeleteRun, %d after", before, after)
	if after >= before/4 {
		t.Errorf("tables hold %d bytes after DeleteRun, %d before; want under a quarter",
			after, before)
	}
}

// tableBytes returns the bytes in Badger's tables.
func tableBytes(db *DB) int64 {
	var total int64
	for _, ti := range db.Badger().Tables() {
		total += int64(ti.OnDiskSize)
	}
	return total
}

func TestKeys(t *testing.T) {
	db := openDB(t, "", Options{})
	newRun(t, db, "p", "a")
	newRun(t, db, "p", "b")
	mustAppend(t, db, "p", "a", []Row{{Step: 0, Metrics: []Metric{{"train/loss", 1}, {"lr", 2}}}})
	mustAppend(t, db, "p", "b", []Row{{Step: 0, Metrics: []Metric{{"val/acc", 1}, {"lr", 2}}}})
	tests := []struct {
		call string
		f    func() ([]string, error)
		want []string
	}{
		{"Keys(a)", func() ([]string, error) { return db.Keys("p", "a") },
			[]string{"_runtime", "_timestamp", "lr", "train/loss"}},
		{"ProjectKeys(p)", func() ([]string, error) { return db.ProjectKeys("p") },
			[]string{"lr", "train/loss", "val/acc"}},
	}
	for _, tt := range tests {
		t.Run(tt.call, func(t *testing.T) {
			got, err := tt.f()
			if err != nil || !slices.Equal(got, tt.want) {
				t.Errorf("%s = %v, %v; want %v", tt.call, got, err, tt.want)
			}
		})
	}
	if _, err := db.Keys("p", "zz"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Keys(zz) = %v, want ErrNotFound", err)
	}
	if _, err := db.Read("p", "a", "nope", 0, 10); !errors.Is(err, ErrNotFound) {
		t.Errorf("Read(nope) = %v, want ErrNotFound", err)
	}
}

func TestDeleteRunInMemory(t *testing.T) {
	db := openDB(t, "", Options{HeadMaxPoints: 16})
	newRun(t, db, "p", "r")
	mustAppend(t, db, "p", "r", rowsOf("x", stepRange(0, 100), sine))
	if err := db.DeleteRun("p", "r"); err != nil {
		t.Fatalf("DeleteRun in memory: %v", err)
	}
	if n := countKeys(t, db, []byte("e/b/")); n != 0 {
		t.Errorf("%d block keys left after DeleteRun", n)
	}
	if err := db.DeleteRun("p", "r"); !errors.Is(err, ErrNotFound) {
		t.Errorf("second DeleteRun = %v, want ErrNotFound", err)
	}
}
