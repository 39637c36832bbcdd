package block

import (
	"encoding/binary"
	"math"
	"math/bits"
)

// A value column starts with a mode byte:
//
//	modeDecimal  values that are short decimals (decimal.go)
//	modeFloat    values as their bits, split by trailing zeros (floats.go)
//
// Exceptions are values the decimal mode cannot hold (NaN, infinities,
// -0.0, too many decimals): a uvarint count, then per exception the uvarint
// gap to the previous exception's index (the first from 0) and its 8
// bytes, little endian.
const (
	modeDecimal = 1
	modeFloat   = 2
)

// shortDecimals is the largest exponent at which the decimal mode is
// taken without trying the float mode: beyond it the integers approach the
// 53 bits of a float's mantissa.
const shortDecimals = 8

// appendValues appends the value column in the decimal mode, or in the
// float mode when the decimals are long or many values are exceptions and
// that comes out smaller (the decimal mode on a tie).
//
// When both modes compete, the float mode is encoded first: its size lets
// the decimal mode be skipped without compressing its integers whenever its
// exceptions alone already take more bytes. That is exact, so the choice
// and the bytes are those of encoding both; on float64 noise (the
// detectron2 means) it saves the costlier of the two encodings.
func appendValues(dst []byte, values []float64, s *scratch) []byte {
	e, exceptions := chooseExponent(values)
	if e <= shortDecimals && exceptions*4 <= len(values) {
		return appendDecimal(dst, values, e, s)
	}
	alt := appendFloats(s.alt[:0], values, s)
	s.alt = alt
	k, exc := decimalInts(values, e, s)
	if minDecimalSize(exc) > len(alt) {
		return append(dst, alt...)
	}
	start := len(dst)
	dst = appendDecimalInts(dst, values, e, k, exc, s)
	if len(alt) < len(dst)-start {
		dst = append(dst[:start], alt...)
	}
	return dst
}

// readValues decodes a value column of n values and appends it to dst.
func readValues(r *reader, dst []float64, n int, s *scratch) []float64 {
	return readValuesRange(r, dst, n, 0, n, s)
}

// readValuesRange decodes a value column of n values and appends its
// values lo to hi-1 to dst.
func readValuesRange(r *reader, dst []float64, n, lo, hi int, s *scratch) []float64 {
	switch r.byte("value mode") {
	case modeDecimal:
		return readDecimalRange(r, dst, n, lo, hi, s)
	case modeFloat:
		return readFloatsRange(r, dst, n, lo, hi, s)
	}
	r.fail("value mode")
	return dst
}

// exceptionsSize is the number of bytes appendExceptions appends.
func exceptionsSize(exc []int) int {
	size := uvarintSize(uint64(len(exc)))
	prev := 0
	for _, i := range exc {
		size += uvarintSize(uint64(i-prev)) + 8
		prev = i
	}
	return size
}

func uvarintSize(x uint64) int { return (bits.Len64(x|1) + 6) / 7 }

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
		if (j > 0 && gap == 0) || index+gap >= n {
			r.fail("exception index")
			break
		}
		index += gap
		exc = append(exc, exception{index, r.uint64("exception value")})
	}
	s.readExc = exc
	return exc
}
