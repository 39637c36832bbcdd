package engine

import (
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
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
