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
// the slices as they were given.
func Decode(src []byte, steps []int64, values []float64) ([]int64, []float64, error) {
	r := reader{b: src}
	if v := r.byte("version"); r.err == nil && v != version {
		r.fail(fmt.Sprintf("version %d", v))
	}
	n := r.count("point count", MaxPoints)
	if n == 0 {
		r.end()
		return steps, values, decodeErr(r.err)
	}

	s := getScratch()
	defer putScratch(s)
	steps0, values0 := len(steps), len(values)
	steps = readInts(&r, steps, n, s)
	values = readValues(&r, values, n, s)
	r.end()
	if r.err != nil {
		return steps[:steps0], values[:values0], decodeErr(r.err)
	}
	return steps, values, nil
}

func decodeErr(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("decode block: %w", err)
}
