package ingest

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
)

// TestDecimalMatchesStrconv compares decimal with strconv.ParseFloat on
// the shortest forms of random float64s and float32s, on random digit
// strings, and on halfway cases.
func TestDecimalMatchesStrconv(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var inputs []string
	for range 200_000 {
		v := math.Float64frombits(r.Uint64()>>2 | 0x3000000000000000)
		v = math.Mod(v, 1e6)
		inputs = append(inputs,
			strconv.FormatFloat(v, 'f', -1, 64),
			strconv.FormatFloat(float64(float32(v)), 'f', -1, 64),
			strconv.FormatFloat(r.NormFloat64(), 'f', -1, 64),
			randomDigits(r))
	}
	inputs = append(inputs, "9007199254740993", "9007199254740993.0",
		"18446744073709551615", "0.30000000000000004", "9999999999999999999",
		"1.0000000000000000000", "0.0000000000000000001", "4503599627370496.5",
		"4503599627370497.5")
	for _, in := range inputs {
		want, _ := strconv.ParseFloat(in, 64)
		sc := scanner{data: []byte(in)}
		got, err := sc.number()
		if err != nil || math.Float64bits(got) != math.Float64bits(want) {
			t.Fatalf("number(%q) = %v (%b), %v; want %v (%b)", in, got,
				math.Float64bits(got), err, want, math.Float64bits(want))
		}
	}
}

// randomDigits returns 1 to 19 random digits with a random decimal point.
func randomDigits(r *rand.Rand) string {
	n := 1 + r.IntN(19)
	b := make([]byte, 0, n+1)
	for i := range n {
		b = append(b, byte('0'+r.IntN(10)))
		if i == n/2 && r.IntN(2) == 0 && i+1 < n {
			b = append(b, '.')
		}
	}
	return string(b)
}

func FuzzDecimal(f *testing.F) {
	f.Add(uint64(9007199254740993), 0)
	f.Add(uint64(12345678901234567890), 19)
	f.Fuzz(func(t *testing.T, mant uint64, frac int) {
		if frac < 0 || frac > 19 || mant == 0 {
			return
		}
		s := strconv.FormatUint(mant, 10)
		for len(s) <= frac {
			s = "0" + s
		}
		s = s[:len(s)-frac] + "." + s[len(s)-frac:]
		want, _ := strconv.ParseFloat(s, 64)
		if got := decimal(mant, frac); math.Float64bits(got) != math.Float64bits(want) {
			t.Fatalf("decimal(%d, %d) = %v, want %v (%s)", mant, frac, got, want, s)
		}
	})
}
