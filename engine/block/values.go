package block

import (
	"encoding/binary"
	"math"
)

// The value column starts with a mode byte:
//
//	modeDecimal: byte e, exceptions, integer column of k, where every value
//	             that is not an exception equals float64(k) / 10^e exactly
//	modeFloat32: exceptions, integer column of the float32 bits of every
//	             value that is not an exception
//	modeFloat64: integer column of the float64 bits of every value
//
// Exceptions are values the mode cannot hold (NaN, infinities, -0.0, too
// many decimals): a uvarint count, then per exception the uvarint gap to
// the previous exception's index (the first from 0) and its 8 bytes, little
// endian. An exception's slot in the integer column repeats the previous
// integer, so it costs almost nothing there.
const (
	modeDecimal = 1
	modeFloat32 = 2
	modeFloat64 = 3
)

// appendValues appends the value column, in the mode that comes out
// smallest among the ones that suit the values.
func appendValues(dst []byte, values []float64, s *scratch) []byte {
	e, exceptions := chooseExponent(values)
	start := len(dst)
	dst = appendDecimal(dst, values, e, s)
	if exceptions*4 <= len(values) {
		return dst
	}
	alt := appendFloats(s.alt[:0], values, s)
	s.alt = alt
	if len(alt) < len(dst)-start {
		dst = append(dst[:start], alt...)
	}
	return dst
}

func appendDecimal(dst []byte, values []float64, e int, s *scratch) []byte {
	dst = append(dst, modeDecimal, byte(e))
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
	dst = appendExceptions(dst, values, exc)
	return appendInts(dst, k, s)
}

// appendFloats appends the float32 mode when most values are float32s
// widened to float64, else the float64 mode.
func appendFloats(dst []byte, values []float64, s *scratch) []byte {
	k := s.valueInts(len(values))
	exc := s.exceptions[:0]
	var prev int64
	for i, v := range values {
		f := float32(v)
		if math.Float64bits(float64(f)) != math.Float64bits(v) {
			exc = append(exc, i)
			k[i] = prev
			continue
		}
		k[i] = int64(math.Float32bits(f))
		prev = k[i]
	}
	s.exceptions = exc
	if len(exc)*4 <= len(values) {
		dst = append(dst, modeFloat32)
		dst = appendExceptions(dst, values, exc)
		return appendInts(dst, k, s)
	}
	for i, v := range values {
		k[i] = int64(math.Float64bits(v))
	}
	dst = append(dst, modeFloat64)
	return appendInts(dst, k, s)
}

func appendExceptions(dst []byte, values []float64, exc []int) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(exc)))
	prev := 0
	for _, i := range exc {
		dst = binary.AppendUvarint(dst, uint64(i-prev))
		dst = binary.LittleEndian.AppendUint64(dst, math.Float64bits(values[i]))
		prev = i
	}
	return dst
}

// readValues decodes a value column of n values and appends it to dst.
func readValues(r *reader, dst []float64, n int, s *scratch) []float64 {
	mode := r.byte("value mode")
	if mode < modeDecimal || mode > modeFloat64 {
		r.fail("value mode")
		return dst
	}
	e := 0
	if mode == modeDecimal {
		e = int(r.byte("decimal exponent"))
		if e > maxExponent {
			r.fail("decimal exponent")
		}
	}
	var exc []exception
	if mode == modeDecimal || mode == modeFloat32 {
		exc = readExceptions(r, n, s)
	}
	k := readInts(r, s.valueInts(n)[:0], n, s)
	if r.err != nil {
		return dst
	}

	start := len(dst)
	switch mode {
	case modeDecimal:
		div := pow10[e]
		for _, x := range k {
			dst = append(dst, float64(x)/div)
		}
	case modeFloat32:
		for _, x := range k {
			dst = append(dst, float64(math.Float32frombits(uint32(x))))
		}
	default:
		for _, x := range k {
			dst = append(dst, math.Float64frombits(uint64(x)))
		}
	}
	for _, x := range exc {
		dst[start+x.index] = math.Float64frombits(x.bits)
	}
	return dst
}

type exception struct {
	index int
	bits  uint64
}

func readExceptions(r *reader, n int, s *scratch) []exception {
	m := r.count("exception count", n)
	exc := s.readExc[:0]
	index := 0
	for j := 0; j < m && r.err == nil; j++ {
		gap := r.count("exception index", n)
		if j > 0 && gap == 0 || index+gap >= n {
			r.fail("exception index")
			break
		}
		index += gap
		exc = append(exc, exception{index, r.uint64("exception value")})
	}
	s.readExc = exc
	return exc
}
