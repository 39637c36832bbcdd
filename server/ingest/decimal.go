package ingest

import (
	"encoding/binary"
	"math"
	"math/big"
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

// The powers of ten of pow128, from 10^minPow to 10^maxPow: a decimal of
// up to 19 digits times a power outside them is not a normal float64.
const (
	minPow = -342
	maxPow = 308
)

// power is 10^q as a 128-bit mantissa m (hi, lo), with its top bit set, and
// a binary exponent e: m = floor(10^q / 2^e). exact says m is 10^q / 2^e.
type power struct {
	hi, lo uint64
	e      int32
	exact  bool
}

// pow128 holds 10^q for q from minPow to maxPow, computed once with
// math/big.
var pow128 = func() []power {
	out := make([]power, 0, maxPow-minPow+1)
	ten := big.NewInt(10)
	mask := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 64), big.NewInt(1))
	split := func(m *big.Int, e int, exact bool) power {
		lo := new(big.Int).And(m, mask).Uint64()
		hi := new(big.Int).Rsh(m, 64).Uint64()
		return power{hi: hi, lo: lo, e: int32(e), exact: exact}
	}
	// 10^q for q < 0 is floor(2^k / 10^-q), with k such that it has 128 bits.
	d := new(big.Int).Exp(ten, big.NewInt(-minPow), nil)
	for q := minPow; q < 0; q++ {
		k := 127 + d.BitLen()
		m, r := new(big.Int).QuoRem(new(big.Int).Lsh(big.NewInt(1), uint(k)), d, new(big.Int))
		out = append(out, split(m, -k, r.Sign() == 0))
		d.Quo(d, ten)
	}
	n := big.NewInt(1)
	for q := 0; q <= maxPow; q++ {
		l := n.BitLen()
		m, exact := new(big.Int), true
		if l <= 128 {
			m.Lsh(n, uint(128-l))
		} else {
			m.Rsh(n, uint(l-128))
			exact = new(big.Int).Lsh(m, uint(l-128)).Cmp(n) == 0
		}
		out = append(out, split(m, l-128, exact))
		n.Mul(n, ten)
	}
	return out
}()

// toFloat returns the float64 nearest to mant * 10^exp, ties to even, as
// strconv.ParseFloat rounds; ok is false when it cannot tell (a result
// that is subnormal, out of range, or too close to a rounding boundary to
// decide), and the caller must use strconv.
//
// Small cases are one exact float64 operation. Otherwise the mantissa,
// normalized to 64 bits, is multiplied by the 128-bit truncated power of
// ten. The 192-bit product Z falls short of the exact product by less than
// 2^64, so its top 54 bits round correctly unless that shortfall could
// carry into the rounding bit, which the bits below it tell; an exact tie
// can only happen when the power is exact, and rounds to even.
func toFloat(mant uint64, exp int, neg bool) (float64, bool) {
	if mant == 0 {
		if neg {
			return math.Copysign(0, -1), true
		}
		return 0, true
	}
	if mant < 1<<53 && exp >= -22 && exp <= 22 {
		f := float64(mant)
		if exp < 0 {
			f /= pow10[-exp]
		} else {
			f *= pow10[exp]
		}
		if neg {
			f = -f
		}
		return f, true
	}
	if exp < minPow || exp > maxPow {
		return 0, false
	}
	p := &pow128[exp-minPow]
	lz := bits.LeadingZeros64(mant)
	w := mant << lz
	h1, l1 := bits.Mul64(w, p.hi)
	h0, z0 := bits.Mul64(w, p.lo)
	z1, carry := bits.Add64(l1, h0, 0)
	z2 := h1 + carry // at least 2^62: both factors have their top bit set

	sh := 10 + uint(z2>>63) // bits of z2 below the 53-bit mantissa
	m := z2 >> sh
	below := z2 & (1<<(sh-1) - 1)
	if z2>>(sh-1)&1 == 0 {
		if below == 1<<(sh-1)-1 && z1 == math.MaxUint64 {
			return 0, false // the shortfall might reach the rounding bit
		}
	} else if below != 0 || z1 != 0 || z0 != 0 || !p.exact || m&1 == 1 {
		m++ // above the halfway point, or a tie to an odd mantissa
	}
	e2 := int(sh) + 128 + int(p.e) - lz
	if m == 1<<53 {
		m >>= 1
		e2++
	}
	biased := e2 + 52 + 1023
	if biased < 1 || biased > 2046 {
		return 0, false
	}
	b := uint64(biased)<<52 | m&(1<<52-1)
	if neg {
		b |= 1 << 63
	}
	return math.Float64frombits(b), true
}

// eightDigits returns the value of the 8 bytes of data from i when they
// are all decimal digits. It reads them as one word: a byte is a digit
// when its high nibble is 3 and its low nibble plus 6 stays under 16.
func eightDigits(data []byte, i int) (uint64, bool) {
	const ones = 0x0101010101010101
	x := binary.LittleEndian.Uint64(data[i : i+8])
	if x&(0xf0*ones) != 0x30*ones || (x+0x06*ones)&(0xf0*ones) != 0x30*ones {
		return 0, false
	}
	// The first digit is the low byte: combine pairs, then quads, then
	// the two halves, the earlier digit weighing more each time.
	x -= 0x30 * ones
	x = (x*10 + x>>8) & 0x00ff00ff00ff00ff
	x = (x*100 + x>>16) & 0x0000ffff0000ffff
	return (x*10000 + x>>32) & 0xffffffff, true
}
