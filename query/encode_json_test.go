package query

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestAppendFloat(t *testing.T) {
	tests := []struct {
		in   float64
		want string
	}{
		{0, "0"},
		{math.Copysign(0, -1), "-0"},
		{-3, "-3"},
		{42, "42"},
		{0.1, "0.1"},
		{1e20, "1e+20"},
		{math.NaN(), `"NaN"`},
		{math.Inf(1), `"Infinity"`},
		{math.Inf(-1), `"-Infinity"`},
	}
	for _, tt := range tests {
		if got := string(appendFloat(nil, tt.in)); got != tt.want {
			t.Errorf("appendFloat(%v) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

// TestAppendSeriesJSONParts checks that an answer encoded in parts on
// several goroutines is byte for byte the one encoded in one piece, for
// series of uneven sizes, empty ones among them.
func TestAppendSeriesJSONParts(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	sizes := []int{0, 1, 40_000, 0, 3, 12_000, 7, 0, 25_000, 2, 0}
	ss := make([]Series, len(sizes))
	for i, n := range sizes {
		s := Series{Run: fmt.Sprintf("run-%d", i), Key: "train/loss", Count: n}
		for j := range n {
			s.X = append(s.X, float64(j*3))
			s.Y = append(s.Y, rng.NormFloat64())
		}
		if i%2 == 1 {
			s.Steps = make([]int64, n)
			s.Smoothed = slices.Clone(s.Y)
		}
		ss[i] = s
	}
	want := appendSeriesRange([]byte("["), ss, 0, len(ss))
	for workers := 1; workers <= len(ss)+2; workers++ {
		got := appendSeriesJSON([]byte("["), ss, workers)
		if !bytes.Equal(got, want) {
			t.Fatalf("%d workers: %d bytes differ from the %d of one piece",
				workers, len(got), len(want))
		}
	}
	res := ChartResult{X: "_step", Mode: ModeM4, Series: ss}
	if out := res.AppendJSON(nil); !json.Valid(out) {
		t.Fatal("the answer is not valid JSON")
	}
}
