package block

import (
	"encoding/binary"
	"math/bits"
)

// An integer column stores n int64 values whose count the reader knows:
//
//	byte    order d (0, 1 or 2): the column holds the d-th differences of x
//	varint  x[0] when d >= 1, then x[1]-x[0] when d == 2
//	varint  base: the smallest of the n-d differences
//	section the n-d differences minus base, as unsigned integers
//
// Differences wrap around in 64 bits, so every int64 sequence round-trips,
// even one whose differences overflow.

const maxOrder = 2

// appendInts appends x as an integer column.
func appendInts(dst []byte, x []int64, s *scratch) []byte {
	d := bestOrder(x)
	dst = append(dst, byte(d))
	diffs := s.ints(len(x))
	copy(diffs, x)
	for k := 0; k < d; k++ {
		dst = binary.AppendVarint(dst, diffs[k])
		difference(diffs[k:])
	}
	diffs = diffs[d:]

	base := int64(0)
	if len(diffs) > 0 {
		base = minInt(diffs)
	}
	dst = binary.AppendVarint(dst, base)
	u := s.uints(len(diffs))
	for i, v := range diffs {
		u[i] = uint64(v - base)
	}
	return appendSection(dst, u, s)
}

// difference replaces x[1:] by the differences of consecutive values.
func difference(x []int64) {
	for i := len(x) - 1; i > 0; i-- {
		x[i] -= x[i-1]
	}
}

// bestOrder estimates the bits of each order by the sum of the bit lengths
// of its zigzagged differences and picks the cheapest.
func bestOrder(x []int64) int {
	if len(x) < 3 {
		return min(len(x), 1)
	}
	var cost [maxOrder + 1]int
	prev1 := x[1] - x[0]
	cost[1] = bits.Len64(zigzag(prev1))
	for i := 2; i < len(x); i++ {
		d1 := x[i] - x[i-1]
		cost[0] += bits.Len64(zigzag(x[i] - x[0]))
		cost[1] += bits.Len64(zigzag(d1))
		cost[2] += bits.Len64(zigzag(d1 - prev1))
		prev1 = d1
	}
	best := 0
	for d := 1; d <= maxOrder; d++ {
		if cost[d] < cost[best] {
			best = d
		}
	}
	return best
}

func zigzag(v int64) uint64 { return uint64(v<<1) ^ uint64(v>>63) }

func minInt(x []int64) int64 {
	m := x[0]
	for _, v := range x[1:] {
		m = min(m, v)
	}
	return m
}

// readInts decodes an integer column of n values and appends it to dst.
func readInts(r *reader, dst []int64, n int, s *scratch) []int64 {
	d := int(r.byte("integer order"))
	if d > maxOrder || d > n {
		r.fail("integer order")
		return dst
	}
	var seeds [maxOrder]int64
	for k := 0; k < d; k++ {
		seeds[k] = r.varint("integer seed")
	}
	base := r.varint("integer base")
	u := readSection(r, n-d, s)
	if r.err != nil {
		return dst
	}

	start := len(dst)
	dst = append(dst, seeds[:d]...)
	for _, v := range u {
		dst = append(dst, int64(v)+base)
	}
	for k := d - 1; k >= 0; k-- {
		integrate(dst[start+k:])
	}
	return dst
}

// integrate undoes difference.
func integrate(x []int64) {
	for i := 1; i < len(x); i++ {
		x[i] += x[i-1]
	}
}
