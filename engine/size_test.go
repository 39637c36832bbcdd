package engine

import (
	"bytes"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/dgraph-io/badger/v4"
)

// TestCloseLeavesNoOverhead checks what a clean Close leaves beside the
// records the store needs: no old version of a rewritten record, no
// series-list records, a DISCARD file of one empty slot; and that the store
// reopens with every point and keeps working, three times over.
func TestCloseLeavesNoOverhead(t *testing.T) {
	dir := t.TempDir()
	opts := Options{HeadMaxPoints: 64}
	want := Points{}
	for round := int64(0); round < 3; round++ {
		db := openDB(t, dir, opts)
		if round == 0 {
			newRun(t, db, "p", "r")
		}
		steps := stepRange(round*300, round*300+300)
		for lo := 0; lo < len(steps); lo += 50 {
			mustAppend(t, db, "p", "r", rowsOf("loss", steps[lo:lo+50], sine))
		}
		want.Steps = append(want.Steps, steps...)
		want.Values = append(want.Values, pointsOf(steps, sine).Values...)
		if err := db.Close(); err != nil {
			t.Fatalf("round %d: Close: %v", round, err)
		}

		info, err := os.Stat(filepath.Join(dir, "DISCARD"))
		if err != nil || info.Size() != discardSlot {
			t.Errorf("round %d: DISCARD after Close: %v, %v; want %d bytes", round,
				info, err, discardSlot)
		}
		versions := recordVersions(t, dir)
		if n := versions[string(runKey("p", "r"))]; n != 1 {
			t.Errorf("round %d: versions of the run record after Close = %d, want 1", round, n)
		}
		for k := range versions {
			if bytes.HasPrefix([]byte(k), []byte(prefixKey)) {
				t.Errorf("round %d: series-list record %q after Close, want none", round, k)
			}
		}
		reopened := openDB(t, dir, opts)
		checkLoss(t, reopened, want)
		reopened.Close()
	}
}

// recordVersions opens the Badger files of a closed store read-only and
// counts the versions kept of every key, tombstones included.
func recordVersions(t *testing.T, dir string) map[string]int {
	t.Helper()
	bdb, err := badger.Open(badger.DefaultOptions(dir).WithReadOnly(true).WithLogger(nil))
	if err != nil {
		t.Fatalf("open badger read-only: %v", err)
	}
	defer bdb.Close()
	n := make(map[string]int)
	err = bdb.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{AllVersions: true})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			n[string(it.Item().Key())]++
		}
		return nil
	})
	if err != nil {
		t.Fatalf("count versions: %v", err)
	}
	return n
}

// TestShrinkDiscard checks that the DISCARD file keeps its used slots and
// one empty slot, and that a file with no slot to spare or no file at all
// is left alone.
func TestShrinkDiscard(t *testing.T) {
	slots := func(fids ...uint64) []byte {
		var b []byte
		for _, f := range fids {
			b = binary.BigEndian.AppendUint64(b, f)
			b = binary.BigEndian.AppendUint64(b, f*100)
		}
		return b
	}
	tests := []struct {
		name string
		data []byte // nil: no file
		want []byte
	}{
		{"no file", nil, nil},
		{"empty slots only", make([]byte, 1<<20), make([]byte, 16)},
		{"two entries", append(slots(3, 7), make([]byte, 4096)...),
			append(slots(3, 7), make([]byte, 16)...)},
		{"no empty slot", slots(1, 2, 3), slots(1, 2, 3)},
		{"one empty slot already", append(slots(5), make([]byte, 16)...),
			append(slots(5), make([]byte, 16)...)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "DISCARD")
			if tt.data != nil {
				if err := os.WriteFile(path, tt.data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if err := shrinkDiscard(dir); err != nil {
				t.Fatalf("shrinkDiscard: %v", err)
			}
			got, err := os.ReadFile(path)
			if tt.data == nil {
				if !os.IsNotExist(err) {
					t.Errorf("shrinkDiscard without a file: read %d bytes, %v; want no file",
						len(got), err)
				}
				return
			}
			if err != nil || !bytes.Equal(got, tt.want) {
				t.Errorf("shrinkDiscard(%d bytes) left %d bytes %x, %v; want %x",
					len(tt.data), len(got), got, err, tt.want)
			}
		})
	}
}

// TestProjectKeysFromRunRecord checks that a series named only by the run
// record (UpdateRun persists its summary while the points are still in a
// head) counts in the project's key union after a crash.
func TestProjectKeysFromRunRecord(t *testing.T) {
	dir := t.TempDir()
	db := openDB(t, dir, Options{})
	newRun(t, db, "p", "r")
	rows := []Row{{Step: 0, Time: math.NaN(), Metrics: []Metric{{Key: "train/loss", Value: 1}}}}
	mustAppend(t, db, "p", "r", rows)
	name := "renamed"
	if _, err := db.UpdateRun("p", "r", RunPatch{Name: &name}); err != nil {
		t.Fatalf("UpdateRun: %v", err)
	}
	crashed := openDB(t, copyDir(t, dir), Options{})
	got, err := crashed.ProjectKeys("p")
	if want := []string{"train/loss"}; err != nil || !slices.Equal(got, want) {
		t.Errorf("ProjectKeys after a crash = %q, %v; want %q", got, err, want)
	}
}
