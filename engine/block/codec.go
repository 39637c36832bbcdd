package block

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// ErrCorrupt marks bytes that do not decode as a block or a summary.
var ErrCorrupt = errors.New("corrupt block")

// MaxPoints is the most points a block may hold. Decode refuses larger
// counts, so a forged count cannot make it allocate more than a few MB.
const MaxPoints = 1 << 17

// version is the first byte of every block; see doc.go for the layout.
const version = 1

// Encode appends the encoded points to dst and returns the extended slice.
// Steps should be strictly increasing (Summarize relies on it); the codec
// itself round-trips any steps and any float64 bits. Encode panics when the
// slices differ in length or hold more than MaxPoints points.
func Encode(dst []byte, steps []int64, values []float64) []byte {
	if len(steps) != len(values) || len(steps) > MaxPoints {
		panic(fmt.Sprintf("block: Encode of %d steps and %d values (at most %d)",
			len(steps), len(values), MaxPoints))
	}
	dst = append(dst, version)
	dst = binary.AppendUvarint(dst, uint64(len(steps)))
	if len(steps) == 0 {
		return dst
	}

	s := getScratch()
	defer putScratch(s)
	dst = appendInts(dst, steps, s)
	return appendValues(dst, values, s)
}

// Decode appends the points of src to steps and values and returns the
// extended slices. Corrupt input yields an error wrapping ErrCorrupt and
// the slices as they were given. Decode allocates only when steps or
// values lack the capacity for the points.
func Decode(src []byte, steps []int64, values []float64) ([]int64, []float64, error) {
	return DecodeRange(src, 0, MaxPoints, steps, values)
}

// DecodeRange is Decode of the points lo to hi-1 only, the range clipped to
// the block's points [0, n): it appends points max(lo, 0) to min(hi, n)-1,
// nothing when the range is empty. It checks the whole block as Decode
// does and gives the same bits, but spends less: the zstd planes are
// inflated whole, yet the values are assembled only up to hi (from lo for a
// column of order 0 or 1 or with evenly spaced differences), and divided
// or converted to floats only from lo. A bucket of the summary pyramid
// holds points PyramidSpan*i to PyramidSpan*i+Count-1.
func DecodeRange(src []byte, lo, hi int, steps []int64,
	values []float64) ([]int64, []float64, error) {
	r := reader{b: src}
	if v := r.byte("version"); r.err == nil && v != version {
		r.fail(fmt.Sprintf("version %d", v))
	}
	n := r.count("point count", MaxPoints)
	if n == 0 {
		r.end()
		return steps, values, decodeErr(r.err)
	}
	hi = max(min(hi, n), 0)
	lo = min(max(lo, 0), hi)

	s := getScratch()
	defer putScratch(s)
	steps0, values0 := len(steps), len(values)
	steps = readIntsRange(&r, steps, n, lo, hi, s)
	values = readValuesRange(&r, values, n, lo, hi, s)
	r.end()
	if r.err != nil {
		return steps[:steps0], values[:values0], decodeErr(r.err)
	}
	return steps, values, nil
}

// PointCount returns the number of points of an encoded block from its
// header, without decoding it; the rest of the block is not checked.
func PointCount(src []byte) (int, error) {
	r := reader{b: src}
	if v := r.byte("version"); r.err == nil && v != version {
		r.fail(fmt.Sprintf("version %d", v))
	}
	n := r.count("point count", MaxPoints)
	return n, decodeErr(r.err)
}

func decodeErr(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("decode block: %w", err)
}
