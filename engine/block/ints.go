package block

import (
	"encoding/binary"
	"math/bits"
	"slices"
)

// An integer column stores n int64 values whose count the reader knows:
//
//	byte    head: width w (bits 0-3) | packing (bits 4-5) | order d (6-7)
//	varint  d seeds: x[0] when d >= 1, then x[1]-x[0] when d == 2
//	varint  base, the smallest of the n-d d-th differences
//	planes  the n-d differences minus base, as unsigned integers of w
//	        bytes, byte plane by plane (all lowest bytes first), packed
//	        raw or with zstd (section.go)
//
// Width 0 means every difference equals base and no plane follows.
// Differences wrap around in 64 bits, so every int64 sequence round-trips,
// even one whose differences overflow.

const maxOrder = 2

// TODO: one outlier widens every value of a column, such as a validation
// series whose last step comes off its stride (0.7 bytes a point of steps
// for 27-point blocks); patching outliers as exceptions would keep the rest
// at width 0.

// appendInts appends x as an integer column.
func appendInts(dst []byte, x []int64, s *scratch) []byte {
	d := bestOrder(x)
	diffs := s.ints(len(x))
	copy(diffs, x)
	var seeds [maxOrder]int64
	for k := 0; k < d; k++ {
		seeds[k] = diffs[k]
		difference(diffs[k:])
	}
	diffs = diffs[d:]

	base := int64(0)
	if len(diffs) > 0 {
		base = minInt(diffs)
	}
	u := s.uints(len(diffs))
	var or uint64
	for i, v := range diffs {
		u[i] = uint64(v - base)
		or |= u[i]
	}
	w := (bits.Len64(or) + 7) / 8
	planes := shuffle(s.bytes(len(u) * w)[:0], u, w)

	head := len(dst)
	dst = append(dst, 0)
	for _, seed := range seeds[:d] {
		dst = binary.AppendVarint(dst, seed)
	}
	dst = binary.AppendVarint(dst, base)
	dst, packing := packPlanes(dst, planes, len(u), s)
	dst[head] = byte(w | packing<<4 | d<<6)
	return dst
}

// difference replaces x[1:] by the differences of consecutive values.
func difference(x []int64) {
	for i := len(x) - 1; i > 0; i-- {
		x[i] -= x[i-1]
	}
}

// orderSample is about how many differences bestOrder looks at.
const orderSample = 1024

// bestOrder estimates the bits of each order by the sum of the bit lengths
// of its differences from their mean, over a sample of about orderSample
// points, and picks the cheapest. A single value is all base; two are a
// seed and a base.
func bestOrder(x []int64) int {
	if len(x) < 3 {
		return max(len(x)-1, 0)
	}
	stride := max(1, len(x)/orderSample)
	var m0, m1, m2 float64
	k := 0
	for i := 2; i < len(x); i += stride {
		d0, d1, d2 := diffsAt(x, i)
		m0 += float64(d0)
		m1 += float64(d1)
		m2 += float64(d2)
		k++
	}
	c0, c1, c2 := int64(m0/float64(k)), int64(m1/float64(k)), int64(m2/float64(k))
	var cost0, cost1, cost2 int
	for i := 2; i < len(x); i += stride {
		d0, d1, d2 := diffsAt(x, i)
		cost0 += bits.Len64(zigzag(d0 - c0))
		cost1 += bits.Len64(zigzag(d1 - c1))
		cost2 += bits.Len64(zigzag(d2 - c2))
	}
	best, cost := 0, cost0
	if cost1 < cost {
		best, cost = 1, cost1
	}
	if cost2 < cost {
		best = 2
	}
	return best
}

// diffsAt returns x[i] and its first and second differences at i >= 2.
func diffsAt(x []int64, i int) (d0, d1, d2 int64) {
	x0, x1, x2 := x[i-2], x[i-1], x[i]
	d1 = x2 - x1
	return x2, d1, d1 - (x1 - x0)
}

func zigzag(v int64) uint64 { return uint64(v<<1) ^ uint64(v>>63) }

func minInt(x []int64) int64 {
	m := x[0]
	for _, v := range x[1:] {
		m = min(m, v)
	}
	return m
}

// shuffle appends the w low bytes of every value of u, plane by plane.
func shuffle(dst []byte, u []uint64, w int) []byte {
	start, n := len(dst), len(u)
	dst = slices.Grow(dst, n*w)[:start+n*w]
	for p := 0; p < w; p++ {
		plane := dst[start+p*n : start+(p+1)*n]
		shift := 8 * p
		for i, v := range u {
			plane[i] = byte(v >> shift)
		}
	}
	return dst
}

// readInts decodes an integer column of n values and appends it to dst.
func readInts(r *reader, dst []int64, n int, s *scratch) []int64 {
	return readIntsRange(r, dst, n, 0, n, s)
}

// readIntsRange decodes an integer column of n values and appends its
// values lo to hi-1 (0 <= lo <= hi <= n) to dst. The planes are read whole;
// the values are computed only up to hi, and from lo when the order is 0 or
// the width is 0.
func readIntsRange(r *reader, dst []int64, n, lo, hi int, s *scratch) []int64 {
	head := r.byte("integer column header")
	w, packing, d := int(head&0x0f), int(head>>4&3), int(head>>6)
	if w > 8 || d > maxOrder || d > n {
		r.fail("integer column header")
		return dst
	}
	var seeds [maxOrder]int64
	for k := 0; k < d; k++ {
		seeds[k] = r.varint("integer seed")
	}
	base := r.varint("integer base")
	planes := readPlanes(r, packing, n-d, w, s)
	if r.err != nil {
		return dst
	}

	start := len(dst)
	dst = slices.Grow(dst, hi-lo)[:start+hi-lo]
	out := dst[start:]
	switch {
	case d == 0:
		gather(out, planes, n, w, lo, base)
	case w == 0:
		evenRange(out, seeds, d, lo, base)
	case lo == 0:
		integrateColumn(out, seeds, d, planes, n-d, w, base)
	case d == 1:
		// x[lo] = x[0] + lo*base + the sum of the first lo values of the
		// planes; from there on, as integrateColumn.
		if len(out) == 0 {
			break
		}
		out[0] = seeds[0] + int64(lo)*base + int64(planeSum(planes, n-1, w, lo))
		gather(out[1:], planes, n-1, w, lo, base)
		integrate(out)
	default:
		x := s.ints(hi)
		integrateColumn(x, seeds, d, planes, n-d, w, base)
		copy(out, x[lo:])
	}
	return dst
}

// integrateColumn sets x to the first len(x) values of a column of order
// d >= 1 whose d-th differences minus base are the m values of the w
// planes.
func integrateColumn(x []int64, seeds [maxOrder]int64, d int, planes []byte, m, w int,
	base int64) {
	h := copy(x, seeds[:d])
	if h < d {
		return
	}
	gather(x[d:], planes, m, w, 0, base)
	if d == 1 {
		integrate(x)
		return
	}
	// x[k+1] = x[k] + D[k] and D[k+1] = D[k] + x[k+2], the second
	// difference stored there, from D[0] = x[1] - x[0] = seeds[1].
	xk, dk := x[0], x[1]
	x[1] = xk + dk
	xk = x[1]
	for i := 2; i < len(x); i++ {
		dk += x[i]
		xk += dk
		x[i] = xk
	}
}

// evenRange sets out to the values lo, lo+1, ... of a column of order
// d >= 1 whose d-th differences all equal base: with i steps from the
// first seed, x[i] = x[0] + i*base (d == 1) or x[0] + i*seeds[1] +
// i*(i-1)/2*base (d == 2). The products wrap around as the sums would.
func evenRange(out []int64, seeds [maxOrder]int64, d, lo int, base int64) {
	if d == 1 {
		v := seeds[0] + int64(lo)*base
		for k := range out {
			out[k] = v
			v += base
		}
		return
	}
	for k := range out {
		i := int64(lo + k)
		out[k] = seeds[0] + i*seeds[1] + i*(i-1)/2*base
	}
}

// planeSum returns the sum of the first k values of w byte planes of m
// values each, wrapping around in 64 bits.
func planeSum(planes []byte, m, w, k int) uint64 {
	var sum uint64
	for p := 0; p < w; p++ {
		sum += byteSum(planes[p*m:p*m+k]) << (8 * p)
	}
	return sum
}

// byteSum returns the sum of the bytes of b. It adds 8 bytes at a time in
// 16-bit lanes, the even bytes in one word and the odd bytes in another,
// folding the lanes every 256 words, before they could overflow.
func byteSum(b []byte) uint64 {
	const lanes = 0x00ff00ff00ff00ff
	var sum uint64
	for len(b) >= 8 {
		words := min(len(b)/8, 256)
		var even, odd uint64
		for i := 0; i < words; i++ {
			x := binary.LittleEndian.Uint64(b[8*i:])
			even += x & lanes
			odd += x >> 8 & lanes
		}
		sum += foldLanes(even) + foldLanes(odd)
		b = b[8*words:]
	}
	for _, c := range b {
		sum += uint64(c)
	}
	return sum
}

// foldLanes adds the four 16-bit lanes of x.
func foldLanes(x uint64) uint64 {
	return x&0xffff + x>>16&0xffff + x>>32&0xffff + x>>48
}

// integrate undoes difference.
func integrate(x []int64) {
	for i := 1; i < len(x); i++ {
		x[i] += x[i-1]
	}
}
