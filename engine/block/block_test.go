package block

import (
	"math"
	"testing"
)

func TestSummarize(t *testing.T) {
	inf := math.Inf(1)
	tests := []struct {
		name   string
		p      points
		want   Stats
		finite []int // Finite of each bucket
	}{
		{"empty", points{}, Stats{Min: inf, Max: -inf}, nil},
		{"extremes at their first step", points{
			[]int64{10, 20, 30, 40, 50},
			[]float64{nan, 2, -1, 2, -1},
		}, Stats{Count: 5, MinStep: 10, MaxStep: 50, Min: -1, MinAt: 30, Max: 2, MaxAt: 20,
			Sum: 2, First: nan, Last: -1, NonFinite: 1}, []int{4}},
		{"infinities skipped", points{
			[]int64{1, 2, 3},
			[]float64{inf, 0.5, -inf},
		}, Stats{Count: 3, MinStep: 1, MaxStep: 3, Min: 0.5, MinAt: 2, Max: 0.5, MaxAt: 2,
			Sum: 0.5, First: inf, Last: -inf, NonFinite: 2}, []int{1}},
		{"two buckets", ramp(PyramidSpan+1, func(i int) float64 { return float64(i) }),
			Stats{Count: PyramidSpan + 1, MinStep: 0, MaxStep: 10 * PyramidSpan, Min: 0,
				MinAt: 0, Max: PyramidSpan, MaxAt: 10 * PyramidSpan,
				Sum: PyramidSpan * (PyramidSpan + 1) / 2, First: 0, Last: PyramidSpan},
			[]int{PyramidSpan, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, b := Summarize(tt.p.steps, tt.p.values)
			if !sameStats(st, tt.want) {
				t.Errorf("Summarize(%v) stats = %+v, want %+v", tt.p, st, tt.want)
			}
			if len(b) != len(tt.finite) {
				t.Fatalf("Summarize(%v) = %d buckets, want %d", tt.p, len(b), len(tt.finite))
			}
			for i, x := range b {
				if x.Finite != tt.finite[i] {
					t.Errorf("Summarize(%v) bucket %d Finite = %d, want %d",
						tt.p, i, x.Finite, tt.finite[i])
				}
			}
		})
	}
}
