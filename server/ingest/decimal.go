package ingest

import (
	"math"
	"math/bits"
)

// pow10 holds the powers of ten that are exact in a float64.
var pow10 = [...]float64{
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
}

// pow10u holds the powers of ten that fit in a uint64.
var pow10u = func() (p [20]uint64) {
	p[0] = 1
	for i := 1; i < len(p); i++ {
		p[i] = p[i-1] * 10
	}
	return p
}()

// decimal returns the float64 nearest to mant / 10^frac, rounding ties to
// even, for frac <= 19 and any mant: the value written with up to 19
// digits, as Python writes float64s (17 significant digits) and float32s
// widened to float64.
//
// With up to 15 digits both mant and 10^frac are exact float64s (up to
// 10^22), and one correctly rounded division gives the answer. Past that,
// the quotient is computed exactly in integers: mant is shifted left by s
// so that q = floor(mant * 2^s / 10^frac) has 63 or 64 bits; its top 53
// bits are the mantissa, and the bits below them with the remainder decide
// the rounding. The value lies between 1e-19 and 2^64, far from
// subnormals and overflow, so the result is a normal float64.
func decimal(mant uint64, frac int) float64 {
	if mant < 1<<53 && frac < len(pow10) {
		return float64(mant) / pow10[frac]
	}
	p := pow10u[frac]
	s := 63 - bits.Len64(mant) + bits.Len64(p)
	hi, lo := shift128(mant, s)
	q, rem := bits.Div64(hi, lo, p) // hi < p by the choice of s

	shift := bits.Len64(q) - 53 // 10 or 11
	m := q >> shift
	rest, half := q&(1<<shift-1), uint64(1)<<(shift-1)
	if rest > half || rest == half && (rem != 0 || m&1 == 1) {
		m++ // m may reach 2^53, still exact in a float64
	}
	return math.Ldexp(float64(m), shift-s)
}

// shift128 returns x << s as a 128-bit number, for s < 128.
func shift128(x uint64, s int) (hi, lo uint64) {
	switch {
	case s >= 64:
		return x << (s - 64), 0
	case s > 0:
		return x >> (64 - s), x << s
	}
	return 0, x
}
