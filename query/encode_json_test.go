package query

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
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
		{1e6, "1000000"},
		{-1e6, "-1000000"},
		{999_999_999_999_999, "999999999999999"},
		{1e15, "1e+15"},
		{-2.5, "-2.5"},
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

// TestAppendInt checks the integer writer against strconv at every length
// and at the ends of int64 and uint64.
func TestAppendInt(t *testing.T) {
	ints := []int64{0, 1, -1, 9, 10, -10, math.MaxInt64, math.MinInt64, math.MinInt64 + 1}
	for p := int64(1); p <= math.MaxInt64/10; p *= 10 {
		ints = append(ints, p-1, p, p+1, -p, 7*p+3)
	}
	for _, v := range ints {
		for _, prefix := range []string{"", "[1,"} {
			got := string(appendInt([]byte(prefix), v))
			if want := prefix + strconv.FormatInt(v, 10); got != want {
				t.Errorf("appendInt(%q, %d) = %s, want %s", prefix, v, got, want)
			}
		}
	}
	uints := []uint64{math.MaxUint64, math.MaxUint64 - 1, 1 << 63, 10_000_000_000_000_000_000}
	for _, u := range uints {
		if got, want := string(appendUint(nil, u)), strconv.FormatUint(u, 10); got != want {
			t.Errorf("appendUint(%d) = %s, want %s", u, got, want)
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
