package query

import (
	"bytes"
	"math"
	"math/big"
	"math/rand/v2"
	"strconv"
	"testing"
)

// checkShortest fails the test when appendShortest and strconv disagree on
// v; buffers are passed in so that millions of calls do not allocate.
func checkShortest(t *testing.T, v float64, got, want []byte) ([]byte, []byte) {
	t.Helper()
	got = appendShortest(got[:0], v)
	want = strconv.AppendFloat(want[:0], v, 'g', -1, 64)
	if !bytes.Equal(got, want) {
		t.Fatalf("appendShortest(%#016x) = %s, want %s", math.Float64bits(v), got, want)
	}
	return got, want
}

func TestAppendShortestEdges(t *testing.T) {
	vs := []float64{
		0, 5e-324, 1e-323, math.SmallestNonzeroFloat64 * 3,
		0x1p-1022, 0x1p-1022 - 5e-324, 0x1.fffffffffffffp-1023, 2.2250738585072014e-308,
		math.MaxFloat64, 0x1.ffffffffffffep1023, 0x1p1023, 1.7976931348623157e308,
		0.1, 0.2, 0.3, 0.7, 1.0 / 3, 2.0 / 3, math.Pi, math.E, math.Sqrt2,
		1e-5, 1e-4, 9.999999999999999e-5, 0.00010000000000000002, 1.5e-5, 0.000123,
		1e5, 1e6, 999999.9999999999, 123456.5, 1234567.5, 999999, 1e6 + 0.5,
		1e15, 1e16, 1e17, 1e20, 1e21, 1e22, 1e23, 9.999999999999999e22, 2e23,
		1<<53 - 1, 1 << 53, 1<<53 + 2, 1 << 63, 1 << 64, 12345678901234567890,
		float64(float32(0.1)), float64(float32(1.0 / 3)), float64(math.MaxFloat32),
		float64(math.SmallestNonzeroFloat32), float64(float32(1e-45)),
		// Two shortest candidates at the same distance: the even one wins.
		1125899906842624.25, 1125899906842624.75, 2251799813685248.5,
		// Powers of two whose lower neighbour is closer.
		0x1p-1021, 0x1p-1000, 0x1p-100, 0x1p-1, 0x1p54, 0x1p100, 0x1p500, 0x1p1000,
		// Values strconv gets from Dragonbox's special cases.
		0x1p-77, 0x1p-76, 0x1p2, 0x1p3,
	}
	for e := -324; e <= 308; e++ {
		vs = append(vs, math.Pow10(e))
	}
	for e := -1074; e <= 1023; e++ {
		p := math.Ldexp(1, e)
		vs = append(vs, p, math.Nextafter(p, 0), math.Nextafter(p, math.Inf(1)))
	}
	var got, want []byte
	for _, v := range vs {
		got, want = checkShortest(t, v, got, want)
		got, want = checkShortest(t, -v, got, want)
	}
}

// TestAppendShortestEveryExponent tries every binary exponent, and so every
// entry of pow10Table, with the smallest, largest and random significands.
func TestAppendShortestEveryExponent(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var got, want []byte
	for exp := uint64(0); exp < 0x7ff; exp++ {
		fracs := []uint64{0, 1, 2, 1<<52 - 1, 1 << 51}
		for range 100 {
			fracs = append(fracs, rng.Uint64()&(1<<52-1))
		}
		for _, f := range fracs {
			got, want = checkShortest(t, math.Float64frombits(exp<<52|f), got, want)
		}
	}
}

// randomCount is how many random inputs each random test tries: a few
// million in a default run, which takes a few seconds.
func randomCount() int {
	if testing.Short() {
		return 200_000
	}
	return 5_000_000
}

func TestAppendShortestRandomBits(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	var got, want []byte
	for n := randomCount(); n > 0; {
		v := math.Float64frombits(rng.Uint64())
		if math.IsNaN(v) || math.IsInf(v, 0) {
			continue
		}
		got, want = checkShortest(t, v, got, want)
		n--
	}
}

func TestAppendShortestFloat32(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	var got, want []byte
	for n := randomCount(); n > 0; {
		f := math.Float32frombits(rng.Uint32())
		v := float64(f)
		if math.IsNaN(v) || math.IsInf(v, 0) {
			continue
		}
		got, want = checkShortest(t, v, got, want)
		n--
	}
}

// TestAppendShortestShortDecimals tries values typed in by people or
// rounded by a program: 1 to 7 significant digits, d.ddde±x.
func TestAppendShortestShortDecimals(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	var got, want, s []byte
	for range randomCount() / 2 {
		nd := 1 + rng.IntN(7)
		s = append(s[:0], byte('1'+rng.IntN(9)), '.')
		for range nd - 1 {
			s = append(s, byte('0'+rng.IntN(10)))
		}
		s = append(s, 'e')
		s = strconv.AppendInt(s, int64(rng.IntN(41)-20), 10)
		v, err := strconv.ParseFloat(string(s), 64)
		if err != nil {
			t.Fatalf("ParseFloat(%q): %v", s, err)
		}
		got, want = checkShortest(t, v, got, want)
	}
}

// TestAppendFloatPrefix checks that appendFloat appends after what dst
// holds, with and without spare capacity, and matches strconv there.
func TestAppendFloatPrefix(t *testing.T) {
	vs := []float64{0.1, -2.5e-300, 1.7976931348623157e308, 123.456, 1e21, -7}
	for _, v := range vs {
		for _, spare := range []int{0, 1, 40} {
			dst := append(make([]byte, 0, 3+spare), `[1,`...)
			got := string(appendFloat(dst, v))
			want := "[1," + strconv.FormatFloat(v, 'g', -1, 64)
			if got != want {
				t.Errorf("appendFloat(%q with %d spare, %v) = %s, want %s",
					"[1,", spare, v, got, want)
			}
		}
	}
}

// TestFtoaLogs checks the fixed-point logarithms against math/big over the
// exponents Schubfach meets, and beyond.
func TestFtoaLogs(t *testing.T) {
	pow := func(base int64, e int) *big.Rat {
		r := new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(base), big.NewInt(int64(abs(e))), nil))
		if e < 0 {
			r.Inv(r)
		}
		return r
	}
	// floorLog returns the largest k with base^k <= x, searching up from
	// a guess that is at most 5 too high.
	floorLog := func(base int64, x *big.Rat, guess int) int {
		k := guess - 5
		if pow(base, k).Cmp(x) > 0 {
			t.Fatalf("floorLog: guess %d for %v too high", guess, x)
		}
		for pow(base, k+1).Cmp(x) <= 0 {
			k++
		}
		return k
	}
	threeQuarters := big.NewRat(3, 4)
	for q := -1200; q <= 1200; q++ {
		p2 := pow(2, q)
		if got, want := floorLog10Pow2(q), floorLog(10, p2, q*301/1000); got != want {
			t.Fatalf("floorLog10Pow2(%d) = %d, want %d", q, got, want)
		}
		x := new(big.Rat).Mul(p2, threeQuarters)
		if got, want := floorLog10ThreeQuartersPow2(q), floorLog(10, x, q*301/1000); got != want {
			t.Fatalf("floorLog10ThreeQuartersPow2(%d) = %d, want %d", q, got, want)
		}
	}
	for e := -1200; e <= 1200; e++ {
		if got, want := floorLog2Pow10(e), floorLog(2, pow(10, e), e*332/100); got != want {
			t.Fatalf("floorLog2Pow10(%d) = %d, want %d", e, got, want)
		}
	}
}

func TestDecimalLen(t *testing.T) {
	for i := 1; i < 20; i++ {
		p := pow10u64[i]
		for _, d := range []uint64{p - 1, p, p + 1} {
			if got, want := decimalLen(d), len(strconv.FormatUint(d, 10)); got != want {
				t.Errorf("decimalLen(%d) = %d, want %d", d, got, want)
			}
		}
	}
	for i := range 64 {
		d := uint64(1) << i
		for _, d := range []uint64{d - 1, d, d + 1} {
			if d == 0 {
				continue
			}
			if got, want := decimalLen(d), len(strconv.FormatUint(d, 10)); got != want {
				t.Errorf("decimalLen(%d) = %d, want %d", d, got, want)
			}
		}
	}
}

func FuzzAppendFloat(f *testing.F) {
	for _, v := range []float64{0.1, 5e-324, math.MaxFloat64, 1e21, 1e-5, -123456.5} {
		f.Add(math.Float64bits(v))
	}
	f.Fuzz(func(t *testing.T, u uint64) {
		v := math.Float64frombits(u)
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return
		}
		want := strconv.AppendFloat(nil, v, 'g', -1, 64)
		if got := appendShortest(nil, v); !bytes.Equal(got, want) {
			t.Fatalf("appendShortest(%#016x) = %s, want %s", u, got, want)
		}
		if got := appendFloat(nil, v); !bytes.Equal(got, want) && !isIntShortcut(v) {
			t.Fatalf("appendFloat(%#016x) = %s, want %s", u, got, want)
		}
	})
}

// isIntShortcut says that appendFloat writes v as an integer, the way
// strconv would not for a magnitude of 1e6 and above.
func isIntShortcut(v float64) bool {
	return v == math.Trunc(v) && math.Abs(v) < 1e15 && v != 0
}

// BenchmarkAppendFloat formats 1024 values per iteration: float32 values
// widened to float64, as most metrics are, and values with all 17 digits.
func BenchmarkAppendFloat(b *testing.B) {
	rng := rand.New(rand.NewPCG(11, 12))
	var f32, f64 [1024]float64
	for i := range f32 {
		f32[i] = float64(float32(rng.NormFloat64()))
		f64[i] = rng.ExpFloat64() * 100
	}
	formats := []struct {
		name string
		fn   func([]byte, float64) []byte
	}{
		{"ftoa", appendShortest},
		{"strconv", func(dst []byte, v float64) []byte {
			return strconv.AppendFloat(dst, v, 'g', -1, 64)
		}},
	}
	for _, vs := range []struct {
		name string
		vs   []float64
	}{{"float32", f32[:]}, {"float64", f64[:]}} {
		for _, f := range formats {
			b.Run(vs.name+"/"+f.name, func(b *testing.B) {
				b.ReportAllocs()
				buf := make([]byte, 0, 32*len(vs.vs))
				for _, v := range vs.vs {
					buf = f.fn(buf, v)
				}
				b.SetBytes(int64(len(buf)))
				for b.Loop() {
					buf = buf[:0]
					for _, v := range vs.vs {
						buf = f.fn(buf, v)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(vs.vs)),
					"ns/value")
			})
		}
	}
}
