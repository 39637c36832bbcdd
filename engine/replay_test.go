package engine

import (
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/sextant-ml/sextant/engine/wal"
)

// copyDir copies the files of an open store, as a crash would leave them.
// GNU cp skips the holes of Badger's preallocated files.
func copyDir(t *testing.T, src string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "copy")
	out, err := exec.Command("cp", "-r", "--sparse=always", src, dst).CombinedOutput()
	if err != nil {
		t.Fatalf("cp %s: %v: %s", src, err, out)
	}
	os.Remove(filepath.Join(dst, "LOCK"))
	return dst
}

func TestReplayWithoutClose(t *testing.T) {
	tests := []struct {
		name    string
		maxHead int
		steps   int64
	}{
		{"heads only", 1000, 100},
		{"sealed and head", 64, 300},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			db := openDB(t, dir, Options{HeadMaxPoints: tt.maxHead})
			newRun(t, db, "p", "r")
			f := func(s int64) float64 { return math.Sin(float64(s)) }
			for lo := int64(0); lo < tt.steps; lo += 10 {
				mustAppend(t, db, "p", "r", rowsOf("loss", stepRange(lo, lo+10), f))
			}
			mustAppend(t, db, "p", "r", rowsOf("loss", []int64{5}, func(int64) float64 { return -1 }))

			crashed := openDB(t, copyDir(t, dir), Options{HeadMaxPoints: tt.maxHead})
			got, err := crashed.Read("p", "r", "loss", 0, math.MaxInt64)
			if err != nil {
				t.Fatalf("Read after crash: %v", err)
			}
			want := pointsOf(stepRange(0, tt.steps), func(s int64) float64 {
				if s == 5 {
					return -1
				}
				return f(s)
			})
			if !samePoints(got, want) {
				t.Errorf("Read after crash: %d points, want %d", got.Len(), want.Len())
			}
			r, _ := crashed.Run("p", "r")
			if r.LastStep != tt.steps-1 || r.Summary["loss"].Min != -1 {
				t.Errorf("run after crash: last step %d, summary %+v", r.LastStep, r.Summary["loss"])
			}
		})
	}
}

// TestReplayTornLog checks that a log whose last frame was cut by a crash
// opens, with every complete batch back.
func TestReplayTornLog(t *testing.T) {
	dir := t.TempDir()
	db := openDB(t, dir, Options{})
	newRun(t, db, "p", "r")
	mustAppend(t, db, "p", "r", rowsOf("x", stepRange(0, 10), sine))
	crashed := copyDir(t, dir)
	segs, _ := wal.Segments(walDir(crashed))
	last := filepath.Join(walDir(crashed), fmt.Sprintf("%016d.wal", segs[len(segs)-1]))
	f, err := os.OpenFile(last, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte{200, 0, 0, 0, 1, 2, 3}) // a frame header, torn
	f.Close()

	db2 := openDB(t, crashed, Options{})
	got, err := db2.Read("p", "r", "x", 0, 100)
	if err != nil || !samePoints(got, pointsOf(stepRange(0, 10), sine)) {
		t.Errorf("Read after torn log = %v, %v; want the 10 points", got, err)
	}
}
