package engine

import (
	"errors"
	"math"
	"testing"
)

func TestAppendRead(t *testing.T) {
	sq := func(s int64) float64 { return float64(s * s) }
	tests := []struct {
		name    string
		maxHead int
		batches [][]int64 // steps of each Append of key "loss"
		want    []int64
	}{
		{"head only", 100, [][]int64{stepRange(0, 10)}, stepRange(0, 10)},
		{"sealed", 4, [][]int64{stepRange(0, 10)}, stepRange(0, 10)},
		{"many blocks", 8, [][]int64{stepRange(0, 50), stepRange(50, 100)}, stepRange(0, 100)},
		{"reverse order", 4, [][]int64{{9, 8, 7, 6, 5, 4, 3, 2, 1, 0}}, stepRange(0, 10)},
		{"late points after seal", 4,
			[][]int64{{0, 2, 4, 6, 8, 10, 12, 14}, {1, 3, 5, 7, 9, 11, 13}}, stepRange(0, 15)},
		{"before first block", 4, [][]int64{stepRange(10, 20), stepRange(0, 10)}, stepRange(0, 20)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := openDB(t, "", Options{HeadMaxPoints: tt.maxHead})
			newRun(t, db, "p", "r")
			for _, steps := range tt.batches {
				mustAppend(t, db, "p", "r", rowsOf("loss", steps, sq))
			}
			got, err := db.Read("p", "r", "loss", 0, math.MaxInt64)
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			if want := pointsOf(tt.want, sq); !samePoints(got, want) {
				t.Errorf("Read(loss) = %v, want %v", got, want)
			}
		})
	}
}

func TestOverwrite(t *testing.T) {
	tests := []struct {
		name    string
		maxHead int
		close   bool // reopen between the writes
	}{
		{"in head", 100, false},
		{"after seal", 4, false},
		{"after restart", 100, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			db := openDB(t, dir, Options{HeadMaxPoints: tt.maxHead})
			newRun(t, db, "p", "r")
			mustAppend(t, db, "p", "r", rowsOf("x", stepRange(0, 10), func(int64) float64 { return 1 }))
			if tt.close {
				db.Close()
				db = openDB(t, dir, Options{HeadMaxPoints: tt.maxHead})
			}
			mustAppend(t, db, "p", "r", rowsOf("x", []int64{2, 3}, func(int64) float64 { return 7 }))
			got, err := db.Read("p", "r", "x", 0, 100)
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			want := pointsOf(stepRange(0, 10), func(s int64) float64 {
				if s == 2 || s == 3 {
					return 7
				}
				return 1
			})
			if !samePoints(got, want) {
				t.Errorf("Read(x) = %v, want %v", got, want)
			}
		})
	}
}

func TestAppendInvalid(t *testing.T) {
	tests := []struct {
		name string
		rows []Row
	}{
		{"empty key", []Row{{Step: 1, Metrics: []Metric{{"", 1}}}}},
		{"control char", []Row{{Step: 1, Metrics: []Metric{{"a\nb", 1}}}}},
		{"reserved key", []Row{{Step: 1, Metrics: []Metric{{KeyRuntime, 1}}}}},
		{"long key", []Row{{Step: 1, Metrics: []Metric{{string(make([]byte, 300)), 1}}}}},
		{"infinite time", []Row{{Step: 1, Time: math.Inf(1)}}},
		{"bad second row", []Row{{Step: 1, Metrics: []Metric{{"a", 1}}},
			{Step: 2, Metrics: []Metric{{"", 1}}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := openDB(t, "", Options{})
			newRun(t, db, "p", "r")
			_, err := db.Append("p", "r", tt.rows)
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("Append(%v) error = %v, want ErrInvalid", tt.rows, err)
			}
			keys, _ := db.Keys("p", "r")
			r, _ := db.Run("p", "r")
			if len(keys) != 0 || r.LastStep != -1 {
				t.Errorf("after failed Append: keys %v, last step %d; want none, -1", keys, r.LastStep)
			}
		})
	}
}

func TestAutoStepAndSummary(t *testing.T) {
	db := openDB(t, "", Options{})
	newRun(t, db, "p", "r")
	nan := math.NaN()
	rows := []Row{
		{Step: -1, Time: nan, Metrics: []Metric{{"a", 3}}},
		{Step: -1, Time: nan, Metrics: []Metric{{"a", 1}}},
		{Step: 10, Time: nan, Metrics: []Metric{{"a", nan}}},
		{Step: -1, Time: nan, Metrics: []Metric{{"a", 5}, {"b", 2}}},
	}
	res, err := db.Append("p", "r", rows)
	if err != nil || res.Rows != 4 || res.Points != 5 {
		t.Fatalf("Append = %+v, %v; want 4 rows, 5 points", res, err)
	}
	got, _ := db.Read("p", "r", "a", 0, 100)
	if want := []int64{0, 1, 10, 11}; !equalSteps(got.Steps, want) {
		t.Errorf("steps of a = %v, want %v", got.Steps, want)
	}
	r, _ := db.Run("p", "r")
	if r.LastStep != 11 {
		t.Errorf("LastStep = %d, want 11", r.LastStep)
	}
	want := MetricSummary{Last: 5, Step: 11, Min: 1, Max: 5}
	if r.Summary["a"] != want {
		t.Errorf("Summary[a] = %+v, want %+v", r.Summary["a"], want)
	}
	ts, _ := db.Read("p", "r", KeyRuntime, 0, 100)
	if ts.Len() != 4 || ts.Values[0] != 0 {
		t.Errorf("_runtime = %v, want 4 points from 0", ts)
	}
}

func equalSteps(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
