package engine

import (
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/sextant-ml/sextant/engine/wal"
)

// TestCloseDropsWAL checks that a clean Close leaves no log segment behind
// and that the store reopens with every point, twice over.
func TestCloseDropsWAL(t *testing.T) {
	tests := []struct {
		name    string
		maxHead int
		segment int64 // WALSegmentBytes: small ones rotate often
	}{
		{"heads only", 1000, 0},
		{"sealed, many segments", 64, 512},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			opts := Options{HeadMaxPoints: tt.maxHead, WALSegmentBytes: tt.segment}
			want := Points{}
			for round := int64(0); round < 2; round++ {
				db := openDB(t, dir, opts)
				if round == 0 {
					newRun(t, db, "p", "r")
				}
				steps := stepRange(round*200, round*200+200)
				for lo := 0; lo < len(steps); lo += 20 {
					mustAppend(t, db, "p", "r", rowsOf("loss", steps[lo:lo+20], sine))
				}
				want.Steps = append(want.Steps, steps...)
				want.Values = append(want.Values, pointsOf(steps, sine).Values...)
				if err := db.Close(); err != nil {
					t.Fatalf("Close: %v", err)
				}
				if segs, _ := wal.Segments(walDir(dir)); len(segs) != 0 {
					t.Errorf("round %d: segments after Close = %v, want none", round, segs)
				}
				reopened := openDB(t, dir, opts)
				checkLoss(t, reopened, want)
				reopened.Close()
			}
		})
	}
}

// TestCrashWhileDroppingWAL checks a crash after the closing seal round is
// durable but before the log is gone: replay of the segments left skips
// the sealed records, so no point is lost or doubled.
func TestCrashWhileDroppingWAL(t *testing.T) {
	dir := t.TempDir()
	opts := Options{HeadMaxPoints: 64, WALSegmentBytes: 512}
	db := openDB(t, dir, opts)
	newRun(t, db, "p", "r")
	for lo := int64(0); lo < 300; lo += 10 {
		mustAppend(t, db, "p", "r", rowsOf("loss", stepRange(lo, lo+10), sine))
	}
	mustAppend(t, db, "p", "r", rowsOf("loss", []int64{5}, constant(-1)))
	saved := saveSegments(t, walDir(dir))
	if err := db.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	for name, data := range saved {
		if err := os.WriteFile(filepath.Join(walDir(dir), name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	want := pointsOf(stepRange(0, 300), sine)
	want.Values[5] = -1
	reopened := openDB(t, dir, opts)
	checkLoss(t, reopened, want)
	r, _ := reopened.Run("p", "r")
	if r.LastStep != 299 || r.Summary["loss"].Min != -1 {
		t.Errorf("run after reopen: last step %d, summary %+v", r.LastStep, r.Summary["loss"])
	}
}

// saveSegments returns the bytes of every file in the log directory.
func saveSegments(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	saved := make(map[string][]byte)
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		saved[e.Name()] = data
	}
	if len(saved) < 2 {
		t.Fatalf("log holds %d segments, want several", len(saved))
	}
	return saved
}

func checkLoss(t *testing.T, db *DB, want Points) {
	t.Helper()
	got, err := db.Read("p", "r", "loss", 0, math.MaxInt64)
	if err != nil {
		t.Fatalf("Read(p/r/loss): %v", err)
	}
	if !samePoints(got, want) {
		t.Errorf("Read(p/r/loss): %d points, want %d", got.Len(), want.Len())
	}
}
