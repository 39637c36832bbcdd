package engine

import (
	"math"
	"slices"
	"testing"
	"time"
)

// TestSummaryAfterRestart checks that the run summary, last step and keys
// survive a clean restart and a crash, with and without sealed blocks.
func TestSummaryAfterRestart(t *testing.T) {
	tests := []struct {
		name    string
		maxHead int
		crash   bool
	}{
		{"clean, heads", 1000, false},
		{"clean, sealed", 8, false},
		{"crash, heads", 1000, true},
		{"crash, sealed", 8, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			opts := Options{HeadMaxPoints: tt.maxHead}
			db := openDB(t, dir, opts)
			newRun(t, db, "p", "r")
			mustAppend(t, db, "p", "r", rowsOf("loss", stepRange(0, 50), func(s int64) float64 {
				return 100 - float64(s)
			}))
			mustAppend(t, db, "p", "r", rowsOf("loss", []int64{49}, constant(7)))
			mustAppend(t, db, "p", "r", []Row{{Step: 10, Time: 1010,
				Metrics: []Metric{{"acc", math.NaN()}}}})
			want, _ := db.Run("p", "r")
			wantKeys, _ := db.Keys("p", "r")

			if tt.crash {
				dir = copyDir(t, dir)
			} else {
				db.Close()
			}
			db = openDB(t, dir, opts)
			got, err := db.Run("p", "r")
			if err != nil {
				t.Fatal(err)
			}
			if got.LastStep != 49 || !sameSummary(got.Summary, want.Summary) {
				t.Errorf("after restart: last step %d, summary %+v; want 49, %+v",
					got.LastStep, got.Summary, want.Summary)
			}
			if got.Summary["loss"].Last != 7 || got.Summary["loss"].Min != 7 {
				t.Errorf("summary of loss = %+v, want last 7, min 7", got.Summary["loss"])
			}
			if keys, _ := db.Keys("p", "r"); !slices.Equal(keys, wantKeys) {
				t.Errorf("Keys after restart = %v, want %v", keys, wantKeys)
			}
			if !got.Heartbeat.Equal(want.Heartbeat) && !tt.crash {
				t.Errorf("Heartbeat after restart = %v, want %v", got.Heartbeat, want.Heartbeat)
			}
		})
	}
}

func sameSummary(a, b map[string]MetricSummary) bool {
	if len(a) != len(b) {
		return false
	}
	for k, x := range a {
		y, ok := b[k]
		if !ok || x.Step != y.Step || !sameFloat(x.Last, y.Last) ||
			!sameFloat(x.Min, y.Min) || !sameFloat(x.Max, y.Max) {
			return false
		}
	}
	return true
}

func sameFloat(a, b float64) bool { return math.Float64bits(a) == math.Float64bits(b) }

// TestRuntime checks _timestamp and _runtime: the row's time and its time
// since the run's first row, kept across a restart.
func TestRuntime(t *testing.T) {
	dir := t.TempDir()
	db := openDB(t, dir, Options{})
	newRun(t, db, "p", "r")
	mustAppend(t, db, "p", "r", []Row{{Step: 0, Time: 100}, {Step: 1, Time: 102.5}})
	db.Close()
	db = openDB(t, dir, Options{})
	mustAppend(t, db, "p", "r", []Row{{Step: 2, Time: 110}})
	for _, c := range []struct {
		key  string
		want []float64
	}{
		{KeyTimestamp, []float64{100, 102.5, 110}},
		{KeyRuntime, []float64{0, 2.5, 10}},
	} {
		got, err := db.Read("p", "r", c.key, 0, 10)
		if err != nil || !slices.Equal(got.Values, c.want) {
			t.Errorf("Read(%s) = %v, %v; want %v", c.key, got.Values, err, c.want)
		}
	}
}

func TestIdleSeal(t *testing.T) {
	db := openDB(t, t.TempDir(), Options{IdleSeal: 20 * time.Millisecond})
	newRun(t, db, "p", "r")
	mustAppend(t, db, "p", "r", rowsOf("x", stepRange(0, 10), sine))
	deadline := time.Now().Add(5 * time.Second)
	idle := func(s Stats) bool { return s.HeadPoints == 0 && s.SealRounds > 0 }
	for s := db.Stats(); !idle(s) && time.Now().Before(deadline); s = db.Stats() {
		time.Sleep(10 * time.Millisecond)
	}
	if s := db.Stats(); s.HeadPoints != 0 || s.SealRounds == 0 {
		t.Fatalf("after idling: %d head points, %d seal rounds; want 0 and some",
			s.HeadPoints, s.SealRounds)
	}
	got, err := db.Read("p", "r", "x", 0, 100)
	if err != nil || !samePoints(got, pointsOf(stepRange(0, 10), sine)) {
		t.Errorf("Read after idle seal = %v, %v", got, err)
	}
}

// TestWALTruncation checks that seal rounds let the log shed segments.
func TestWALTruncation(t *testing.T) {
	dir := t.TempDir()
	db := openDB(t, dir, Options{HeadMaxPoints: 512, WALSegmentBytes: 64 << 10})
	newRun(t, db, "p", "r")
	for lo := int64(0); lo < 20_000; lo += 1000 {
		mustAppend(t, db, "p", "r", benchRows(lo, 1000, 5))
	}
	if err := db.sealAll(sealAll); err != nil {
		t.Fatal(err)
	}
	if err := db.checkpoint(); err != nil {
		t.Fatal(err)
	}
	segs := len(db.segRuns)
	if segs > 1 {
		t.Errorf("after sealing everything, %d log segments remain; want only the active one", segs)
	}
	db.Close()
	db = openDB(t, dir, Options{})
	got, err := db.Read("p", "r", "train/metric_0", 0, math.MaxInt64)
	if err != nil || got.Len() != 20_000 {
		t.Errorf("Read after restart = %d points, %v; want 20000", got.Len(), err)
	}
}

// TestCheckpointSealsSparseSeries checks that a series written once does
// not hold back the log: once too many segments are closed, the heads that
// hold their batches are sealed, and the segments go.
func TestCheckpointSealsSparseSeries(t *testing.T) {
	dir := t.TempDir()
	opts := Options{HeadMaxPoints: 256, WALSegmentBytes: 16 << 10}
	db := openDB(t, dir, opts)
	newRun(t, db, "p", "r")
	mustAppend(t, db, "p", "r", []Row{{Step: 0, Time: 1, Metrics: []Metric{{"sparse", 42}}}})
	for lo := int64(1); lo < 20_000; lo += 500 {
		mustAppend(t, db, "p", "r", rowsOf("dense", stepRange(lo, lo+500), sine))
	}
	for range 3 { // the sealer may be at work too; each pass frees more
		if err := db.checkpoint(); err != nil {
			t.Fatal(err)
		}
	}
	db.walMu.Lock()
	segs := len(db.segRuns)
	db.walMu.Unlock()
	if segs > walMaxClosed+2 {
		t.Errorf("%d log segments left, want at most %d", segs, walMaxClosed+2)
	}
	got, err := db.Read("p", "r", "sparse", 0, 10)
	if err != nil || got.Len() != 1 || got.Values[0] != 42 {
		t.Errorf("Read(sparse) = %v, %v; want one point 42", got, err)
	}
	crashed := openDB(t, copyDir(t, dir), opts)
	got, err = crashed.Read("p", "r", "dense", 0, 20_000)
	if err != nil || got.Len() != 20_000 {
		t.Errorf("Read(dense) after crash = %d points, %v; want 20000", got.Len(), err)
	}
}

func TestFinishSeals(t *testing.T) {
	db := openDB(t, t.TempDir(), Options{})
	newRun(t, db, "p", "r")
	mustAppend(t, db, "p", "r", rowsOf("x", stepRange(0, 10), sine))
	state := StateFinished
	if _, err := db.UpdateRun("p", "r", RunPatch{State: &state}); err != nil {
		t.Fatal(err)
	}
	if s := db.Stats(); s.HeadPoints != 0 || s.BlocksSealed == 0 {
		t.Errorf("after finishing: %d head points, %d blocks; want 0 and some",
			s.HeadPoints, s.BlocksSealed)
	}
}
