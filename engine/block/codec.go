package block

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// ErrCorrupt marks bytes that do not decode as a block.
var ErrCorrupt = errors.New("corrupt block")

// TODO: placeholder raw layout (version, count, then 16 bytes a point) until
// the measured codec replaces it.

// Encode appends the encoded points to dst and returns the extended slice.
// Steps must be strictly increasing.
func Encode(dst []byte, steps []int64, values []float64) []byte {
	dst = append(dst, 0)
	dst = binary.AppendUvarint(dst, uint64(len(steps)))
	for i := range steps {
		dst = binary.LittleEndian.AppendUint64(dst, uint64(steps[i]))
		dst = binary.LittleEndian.AppendUint64(dst, math.Float64bits(values[i]))
	}
	return dst
}

// Decode appends the points of src to steps and values.
func Decode(src []byte, steps []int64, values []float64) ([]int64, []float64, error) {
	if len(src) < 1 || src[0] != 0 {
		return steps, values, fmt.Errorf("decode block header: %w", ErrCorrupt)
	}
	n, k := binary.Uvarint(src[1:])
	if k <= 0 || uint64(len(src)-1-k) != n*16 {
		return steps, values, fmt.Errorf("decode block length: %w", ErrCorrupt)
	}
	p := src[1+k:]
	for i := uint64(0); i < n; i++ {
		steps = append(steps, int64(binary.LittleEndian.Uint64(p[16*i:])))
		values = append(values, math.Float64frombits(binary.LittleEndian.Uint64(p[16*i+8:])))
	}
	return steps, values, nil
}
