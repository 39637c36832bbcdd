package block

import (
	"math/rand/v2"
	"testing"
)

// firstExtremes is the definition Cuts answers by: the positions of the
// first smallest and the first largest of v.
func firstExtremes(v []float64) (lo, hi int) {
	for i := range v {
		if v[i] < v[lo] {
			lo = i
		}
		if v[i] > v[hi] {
			hi = i
		}
	}
	return lo, hi
}

// TestCuts checks Prefix and Suffix at every cut of buckets of every size,
// with values drawn from small sets (ties and plateaus everywhere), against
// a scan.
func TestCuts(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for trial := range 3000 {
		n := 1 + r.IntN(3*PyramidSpan)
		v := make([]float64, n)
		levels := 1 + r.IntN(6)
		if trial%3 == 0 {
			levels = 1 << 30
		}
		for i := range v {
			v[i] = float64(r.IntN(levels)) - 2
			if trial%5 == 0 && i > 0 && r.IntN(4) > 0 {
				v[i] = v[i-1] // plateaus
			}
		}
		cuts := AppendCuts(nil, v)
		if want := (n + PyramidSpan - 1) / PyramidSpan; len(cuts) != want {
			t.Fatalf("AppendCuts of %d values: %d Cuts, want %d", n, len(cuts), want)
		}
		for b := range cuts {
			bv := v[b*PyramidSpan : min((b+1)*PyramidSpan, n)]
			for k := 1; k <= len(bv); k++ {
				lo, hi := cuts[b].Prefix(bv, k)
				if wlo, whi := firstExtremes(bv[:k]); lo != wlo || hi != whi {
					t.Fatalf("trial %d bucket %d of %v: Prefix(%d) = %d, %d, want %d, %d",
						trial, b, bv, k, lo, hi, wlo, whi)
				}
			}
			for k := 0; k < len(bv); k++ {
				lo, hi := cuts[b].Suffix(bv, k)
				wlo, whi := firstExtremes(bv[k:])
				if lo != k+wlo || hi != k+whi {
					t.Fatalf("trial %d bucket %d of %v: Suffix(%d) = %d, %d, want %d, %d",
						trial, b, bv, k, lo, hi, k+wlo, k+whi)
				}
			}
		}
	}
}

// BenchmarkAppendCuts builds the Cuts of a full block of noisy values, the
// work a chart does for each block the first time it splits one of its
// buckets after a restart.
func BenchmarkAppendCuts(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	v := make([]float64, MaxPoints)
	for i := range v {
		v[i] = float64(float32(r.NormFloat64()))
	}
	dst := make([]Cuts, 0, len(v)/PyramidSpan)
	b.SetBytes(int64(8 * len(v)))
	for b.Loop() {
		dst = AppendCuts(dst[:0], v)
	}
}
