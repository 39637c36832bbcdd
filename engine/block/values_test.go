package block

import (
	"bytes"
	"math"
	"math/rand/v2"
	"testing"
)

// TestValueModeChoice checks that appendValues, which may skip the decimal
// mode by a lower bound of its size, writes exactly what encoding both
// modes and keeping the smaller (the decimal mode on a tie) writes.
func TestValueModeChoice(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	cases := []struct {
		name   string
		values func(i int) float64
	}{
		{"float64 noise", func(i int) float64 { return rng.Float64() }},
		{"float32", func(i int) float64 { return float64(float32(rng.Float64())) }},
		{"long decimals", func(i int) float64 { return math.Round(rng.Float64()*1e12) / 1e12 }},
		{"mostly exceptions", func(i int) float64 {
			if i%3 == 0 {
				return float64(i) / 4
			}
			return rng.Float64()
		}},
		{"a third exceptions", func(i int) float64 {
			if i%3 == 0 {
				return rng.Float64()
			}
			return float64(i%7) / 100
		}},
		{"nan", func(int) float64 { return math.NaN() }},
		{"specials", func(i int) float64 {
			return [...]float64{math.Inf(1), negZero, math.NaN(), 0.5}[i%4]
		}},
	}
	// Float64 means whose two modes tie at the decimal mode's lower bound,
	// from a detectron2 summary: the decimal mode must win.
	tie := []float64{14.134615747717358, 24.334004608035414,
		10.684525866329524, 24.957771154466784}
	checkValueMode(t, "tie", tie)
	for _, c := range cases {
		for _, n := range []int{1, 2, 5, 31, 33, 200, 4096} {
			values := make([]float64, n)
			for i := range values {
				values[i] = c.values(i)
			}
			checkValueMode(t, c.name, values)
		}
	}
}

func checkValueMode(t *testing.T, name string, values []float64) {
	t.Helper()
	got := appendValues(nil, values, new(scratch))
	want := bothModes(values)
	if !bytes.Equal(got, want) {
		t.Errorf("appendValues(%s, n=%d): %d bytes, mode %d; encoding both: %d bytes, mode %d",
			name, len(values), len(got), got[0], len(want), want[0])
	}
}

// bothModes is appendValues without the shortcut: it encodes the decimal
// mode, and the float mode where appendValues would consider it.
func bothModes(values []float64) []byte {
	s := new(scratch)
	e, exceptions := chooseExponent(values)
	dec := appendDecimal(nil, values, e, s)
	if e <= shortDecimals && exceptions*4 <= len(values) {
		return dec
	}
	alt := appendFloats(nil, values, s)
	if len(alt) < len(dec) {
		return alt
	}
	return dec
}
