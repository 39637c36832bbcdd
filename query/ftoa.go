package query

// Shortest round-trip formatting of float64, byte for byte what
// strconv.AppendFloat(dst, v, 'g', -1, 64) writes, in about 40% of its time.
//
// The digits come from Schubfach (Raffaello Giulietti, "The Schubfach way to
// render doubles", 2020). For v = c·2^q it picks k so that the rounding
// interval [u, w] of v is at least 10^k wide and less than 10^(k+1) wide.
// Then at most one multiple of 10^(k+1) lies in the interval: if one does,
// it is the shortest decimal. Otherwise the multiples of 10^k in the
// interval all have the same length, and the one closest to v wins, the
// even one on a tie. That is the rule strconv follows too (shortest, then
// closest, then even), so both give the same digits. The three products
// v·10^-k, u·10^-k and w·10^-k are computed with a 128-bit approximation of
// 10^-k, rounded to odd: the paper proves that this keeps every comparison
// with the candidates exact. Subnormals take the same path, with c < 2^52;
// nothing falls back to strconv but NaN and the infinities.
//
// Digits are written eight at a time, straight into the layout
// strconv chooses for 'g' with the shortest precision: an exponent when the
// decimal exponent is below -4 or at least 6 ("1e+06", "1.5e-05", at least
// two exponent digits), the plain decimal otherwise.
//
// strconv itself runs Dragonbox since Go 1.26; the time it spends goes
// mostly into its general-purpose layout code (a digit buffer, then byte
// loops), which is what this file saves.

import (
	"encoding/binary"
	"math"
	"math/big"
	"math/bits"
	"strconv"
)

// pow10Min and pow10Max bound the exponents e of the 10^e that Schubfach
// multiplies by: e = -k, with k from -324 (the smallest subnormal) to 292
// (the largest float64).
const (
	pow10Min = -292
	pow10Max = 324
)

// uint128 is a 128-bit unsigned integer, hi·2^64 + lo.
type uint128 struct{ hi, lo uint64 }

// pow10Table holds, for e in [pow10Min, pow10Max], g = floor(10^e·2^r)+1
// with r chosen so that 2^127 <= g < 2^128, that is r = 127 -
// floorLog2Pow10(e). Rounding up keeps g above 10^e·2^r, which the proof of
// roundToOdd needs. It is built at init with math/big, exactly, in about
// 0.2 ms: a table in the source would be 617 lines of hex to trust, or a
// generator to keep beside it.
var pow10Table = makePow10Table()

func makePow10Table() *[pow10Max - pow10Min + 1]uint128 {
	var t [pow10Max - pow10Min + 1]uint128
	one := big.NewInt(1)
	mask := new(big.Int).Lsh(one, 64)
	mask.Sub(mask, one)
	ten := big.NewInt(10)
	p := big.NewInt(1) // 10^|e|
	g, num := new(big.Int), new(big.Int)
	for e := 0; e <= max(-pow10Min, pow10Max); e++ {
		n := p.BitLen()
		if e <= pow10Max {
			// The top 128 bits of 10^e, rounded down, plus one.
			if n <= 128 {
				g.Lsh(p, uint(128-n))
			} else {
				g.Rsh(p, uint(n-128))
			}
			t[e-pow10Min] = toUint128(g.Add(g, one), mask)
		}
		if e > 0 && -e >= pow10Min {
			// 10^-e lies in [2^-n, 2^(1-n)): 2^(127+n)/10^e is in (2^127, 2^128).
			num.Lsh(one, uint(127+n))
			g.Quo(num, p)
			t[-e-pow10Min] = toUint128(g.Add(g, one), mask)
		}
		p.Mul(p, ten)
	}
	return &t
}

func toUint128(g, mask *big.Int) uint128 {
	lo := new(big.Int).And(g, mask).Uint64()
	return uint128{hi: new(big.Int).Rsh(g, 64).Uint64(), lo: lo}
}

// floorLog10Pow2 is floor(q·log10(2)), by a fixed-point product that
// TestFtoaLogs checks against math/big for |q| <= 1200, beyond float64's
// exponents.
func floorLog10Pow2(q int) int {
	return (q * 661971961083) >> 41
}

// floorLog10ThreeQuartersPow2 is floor(log10(3/4·2^q)) for |q| <= 1200.
func floorLog10ThreeQuartersPow2(q int) int {
	return (q*661971961083 - 274743187321) >> 41
}

// floorLog2Pow10 is floor(e·log2(10)) for |e| <= 1200.
func floorLog2Pow10(e int) int {
	return (e * 913124641741) >> 38
}

// roundToOdd returns floor(g·cp/2^128), with its lowest bit set when the
// product has a fraction. A result rounded to odd compares with any even
// integer as the exact product would, and Schubfach only compares its
// results with multiples of 4. The discarded low word and the rounding up
// of g make the computed fraction differ from the exact one by less than
// 2^-64; the paper shows that a fraction of a non-integer product is far
// larger than that, so a fraction word above 1 means a true fraction.
func roundToOdd(g uint128, cp uint64) uint64 {
	xhi, _ := bits.Mul64(g.lo, cp)
	yhi, ylo := bits.Mul64(g.hi, cp)
	mid, carry := bits.Add64(ylo, xhi, 0)
	top := yhi + carry
	if mid > 1 {
		top |= 1
	}
	return top
}

// shortestDecimal returns the shortest decimal d·10^k that rounds to
// c·2^q, the one closest to c·2^q when several are as short, the even one
// on a tie. lowerCloser says that the float below is nearer than the one
// above: c is a power of two and not the smallest normal exponent. d may
// end in zeros.
func shortestDecimal(c uint64, q int, lowerCloser bool) (d uint64, k int) {
	// The interval's bounds, as multiples of 2^(q-2), and v itself.
	cb := c << 2
	cbr := cb + 2
	cbl := cb - 2
	k = floorLog10Pow2(q)
	if lowerCloser {
		cbl = cb - 1
		k = floorLog10ThreeQuartersPow2(q)
	}
	h := q + floorLog2Pow10(-k) + 1
	g := pow10Table[-k-pow10Min]
	vb := roundToOdd(g, cb<<h)
	vbl := roundToOdd(g, cbl<<h)
	vbr := roundToOdd(g, cbr<<h)

	// An odd c leaves the interval's bounds out: round to even would
	// send them to the neighbours.
	out := c & 1
	lower := vbl + out
	upper := vbr - out

	// One digit shorter: at most one multiple of 10^(k+1) fits.
	s := vb >> 2
	if s >= 10 {
		sp := s / 10
		upIn := lower <= 40*sp
		wpIn := 40*sp+40 <= upper
		if upIn != wpIn {
			if wpIn {
				sp++
			}
			return sp, k + 1
		}
	}

	// Full length: s or s+1, whichever lies in the interval, else the
	// closer to v, else the even one.
	uIn := lower <= 4*s
	wIn := 4*s+4 <= upper
	if uIn != wIn {
		if wIn {
			s++
		}
		return s, k
	}
	mid := 4*s + 2
	if vb > mid || vb == mid && s&1 != 0 {
		s++
	}
	return s, k
}

// trimZeros removes d's trailing decimal zeros and counts them. d is not 0.
func trimZeros(d uint64) (uint64, int) {
	if d%10 != 0 {
		return d, 0
	}
	n := 0
	if d%100_000_000 == 0 {
		d /= 100_000_000
		n += 8
	}
	if d%10_000 == 0 {
		d /= 10_000
		n += 4
	}
	if d%100 == 0 {
		d /= 100
		n += 2
	}
	if d%10 == 0 {
		d /= 10
		n++
	}
	return d, n
}

// pow10u64 holds 10^i for i in [0, 19].
var pow10u64 = [20]uint64{
	1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9,
	1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
}

// decimalLen returns the number of decimal digits of d > 0. 1233/4096 is
// just above log10(2), so t is the count of d's bit length or one less.
func decimalLen(d uint64) int {
	t := bits.Len64(d) * 1233 >> 12
	if d >= pow10u64[t] {
		t++
	}
	return t
}

// putDigits writes d's nd decimal digits at the start of b, eight at a
// time, and may write garbage in the 8 bytes after them: b must be at
// least nd+8 long. A head of up to 8 digits goes first, as 8 bytes shifted
// to drop its leading zeros; blocks of 8 follow and overwrite the rest of
// the head's store.
func putDigits(b []byte, d uint64, nd int) {
	head, body, nb := d, uint64(0), 0
	switch {
	case nd > 16:
		head, body, nb = d/1e16, d%1e16, 16
	case nd > 8:
		head, body, nb = d/1e8, d%1e8, 8
	}
	m := nd - nb
	binary.LittleEndian.PutUint64(b, digits8(uint32(head))>>(8*(8-m)))
	switch nb {
	case 16:
		binary.LittleEndian.PutUint64(b[m:], digits8(uint32(body/1e8)))
		binary.LittleEndian.PutUint64(b[m+8:], digits8(uint32(body%1e8)))
	case 8:
		binary.LittleEndian.PutUint64(b[m:], digits8(uint32(body)))
	}
}

// digits8 returns the 8 decimal digits of x < 10^8, leading zeros
// included, as ASCII bytes in a little-endian word: the first digit in the
// lowest byte. The word is split in lanes that are divided in parallel,
// by 100 and then by 10, with fixed-point reciprocals exact in that range
// (10486/2^20 for x < 10^4, 103/2^10 for x < 100).
func digits8(x uint32) uint64 {
	// Two 32-bit lanes: abcd, efgh.
	v := uint64(x/10_000) | uint64(x%10_000)<<32
	// Four 16-bit lanes: ab, cd, ef, gh.
	t := (v * 10486 >> 20) & 0x0000_007f_0000_007f
	v = (v-t*100)<<16 | t
	// Eight bytes: a, b, c, ... h.
	t = (v * 103 >> 10) & 0x000f_000f_000f_000f
	v = (v-t*10)<<8 | t
	return v | 0x3030_3030_3030_3030
}

func put2(b []byte, r int) {
	b[0], b[1] = byte('0'+r/10), byte('0'+r%10)
}

// maxFloatLen bounds the length of a formatted float64 (a sign, 17 digits,
// a point and "e-324", or a sign, "0.000" and 17 digits), with the 8 bytes
// that putDigits may write past the digits.
const maxFloatLen = 32

// appendShortest appends v as strconv.AppendFloat(dst, v, 'g', -1, 64)
// would. Infinities and NaN, which JSON answers never format as numbers,
// are left to strconv.
func appendShortest(dst []byte, v float64) []byte {
	u := math.Float64bits(v)
	neg := u>>63 != 0
	exp := int(u>>52) & 0x7ff
	frac := u & (1<<52 - 1)
	if exp == 0x7ff {
		return strconv.AppendFloat(dst, v, 'g', -1, 64)
	}
	if exp == 0 && frac == 0 {
		if neg {
			return append(dst, '-', '0')
		}
		return append(dst, '0')
	}

	c, q := frac, -1074
	if exp != 0 {
		c |= 1 << 52
		q = exp - 1075
	}
	d, k := shortestDecimal(c, q, frac == 0 && exp > 1)
	d, z := trimZeros(d)
	return appendDecimal(dst, neg, d, k+z)
}

// appendDecimal appends ±d·10^k in strconv's 'g' layout for the shortest
// precision. d has no trailing zeros.
func appendDecimal(dst []byte, neg bool, d uint64, k int) []byte {
	n := len(dst)
	if cap(dst)-n < maxFloatLen {
		dst = append(dst, make([]byte, maxFloatLen)...)
	}
	b := dst[n : n+maxFloatLen]
	i := 0
	if neg {
		b[0] = '-'
		i = 1
	}

	nd := decimalLen(d)
	// The value is 0.ddd·10^dp; strconv's exponent is dp-1.
	dp := nd + k
	switch {
	case dp-1 < -4 || dp-1 >= 6:
		i = putExponent(b, i, d, nd, dp-1)
	case dp <= 0:
		b[i], b[i+1] = '0', '.'
		i += 2
		for range -dp {
			b[i] = '0'
			i++
		}
		putDigits(b[i:], d, nd)
		i += nd
	case dp < nd:
		// Digits one place right, then the first dp of them back left.
		putDigits(b[i+1:], d, nd)
		copy(b[i:i+dp], b[i+1:i+1+dp])
		b[i+dp] = '.'
		i += nd + 1
	default:
		putDigits(b[i:], d, nd)
		i += nd
		for range dp - nd {
			b[i] = '0'
			i++
		}
	}
	return dst[:n+i]
}

// putExponent writes d (nd digits) as d.ddde±xx into b at i and returns
// the end.
func putExponent(b []byte, i int, d uint64, nd, exp int) int {
	putDigits(b[i+1:], d, nd)
	b[i] = b[i+1]
	if nd > 1 {
		b[i+1] = '.'
		i += nd + 1
	} else {
		i++
	}

	b[i], b[i+1] = 'e', '+'
	if exp < 0 {
		b[i+1] = '-'
		exp = -exp
	}
	i += 2
	if exp >= 100 {
		b[i] = byte('0' + exp/100)
		exp %= 100
		i++
	}
	put2(b[i:], exp)
	return i + 2
}
