package block

import "math"

// PyramidSpan is the number of consecutive points one Bucket summarises.
const PyramidSpan = 64

// Stats describe a whole block. Min, Max, Sum, First and Last are over
// finite values only; NonFinite counts NaN and infinities.
type Stats struct {
	Count     int
	MinStep   int64
	MaxStep   int64
	Min       float64 // smallest finite value; +Inf when none
	MinAt     int64   // smallest step holding Min
	Max       float64 // largest finite value; -Inf when none
	MaxAt     int64   // smallest step holding Max
	Sum       float64
	First     float64 // value at MinStep, finite or not
	Last      float64 // value at MaxStep, finite or not
	NonFinite int
}

// Bucket summarises PyramidSpan consecutive points of a block (the last
// bucket may hold fewer), so that a reader can draw a pixel column that spans
// whole buckets without decoding points. Min and Max skip non-finite values;
// FirstFinite and LastFinite are the bucket's first and last finite points.
type Bucket struct {
	Count     int
	MinStep   int64
	MaxStep   int64
	Finite    int // finite values in the bucket
	FirstStep int64
	First     float64
	LastStep  int64
	Last      float64
	MinAt     int64
	Min       float64
	MaxAt     int64
	Max       float64
}

// Summarize computes a block's statistics and pyramid from its points,
// given in strictly increasing step.
func Summarize(steps []int64, values []float64) (Stats, []Bucket) {
	s := Stats{Count: len(steps), Min: math.Inf(1), Max: math.Inf(-1)}
	if len(steps) == 0 {
		return s, nil
	}
	s.MinStep, s.MaxStep = steps[0], steps[len(steps)-1]
	s.First, s.Last = values[0], values[len(values)-1]
	buckets := make([]Bucket, 0, (len(steps)+PyramidSpan-1)/PyramidSpan)
	for lo := 0; lo < len(steps); lo += PyramidSpan {
		hi := min(lo+PyramidSpan, len(steps))
		b := summarizeBucket(steps[lo:hi], values[lo:hi])
		buckets = append(buckets, b)
		s.NonFinite += b.Count - b.Finite
		if b.Finite == 0 {
			continue
		}
		if b.Min < s.Min {
			s.Min, s.MinAt = b.Min, b.MinAt
		}
		if b.Max > s.Max {
			s.Max, s.MaxAt = b.Max, b.MaxAt
		}
	}
	for _, v := range values {
		if isFinite(v) {
			s.Sum += v
		}
	}
	return s, buckets
}

func summarizeBucket(steps []int64, values []float64) Bucket {
	b := Bucket{
		Count:   len(steps),
		MinStep: steps[0],
		MaxStep: steps[len(steps)-1],
		Min:     math.Inf(1),
		Max:     math.Inf(-1),
	}
	for i, v := range values {
		if !isFinite(v) {
			continue
		}
		if b.Finite == 0 {
			b.FirstStep, b.First = steps[i], v
		}
		b.Finite++
		b.LastStep, b.Last = steps[i], v
		if v < b.Min {
			b.Min, b.MinAt = v, steps[i]
		}
		if v > b.Max {
			b.Max, b.MaxAt = v, steps[i]
		}
	}
	return b
}

// isFinite tells whether v is neither NaN nor infinite: only then is v-v 0.
func isFinite(v float64) bool { return v-v == 0 }
