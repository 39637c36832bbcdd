package block

import "encoding/binary"

// gather sets out[k] to base plus the value at index off+k of w byte planes
// of m values each (plane p holds byte p of every value). It is the inverse
// of shuffle, and the hot loop of every decode: narrow columns take one
// byte a plane per value, wide ones (float bits) an 8x8 byte transposition
// per 8 values.
func gather(out []int64, planes []byte, m, w, off int, base int64) {
	k := len(out)
	switch w {
	case 0:
		for i := range out {
			out[i] = base
		}
	case 1:
		p0 := planes[off : off+k]
		out := out[:len(p0)]
		for i, c := range p0 {
			out[i] = base + int64(c)
		}
	case 2:
		p0 := planes[off : off+k]
		p1, out := planes[m+off:][:len(p0)], out[:len(p0)]
		for i, c := range p0 {
			out[i] = base + int64(uint64(c)|uint64(p1[i])<<8)
		}
	case 3:
		p0 := planes[off : off+k]
		p1, p2, out := planes[m+off:][:len(p0)], planes[2*m+off:][:len(p0)], out[:len(p0)]
		for i, c := range p0 {
			out[i] = base + int64(uint64(c)|uint64(p1[i])<<8|uint64(p2[i])<<16)
		}
	case 4:
		p0 := planes[off : off+k]
		p1, p2 := planes[m+off:][:len(p0)], planes[2*m+off:][:len(p0)]
		p3, out := planes[3*m+off:][:len(p0)], out[:len(p0)]
		for i, c := range p0 {
			out[i] = base + int64(uint64(c)|uint64(p1[i])<<8|uint64(p2[i])<<16|
				uint64(p3[i])<<24)
		}
	default:
		gatherWide(out, planes, m, w, off, base)
	}
}

// gatherWide is gather for 5 to 8 planes: it loads 8 bytes of each plane
// and transposes the 8x8 bytes, so that each word holds one value.
func gatherWide(out []int64, planes []byte, m, w, off int, base int64) {
	k := len(out)
	var p [8][]byte
	for q := range w {
		p[q] = planes[q*m+off : q*m+off+k]
	}
	i := 0
	for ; i+8 <= k; i += 8 {
		r0, r1, r2, r3 := word(p[0], i), word(p[1], i), word(p[2], i), word(p[3], i)
		r4, r5, r6, r7 := word(p[4], i), word(p[5], i), word(p[6], i), word(p[7], i)
		// Swap the off-diagonal 4x4, then 2x2, then 1x1 blocks of bytes.
		r0, r4 = swapBytes(r0, r4, 32, 0x00000000ffffffff)
		r1, r5 = swapBytes(r1, r5, 32, 0x00000000ffffffff)
		r2, r6 = swapBytes(r2, r6, 32, 0x00000000ffffffff)
		r3, r7 = swapBytes(r3, r7, 32, 0x00000000ffffffff)
		r0, r2 = swapBytes(r0, r2, 16, 0x0000ffff0000ffff)
		r1, r3 = swapBytes(r1, r3, 16, 0x0000ffff0000ffff)
		r4, r6 = swapBytes(r4, r6, 16, 0x0000ffff0000ffff)
		r5, r7 = swapBytes(r5, r7, 16, 0x0000ffff0000ffff)
		r0, r1 = swapBytes(r0, r1, 8, 0x00ff00ff00ff00ff)
		r2, r3 = swapBytes(r2, r3, 8, 0x00ff00ff00ff00ff)
		r4, r5 = swapBytes(r4, r5, 8, 0x00ff00ff00ff00ff)
		r6, r7 = swapBytes(r6, r7, 8, 0x00ff00ff00ff00ff)
		o := out[i : i+8 : i+8]
		o[0], o[1], o[2], o[3] = base+int64(r0), base+int64(r1), base+int64(r2), base+int64(r3)
		o[4], o[5], o[6], o[7] = base+int64(r4), base+int64(r5), base+int64(r6), base+int64(r7)
	}
	for ; i < k; i++ {
		var v uint64
		for q := range w {
			v |= uint64(p[q][i]) << (8 * q)
		}
		out[i] = base + int64(v)
	}
}

// word returns the 8 bytes of p from i as a little-endian word, 0 when p is
// a missing plane.
func word(p []byte, i int) uint64 {
	if len(p) < i+8 {
		return 0
	}
	return binary.LittleEndian.Uint64(p[i:])
}

// swapBytes exchanges the bytes of a under mask<<shift with those of b
// under mask.
func swapBytes(a, b uint64, shift uint, mask uint64) (uint64, uint64) {
	t := (a>>shift ^ b) & mask
	return a ^ t<<shift, b ^ t
}
