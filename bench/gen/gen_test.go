package gen

import (
	"math"
	"strconv"
	"testing"
)

func TestFormats(t *testing.T) {
	tests := []struct {
		name string
		spec Spec
		ok   func(v float64) bool
	}{
		{"float32 widened", Spec{Shape: Loss, Format: Float32}, func(v float64) bool {
			return float64(float32(v)) == v
		}},
		{"four decimals", Spec{Shape: Loss, Format: Decimal, Decimals: 4}, func(v float64) bool {
			back, err := strconv.ParseFloat(strconv.FormatFloat(v, 'f', 4, 64), 64)
			return err == nil && back == v
		}},
		{"whole numbers", Spec{Shape: Throughput, Format: Decimal}, func(v float64) bool {
			return v == math.Trunc(v)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Series(tt.spec, 10_000, 1)
			for i, v := range s.Values {
				if !tt.ok(v) {
					t.Fatalf("Series(%+v).Values[%d] = %v, not of its format", tt.spec, i, v)
				}
			}
		})
	}
}

func TestNaNWarmup(t *testing.T) {
	s := Series(Spec{Shape: Loss, NaNWarmup: 3}, 100, 1)
	for i, v := range s.Values[:5] {
		if got, want := math.IsNaN(v), i < 3; got != want {
			t.Errorf("Values[%d] = %v, NaN = %v, want NaN = %v", i, v, got, want)
		}
	}
}

func TestDeterministic(t *testing.T) {
	a := Run("a", 7, 10, 1000, 1)
	b := Run("b", 7, 10, 1000, 1)
	c := Run("c", 8, 10, 1000, 1)
	same, differ := true, false
	for i := range a.Series {
		for j := range a.Series[i].Values {
			x, y, z := a.Series[i].Values[j], b.Series[i].Values[j], c.Series[i].Values[j]
			if math.Float64bits(x) != math.Float64bits(y) {
				same = false
			}
			if math.Float64bits(x) != math.Float64bits(z) {
				differ = true
			}
		}
	}
	if !same || !differ {
		t.Errorf("Run with seed 7 twice: same = %v, want true; seed 8 differs = %v, want true",
			same, differ)
	}
}

func TestShapes(t *testing.T) {
	mean := func(v []float64) float64 {
		s, n := 0.0, 0
		for _, x := range v {
			if !math.IsNaN(x) {
				s, n = s+x, n+1
			}
		}
		return s / float64(n)
	}
	tests := []struct {
		shape        Shape
		falls, rises bool
	}{
		{Loss, true, false},
		{Accuracy, false, true},
		{LearningRate, true, false},
		{GradNorm, true, false},
	}
	for _, tt := range tests {
		s := Series(Spec{Shape: tt.shape, Seed: 1}, 10_000, 1)
		head, tail := mean(s.Values[1000:2000]), mean(s.Values[9000:])
		if tt.falls && head <= tail || tt.rises && head >= tail {
			t.Errorf("shape %d: mean early %v, late %v; want falls=%v rises=%v",
				tt.shape, head, tail, tt.falls, tt.rises)
		}
	}
}

func BenchmarkRun(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		Run("r", 1, 10, 10_000, 1)
	}
	b.ReportMetric(float64(b.N*100_000)/b.Elapsed().Seconds(), "points/s")
}
