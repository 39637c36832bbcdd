package block

import (
	"math"
	"slices"
)

// The decimal mode holds values that are short decimals, as text loggers
// write them:
//
//	byte        e, the exponent of the block
//	exceptions  the values that are not k / 10^e (values.go)
//	ints        an integer column of k, one per value: value =
//	            float64(k) / 10^e exactly; an exception's slot repeats the
//	            previous k, so it costs almost nothing there

// maxExponent is the largest decimal exponent tried: float64(k) / 10^e is
// correctly rounded while both k and 10^e are exact doubles, that is
// |k| < 2^53 and e <= 22, and 10^18 already makes every such k a fraction.
const maxExponent = 18

var pow10 = [maxExponent + 1]float64{
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9,
	1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18,
}

// toDecimal returns k with float64(k)/10^e == v bit for bit, the formula the
// decoder uses, and false when there is none (NaN, infinities, -0.0, more
// than e decimals, too many digits).
func toDecimal(v float64, e int) (int64, bool) {
	x := v * pow10[e]
	if !(math.Abs(x) < 1<<53) {
		return 0, false
	}
	k := int64(math.Round(x))
	return k, math.Float64bits(float64(k)/pow10[e]) == math.Float64bits(v)
}

// minExponent returns the smallest e at which v round-trips, or -1.
func minExponent(v float64) int {
	for e := 0; e <= maxExponent; e++ {
		if _, ok := toDecimal(v, e); ok {
			return e
		}
	}
	return -1
}

// exponentSample is how many values chooseExponent looks at.
const exponentSample = 256

// chooseExponent picks the exponent of a block and estimates how many of
// its values would be exceptions at it. It looks at a sample of the values
// and weighs the bits an exception costs (its index and 8 bytes) against
// the bits every further decimal digit adds to each integer, log2(10).
func chooseExponent(values []float64) (e, exceptions int) {
	var hist [maxExponent + 2]int // hist[e+1]: values whose least e is e
	stride := max(1, len(values)/exponentSample)
	sampled := 0
	for i := 0; i < len(values); i += stride {
		hist[minExponent(values[i])+1]++
		sampled++
	}

	const excBits, digitBits, baseBits = 72.0, 3.32, 8.0
	best, bestCost, fit := 0, math.Inf(1), 0
	bestFit := 0
	for c := 0; c <= maxExponent; c++ {
		fit += hist[c+1]
		cost := float64(sampled-fit)*excBits + float64(fit)*(baseBits+digitBits*float64(c))
		if cost < bestCost {
			best, bestCost, bestFit = c, cost, fit
		}
	}
	return best, (sampled - bestFit) * len(values) / max(sampled, 1)
}

func appendDecimal(dst []byte, values []float64, e int, s *scratch) []byte {
	k, exc := decimalInts(values, e, s)
	return appendDecimalInts(dst, values, e, k, exc, s)
}

// decimalInts returns the integers of the values at exponent e and the
// indexes of the exceptions, in scratch memory.
func decimalInts(values []float64, e int, s *scratch) ([]int64, []int) {
	k := s.valueInts(len(values))
	var prev int64
	exc := s.exceptions[:0]
	for i, v := range values {
		x, ok := toDecimal(v, e)
		if !ok {
			exc = append(exc, i)
			x = prev
		}
		k[i], prev = x, x
	}
	s.exceptions = exc
	return k, exc
}

// minDecimalSize is a lower bound of the bytes of the decimal mode: its
// mode and exponent, its exceptions, and an integer column of at least a
// header and a base.
func minDecimalSize(exc []int) int {
	return 2 + exceptionsSize(exc) + 2
}

func appendDecimalInts(dst []byte, values []float64, e int, k []int64, exc []int,
	s *scratch) []byte {
	dst = append(dst, modeDecimal, byte(e))
	dst = appendExceptions(dst, values, exc)
	return appendInts(dst, k, s)
}

// readDecimalRange decodes a decimal-mode value column of n values and
// appends its values lo to hi-1 to dst.
func readDecimalRange(r *reader, dst []float64, n, lo, hi int, s *scratch) []float64 {
	e := int(r.byte("decimal exponent"))
	if e > maxExponent {
		r.fail("decimal exponent")
		return dst
	}
	exc := readExceptions(r, n, s)
	k := readIntsRange(r, s.valueInts(hi - lo)[:0], n, lo, hi, s)
	if r.err != nil {
		return dst
	}

	start := len(dst)
	dst = slices.Grow(dst, len(k))[:start+len(k)]
	out := dst[start:][:len(k)]
	if e == 0 {
		// x / 1 is x exactly: skip the division.
		for i, x := range k {
			out[i] = float64(x)
		}
	} else {
		div := pow10[e]
		for i, x := range k {
			out[i] = float64(x) / div
		}
	}
	for _, x := range exc {
		if x.index >= lo && x.index < hi {
			out[x.index-lo] = math.Float64frombits(x.bits)
		}
	}
	return dst
}
