package block

import "math"

// A candidate is a block codec measured on the real curves; the first is
// the one Encode implements, the others were rejected (see
// docs/format/block.md).
type candidate struct {
	name   string
	encode func(dst []byte, steps []int64, values []float64) []byte
	decode func(src []byte, steps []int64, values []float64) ([]int64, []float64, error)
}

var candidates = []candidate{
	{"chosen", Encode, Decode},
}

// firstDiff returns the first index where the points differ, comparing
// values by their bits, or -1.
func firstDiff(s1 []int64, v1 []float64, s2 []int64, v2 []float64) int {
	if len(s1) != len(s2) || len(v1) != len(v2) {
		return min(len(s1), len(s2), len(v1), len(v2))
	}
	for i := range s1 {
		if s1[i] != s2[i] || math.Float64bits(v1[i]) != math.Float64bits(v2[i]) {
			return i
		}
	}
	return -1
}
