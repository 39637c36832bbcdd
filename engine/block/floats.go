package block

import (
	"math"
	"math/bits"
	"slices"
)

// The float mode holds values by their bits. Many values end in a run of
// zero bits: float32s widened to float64 have at least 29, and the mean of
// two float32s often over 20. So the mode splits the values in two by a
// shift t, and drops the t zero bits of the values that have them:
//
//	byte     t, 0 to 63
//	bitmap   when t > 0: a packing byte, then (n+7)/8 bytes packed as one
//	         plane (section.go), bit i%8 of byte i/8 set when value i has
//	         at least t trailing zero bits; the unused high bits are 0
//	ints     an integer column of the bits >> t of the marked values (of
//	         every value when t == 0), in order
//	ints     an integer column of the bits of the other values, in order

const maxShift = 63

func appendFloats(dst []byte, values []float64, s *scratch) []byte {
	t := chooseShift(values)
	dst = append(dst, modeFloat, byte(t))
	marked, other := s.valueInts(len(values))[:0], s.otherInts(len(values))[:0]
	if t == 0 {
		for _, v := range values {
			marked = append(marked, int64(math.Float64bits(v)))
		}
		return appendInts(dst, marked, s)
	}

	bitmap := s.bitmapBytes((len(values) + 7) / 8)
	clear(bitmap)
	for i, v := range values {
		x := math.Float64bits(v)
		if bits.TrailingZeros64(x) >= t {
			bitmap[i/8] |= 1 << (i % 8)
			marked = append(marked, int64(x>>t))
		} else {
			other = append(other, int64(x))
		}
	}
	head := len(dst)
	dst = append(dst, 0)
	dst, packing := appendPlanes(dst, bitmap, len(bitmap), s)
	dst[head] = byte(packing)
	dst = appendInts(dst, marked, s)
	return appendInts(dst, other, s)
}

// chooseShift picks the t that drops the most bits, net of the bitmap's
// entropy; 0 when no t pays for its bitmap.
func chooseShift(values []float64) int {
	var hist [65]int // hist[z]: values with exactly z trailing zero bits
	for _, v := range values {
		hist[bits.TrailingZeros64(math.Float64bits(v))]++
	}
	n := float64(len(values))
	best, bestGain, marked := 0, 0.0, hist[64]
	for t := maxShift; t > 0; t-- {
		marked += hist[t]
		p := float64(marked) / n
		gain := float64(marked*t) - n*entropyBits(p)
		if gain > bestGain {
			best, bestGain = t, gain
		}
	}
	return best
}

// entropyBits is the entropy in bits of a coin that falls heads with p.
func entropyBits(p float64) float64 {
	if p <= 0 || p >= 1 {
		return 0
	}
	return -p*math.Log2(p) - (1-p)*math.Log2(1-p)
}

// readFloatsRange decodes a float-mode value column of n values and
// appends its values lo to hi-1 to dst.
func readFloatsRange(r *reader, dst []float64, n, lo, hi int, s *scratch) []float64 {
	t := int(r.byte("float shift"))
	if t > maxShift {
		r.fail("float shift")
		return dst
	}
	if t == 0 {
		k := readIntsRange(r, s.valueInts(hi - lo)[:0], n, lo, hi, s)
		return appendBits(r, dst, k)
	}
	bitmap := readBitmap(r, n, s)
	m := 0
	for _, c := range bitmap {
		m += bits.OnesCount8(c)
	}
	// The marks before lo and before hi say which values of each column
	// the range needs.
	mlo, mhi := marksBefore(bitmap, lo), marksBefore(bitmap, hi)
	marked := readIntsRange(r, s.valueInts(mhi - mlo)[:0], m, mlo, mhi, s)
	other := readIntsRange(r, s.otherInts(hi - lo - (mhi - mlo))[:0], n-m, lo-mlo,
		hi-mhi, s)
	if r.err != nil {
		return dst
	}

	start := len(dst)
	dst = slices.Grow(dst, hi-lo)[:start+hi-lo]
	out := dst[start:]
	shift := uint(t) & 63 // t <= 63: a plain shift instruction
	if len(marked) == len(out) {
		out := out[:len(marked)]
		for i, x := range marked {
			out[i] = math.Float64frombits(uint64(x) << shift)
		}
		return dst
	}
	j, o := 0, 0
	for i := range out {
		if bitmap[(lo+i)/8]&(1<<((lo+i)%8)) != 0 {
			out[i] = math.Float64frombits(uint64(marked[j]) << shift)
			j++
		} else {
			out[i] = math.Float64frombits(uint64(other[o]))
			o++
		}
	}
	return dst
}

// marksBefore counts the marks of the bitmap before value i.
func marksBefore(bitmap []byte, i int) int {
	m := 0
	for _, c := range bitmap[:i/8] {
		m += bits.OnesCount8(c)
	}
	if i%8 != 0 {
		m += bits.OnesCount8(bitmap[i/8] & (1<<(i%8) - 1))
	}
	return m
}

// readBitmap reads the bitmap of n values into scratch memory of its own.
func readBitmap(r *reader, n int, s *scratch) []byte {
	size := (n + 7) / 8
	planes := readPlanes(r, int(r.byte("bitmap packing")), size, 1, s)
	bitmap := s.bitmapBytes(size)
	if r.err != nil {
		clear(bitmap)
		return bitmap
	}
	copy(bitmap, planes)
	if n%8 != 0 && bitmap[size-1]>>(n%8) != 0 {
		r.fail("bitmap padding")
		clear(bitmap)
	}
	return bitmap
}

func appendBits(r *reader, dst []float64, k []int64) []float64 {
	if r.err != nil {
		return dst
	}
	start := len(dst)
	dst = slices.Grow(dst, len(k))[:start+len(k)]
	out := dst[start:][:len(k)]
	for i, x := range k {
		out[i] = math.Float64frombits(uint64(x))
	}
	return dst
}
