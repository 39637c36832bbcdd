package main

import (
	"math"
	"testing"
	"time"
)

func TestSweep(t *testing.T) {
	start := time.Unix(1_700_000_000, 0)
	runs := sweep(8, 1000, start)
	if len(runs) != 8 {
		t.Fatalf("sweep(8, 1000) made %d runs, want 8", len(runs))
	}
	states := map[string]int{}
	for _, r := range runs {
		states[r.State]++
		if len(r.Rows) == 0 || r.Rows[0]["_step"] != 0 {
			t.Errorf("run %s: first row %v, want step 0", r.ID, r.Rows[0])
		}
	}
	want := map[string]int{"finished": 5, "running": 1, "crashed": 2}
	for s, n := range want {
		if states[s] != n {
			t.Errorf("sweep states = %v, want %v", states, want)
			break
		}
	}
	again := sweep(8, 1000, start)
	if again[3].Rows[500]["train/loss"] != runs[3].Rows[500]["train/loss"] {
		t.Errorf("sweep is not deterministic: %v then %v", runs[3].Rows[500], again[3].Rows[500])
	}
}

func TestCurveRow(t *testing.T) {
	c := curve{lr: 3e-3, speed: 0.5, floor: 0.1, steps: 1000, seed: 1}
	tests := []struct {
		step     int
		wantKeys []string
	}{
		{0, []string{"train/loss", "train/acc", "train/lr", "val/loss", "val/acc", "system/gpu_util"}},
		{5, []string{"train/loss", "train/acc", "train/lr"}},
		{10, []string{"train/loss", "system/gpu_util", "system/memory_gb"}},
	}
	for _, tt := range tests {
		row := curveRow(c, tt.step, 0)
		for _, k := range tt.wantKeys {
			if _, ok := row[k]; !ok {
				t.Errorf("curveRow(step %d) = %v, missing %s", tt.step, row, k)
			}
		}
	}
	first := curveRow(c, 0, 0)["train/loss"].(float64)
	last := curveRow(c, 999, 0)["train/loss"].(float64)
	if !(last < first/3) || math.IsNaN(last) {
		t.Errorf("train/loss from %g to %g, want it to fall by 3x", first, last)
	}
}

func TestDivergedRunEndsInNaN(t *testing.T) {
	runs := sweep(4, 600, time.Unix(0, 0))
	last := runs[3].Rows[len(runs[3].Rows)-1]
	if last["train/loss"] != "NaN" {
		t.Errorf("diverged run's last row = %v, want train/loss NaN", last)
	}
}
