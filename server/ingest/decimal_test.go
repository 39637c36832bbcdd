package ingest

import (
	"errors"
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
)

// TestNumberMatchesStrconv compares scanner.number with strconv.ParseFloat
// on the shortest forms of random float64s and float32s (plain and with
// exponents), on random digit strings, and on halfway and boundary cases.
func TestNumberMatchesStrconv(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var inputs []string
	for range 30_000 {
		v := math.Float64frombits(r.Uint64()>>2 | 0x3000000000000000)
		v = math.Mod(v, 1e6)
		w := math.Float64frombits(r.Uint64() &^ (1 << 63))
		inputs = append(inputs,
			strconv.FormatFloat(v, 'f', -1, 64),
			strconv.FormatFloat(float64(float32(v)), 'f', -1, 64),
			strconv.FormatFloat(r.NormFloat64(), 'f', -1, 64),
			strconv.FormatFloat(r.NormFloat64()*1e-4, 'f', -1, 64),
			strconv.FormatFloat(w, 'g', -1, 64),
			strconv.FormatFloat(-w, 'e', r.IntN(20), 64),
			strconv.FormatFloat(float64(float32(w)), 'g', -1, 64),
			randomDigits(r), randomDigits(r)+"e"+strconv.Itoa(r.IntN(700)-350))
	}
	inputs = append(inputs, "9007199254740993", "9007199254740993.0",
		"18446744073709551615", "0.30000000000000004", "9999999999999999999",
		"1.0000000000000000000", "0.0000000000000000001", "4503599627370496.5",
		"4503599627370497.5", "0.00021445787569973618", "1e23", "8.98846567431158e307",
		"1.7976931348623157e308", "1.7976931348623158e308", "2.2250738585072014e-308",
		"2.2250738585072011e-308", "4.9e-324", "1e-400", "1e400", "-0", "-0.0e9",
		"0e-99999999", "123456789012345678e-18", "2.5e-1", "1E+2", "1e-0",
		"9007199254740992e1", "9007199254740993e1", "179769313486231570e291")
	for _, in := range inputs {
		checkNumber(t, in+",")
		checkNumber(t, in)
	}
}

// checkNumber checks that number reads in as the reference does: the same
// bits, the same end, an error for the same inputs.
func checkNumber(t *testing.T, in string) {
	t.Helper()
	sc := scanner{data: []byte(in)}
	got, err := sc.number()
	ref := scanner{data: []byte(in)}
	want, wantErr := ref.refNumber()
	if (err != nil) != (wantErr != nil) || err == nil &&
		(math.Float64bits(got) != math.Float64bits(want) || sc.pos != ref.pos) {
		t.Fatalf("number(%q) = %v (%#x) to %d, %v; want %v (%#x) to %d, %v", in, got,
			math.Float64bits(got), sc.pos, err, want, math.Float64bits(want), ref.pos,
			wantErr)
	}
}

// refNumber is what number must do, in the simplest form: the longest run
// of number bytes, read by strconv, beyond float64 as ±Inf.
func (sc *scanner) refNumber() (float64, error) {
	i := sc.pos
	if i < len(sc.data) && sc.data[i] == '-' {
		i++
	}
	if i >= len(sc.data) || !isDigit(sc.data[i]) {
		return 0, errors.New("not a number")
	}
	return sc.slowNumber()
}

// randomDigits returns 1 to 22 random digits, often with leading zeros,
// with a random decimal point.
func randomDigits(r *rand.Rand) string {
	n := 1 + r.IntN(22)
	b := make([]byte, 0, n+1)
	for i := range n {
		if i < 4 && r.IntN(4) == 0 {
			b = append(b, '0')
		} else {
			b = append(b, byte('0'+r.IntN(10)))
		}
		if i == n/2 && r.IntN(2) == 0 && i+1 < n {
			b = append(b, '.')
		}
	}
	return string(b)
}

// TestToFloatMatchesStrconv checks the conversion itself on mantissas of
// every length and the exponents of the whole float64 range.
func TestToFloatMatchesStrconv(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	missed := 0
	for i := range 300_000 {
		mant := r.Uint64() >> r.IntN(64)
		if i%7 == 0 {
			mant = pow10u[r.IntN(len(pow10u))] * uint64(1+r.IntN(9))
		}
		exp := r.IntN(maxPow-minPow+41) + minPow - 20
		got, ok := toFloat(mant, exp, i%2 == 1)
		s := strconv.FormatUint(mant, 10) + "e" + strconv.Itoa(exp)
		if i%2 == 1 {
			s = "-" + s
		}
		want, err := strconv.ParseFloat(s, 64)
		if !ok {
			if a := math.Abs(want); a >= 0x1p-1022 && a <= math.MaxFloat64 {
				missed++ // a normal float64 that toFloat could not decide
			}
			continue
		}
		if err != nil || math.Float64bits(got) != math.Float64bits(want) {
			t.Fatalf("toFloat(%d, %d) = %v (%#x), want %v (%#x) %v", mant, exp, got,
				math.Float64bits(got), want, math.Float64bits(want), err)
		}
	}
	if missed > 10 {
		t.Errorf("toFloat left %d normal results of 300,000 to strconv", missed)
	}
}

// TestPow128 checks the table of powers against exact ones.
func TestPow128(t *testing.T) {
	for _, q := range []int{0, 1, 22, 27, 28, 55, 56} {
		p := pow128[q-minPow]
		if wantExact := q <= 55; p.exact != wantExact {
			t.Errorf("10^%d exact = %v, want %v", q, p.exact, wantExact)
		}
	}
	// 10^0 is 2^127 * 2^-127, 10^1 is 5 * 2^125 * 2^-124.
	if p := pow128[-minPow]; p.hi != 1<<63 || p.lo != 0 || p.e != -127 {
		t.Errorf("10^0 = %#x %#x e%d", p.hi, p.lo, p.e)
	}
	if p := pow128[1-minPow]; p.hi != 5<<61 || p.lo != 0 || p.e != -124 {
		t.Errorf("10^1 = %#x %#x e%d", p.hi, p.lo, p.e)
	}
	for i, p := range pow128 {
		if p.hi>>63 != 1 {
			t.Fatalf("10^%d not normalized: %#x", i+minPow, p.hi)
		}
	}
}

func TestEightDigits(t *testing.T) {
	tests := []struct {
		in   string
		ok   bool
		want uint64
	}{
		{"12345678", true, 12345678}, {"123456789", true, 12345678},
		{"00000001", true, 1}, {"99999999", true, 99999999}, {"1234567,", false, 0},
		{"x1234567", false, 0}, {"1234:678", false, 0}, {"1234/678", false, 0},
		{"12\xb4x5678", false, 0}, {"12\x3f45678", false, 0}, {"1234567\x00", false, 0},
	}
	for _, tt := range tests {
		v, ok := eightDigits([]byte(tt.in), 0)
		if ok != tt.ok || ok && v != tt.want {
			t.Errorf("eightDigits(%q) = %d, %v; want %d, %v", tt.in, v, ok, tt.want, tt.ok)
		}
	}
}

// FuzzNumber checks number against the reference on any bytes.
func FuzzNumber(f *testing.F) {
	for _, s := range []string{"0.00021445787569973618", "1e5", "-1.5E-3,", "1.", "1.e5",
		"12345678901234567890", "-", "-x", "1e", "1e+", "00.5", "1-2", "9007199254740993",
		"0.1234567890123456789e-300"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 || data[0] != '-' && !isDigit(data[0]) {
			return
		}
		checkNumber(t, string(data))
	})
}
