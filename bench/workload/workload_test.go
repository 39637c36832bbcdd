package workload

import (
	"math"
	"os"
	"path/filepath"
	"testing"
)

func TestBatches(t *testing.T) {
	run := Run{ID: "r", Series: []Series{
		{Key: "a", Steps: []int64{0, 1, 2}, Values: []float64{1, 2, 3}},
		{Key: "b", Steps: []int64{1, 3}, Values: []float64{10, 30}},
	}}
	got := run.Batches(2, Clock{StepSeconds: 1})
	if len(got) != 2 || len(got[0].Rows) != 2 || len(got[1].Rows) != 2 {
		t.Fatalf("Batches(2) = %+v, want 2 batches of 2 rows", got)
	}
	row := got[0].Rows[1]
	if row.Step != 1 || row.Time != 1 || len(row.Keys) != 2 || row.Values[1] != 10 {
		t.Errorf("Batches(2)[0].Rows[1] = %+v, want step 1, time 1, a=2, b=10", row)
	}
	if n := got[0].Points() + got[1].Points(); n != run.Points() {
		t.Errorf("points in batches = %d, want %d", n, run.Points())
	}
}

func TestLoadDir(t *testing.T) {
	dir := t.TempDir()
	csv := "series,step,value\nloss,0,nan\nloss,1,0.5\nval,loss,1,-inf\n"
	if err := os.MkdirAll(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "sub", "r.csv"), []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	runs, err := LoadDir(dir)
	if err != nil {
		t.Fatalf("LoadDir: %v", err)
	}
	if len(runs) != 1 || runs[0].ID != "sub.r" || len(runs[0].Series) != 2 {
		t.Fatalf("LoadDir = %+v, want run sub.r with series loss and `val,loss`", runs)
	}
	loss, odd := runs[0].Series[0], runs[0].Series[1]
	if !math.IsNaN(loss.Values[0]) || loss.Values[1] != 0.5 {
		t.Errorf("loss = %v, want [NaN 0.5]", loss.Values)
	}
	if odd.Key != "val,loss" || !math.IsInf(odd.Values[0], -1) {
		t.Errorf("second series = %+v, want key `val,loss` at -Inf", odd)
	}
}

func TestDenseBatches(t *testing.T) {
	run := Run{ID: "r", Series: []Series{
		{Key: "a", Steps: []int64{0, 2}, Values: []float64{1, 2}},
		{Key: "b", Steps: []int64{0, 2}, Values: []float64{10, 20}},
	}}
	got := run.Batches(10, Clock{StepSeconds: 1})
	if len(got) != 1 || len(got[0].Rows) != 2 {
		t.Fatalf("Batches(10) = %+v, want 1 batch of 2 rows", got)
	}
	row := got[0].Rows[1]
	if row.Step != 2 || row.Time != 2 || row.Values[0] != 2 || row.Values[1] != 20 {
		t.Errorf("Batches(10)[0].Rows[1] = %+v, want step 2, time 2, a=2, b=20", row)
	}
}

func TestClock(t *testing.T) {
	c := DefaultClock
	prev := c.At(0)
	for step := int64(1); step < 10_000; step++ {
		now := c.At(step)
		if now <= prev || now != math.Round(now*1e6)/1e6 {
			t.Fatalf("At(%d) = %f after %f, want increasing, whole microseconds", step, now, prev)
		}
		if d := now - c.Start - float64(step)*c.StepSeconds; math.Abs(d) > c.Jitter*c.StepSeconds+1e-6 {
			t.Fatalf("At(%d) is %f s off the steady clock, want within jitter", step, d)
		}
		prev = now
	}
}

// BenchmarkBatches cuts a dense run of 10 keys × 10,000 steps into rows.
func BenchmarkBatches(b *testing.B) {
	run := Run{ID: "r"}
	for k := range 10 {
		s := Series{Key: string(rune('a' + k))}
		for i := range 10_000 {
			s.Steps = append(s.Steps, int64(i))
			s.Values = append(s.Values, float64(i))
		}
		run.Series = append(run.Series, s)
	}
	b.ReportAllocs()
	for b.Loop() {
		run.Batches(1000, DefaultClock)
	}
	b.ReportMetric(float64(b.N*run.Points())/b.Elapsed().Seconds(), "points/s")
}
