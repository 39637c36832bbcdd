package block

import (
	"math/rand/v2"
	"testing"
)

// checkRanges decodes ranges of an encoded block with DecodeRange, into
// slices that already hold a point, and compares them bit for bit with the
// same range of a full Decode.
func checkRanges(t *testing.T, name string, src []byte, rng *rand.Rand) {
	t.Helper()
	steps, values, err := Decode(src, nil, nil)
	if err != nil {
		t.Fatalf("%s: Decode: %v", name, err)
	}
	n := len(steps)
	ranges := [][2]int{{0, n}, {0, 0}, {0, 1}, {n - 1, n}, {-5, 3}, {-5, -2}, {n - 3, n + 10},
		{n, n}, {n + 1, n + 5}, {5, 2}, {1, n}}
	for b := 0; b < n; b += PyramidSpan {
		ranges = append(ranges, [2]int{b, min(b+PyramidSpan, n)})
	}
	for range 20 {
		lo := rng.IntN(n + 1)
		ranges = append(ranges, [2]int{lo, lo + rng.IntN(n-lo+1)})
	}
	for _, lh := range ranges {
		lo, hi := lh[0], lh[1]
		gotSteps, gotValues, err := DecodeRange(src, lo, hi, []int64{-1}, []float64{-1})
		if err != nil {
			t.Fatalf("%s: DecodeRange(%d, %d): %v", name, lo, hi, err)
		}
		hi = max(min(hi, n), 0)
		lo = min(max(lo, 0), hi)
		if gotSteps[0] != -1 || gotValues[0] != -1 {
			t.Fatalf("%s: DecodeRange(%d, %d) changed the slices' first point", name, lo, hi)
		}
		if i := firstDiff(steps[lo:hi], values[lo:hi], gotSteps[1:], gotValues[1:]); i >= 0 {
			t.Fatalf("%s: DecodeRange(%d, %d) differs from Decode at point %d", name, lo, hi,
				lo+i)
		}
	}
}

func TestDecodeRange(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, tc := range codecCases {
		if len(tc.p.steps) > 0 {
			checkRanges(t, tc.name, Encode(nil, tc.p.steps, tc.p.values), rng)
		}
	}
	f32, _ := float32Blocks()
	for _, c := range f32[:20] {
		checkRanges(t, c.name, Encode(nil, c.steps, c.values), rng)
	}
	if testing.Short() {
		return
	}
	for i, c := range blocks(loadCurves(t), realBlockSize) {
		if i%3 == 0 || len(c.steps) < 200 {
			checkRanges(t, c.name, Encode(nil, c.steps, c.values), rng)
		}
	}
}

// TestDecodeRangeOrders covers every order and width of the step column
// with ranges that start past 0 (the sums that skip to lo).
func TestDecodeRangeOrders(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	cases := map[string]func(i int) int64{
		"constant":      func(int) int64 { return 42 },
		"even":          func(i int) int64 { return 100 + 7*int64(i) },
		"even-wrapping": func(i int) int64 { return 1<<62 + 1<<60*int64(i) },
		"quadratic":     func(i int) int64 { return -50 + 3*int64(i) + int64(i*i) },
		"jittered":      func(i int) int64 { return 10*int64(i) + rng.Int64N(3) },
		"wide":          func(i int) int64 { return int64(rng.Uint64()) },
		"accelerating":  func(i int) int64 { return int64(i*i) + rng.Int64N(1<<40) },
		"times":         func(i int) int64 { return 136*int64(i) + int64(i*i%7) },
		"wrapping-quadratic": func(i int) int64 {
			return int64(i*i)<<50 + int64(i)<<20 + rng.Int64N(1<<30)
		},
	}
	seen := map[[2]int]bool{} // order, width > 0
	for name, f := range cases {
		for _, n := range []int{1, 2, 3, 31, 33, 1000, 8192} {
			p := ramp(n, func(i int) float64 { return float64(i%13) / 8 })
			for i := range p.steps {
				p.steps[i] = f(i)
			}
			src := Encode(nil, p.steps, p.values)
			r := reader{b: src[1:]}
			r.count("", MaxPoints)
			if head := r.byte(""); n >= 3 {
				seen[[2]int{int(head >> 6), min(int(head&15), 1)}] = true
			}
			checkRanges(t, name, src, rng)
		}
	}
	for d := range maxOrder + 1 {
		for wide := range 2 {
			if !seen[[2]int{d, wide}] {
				t.Errorf("no step column of order %d and width > 0 = %v", d, wide == 1)
			}
		}
	}
}

// TestDecodeRangeCorrupt checks that DecodeRange refuses what Decode
// refuses, whatever the range.
func TestDecodeRangeCorrupt(t *testing.T) {
	p := codecCases[len(codecCases)-1].p
	src := Encode(nil, p.steps, p.values)
	for i := range src {
		bad := append([]byte(nil), src[:i]...)
		_, _, errFull := Decode(bad, nil, nil)
		for _, lh := range [][2]int{{0, 10}, {100, 150}, {299, 300}} {
			steps, values, err := DecodeRange(bad, lh[0], lh[1], nil, nil)
			if (err == nil) != (errFull == nil) || (err != nil && len(steps)+len(values) > 0) {
				t.Fatalf("%d bytes, range %v: DecodeRange error %v, Decode %v", i, lh, err,
					errFull)
			}
		}
	}
}

func TestPointCount(t *testing.T) {
	for _, tc := range codecCases {
		n, err := PointCount(Encode(nil, tc.p.steps, tc.p.values))
		if err != nil || n != len(tc.p.steps) {
			t.Errorf("%s: PointCount = %d, %v; want %d", tc.name, n, err, len(tc.p.steps))
		}
	}
	if _, err := PointCount([]byte{2, 1}); err == nil {
		t.Error("PointCount of version 2: no error")
	}
}

func TestByteSum(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, n := range []int{0, 1, 7, 8, 9, 2047, 2048, 2049, 5000, 70000} {
		for _, fill := range []string{"ff", "random"} {
			b := make([]byte, n)
			var want uint64
			for i := range b {
				b[i] = 0xff
				if fill == "random" {
					b[i] = byte(rng.Uint32())
				}
				want += uint64(b[i])
			}
			if got := byteSum(b); got != want {
				t.Errorf("byteSum of %d %s bytes = %d, want %d", n, fill, got, want)
			}
		}
	}
}

// FuzzDecodeRange checks that DecodeRange of any bytes fails exactly when
// Decode does, and otherwise gives the range of Decode's points.
func FuzzDecodeRange(f *testing.F) {
	for _, tc := range codecCases {
		f.Add(Encode(nil, tc.p.steps, tc.p.values), int16(1), int16(4))
	}
	f.Fuzz(func(t *testing.T, src []byte, lo, hi int16) {
		steps, values, errFull := Decode(src, nil, nil)
		gotSteps, gotValues, err := DecodeRange(src, int(lo), int(hi), nil, nil)
		if (err == nil) != (errFull == nil) {
			t.Fatalf("DecodeRange(%x, %d, %d) error %v, Decode %v", src, lo, hi, err, errFull)
		}
		if err != nil {
			return
		}
		h := max(min(int(hi), len(steps)), 0)
		l := min(max(int(lo), 0), h)
		if i := firstDiff(steps[l:h], values[l:h], gotSteps, gotValues); i >= 0 {
			t.Fatalf("DecodeRange(%x, %d, %d) differs at %d", src, lo, hi, l+i)
		}
	})
}
