package block

import (
	"encoding/binary"
	"fmt"
	"math"
)

// summaryVersion is the first byte of an encoded summary; see doc.go.
const summaryVersion = 1

// maxBuckets is the most buckets a summary of MaxPoints points holds.
const maxBuckets = (MaxPoints + PyramidSpan - 1) / PyramidSpan

// A summary's flags byte says which statistics follow the pyramid.
const (
	statsFull  = 1 << iota // every field, as appendStats writes them
	firstValue             // First's 8 bytes: not the first bucket's First
	lastValue              // Last's 8 bytes: not the last bucket's Last
)

// AppendSummary appends the compact encoding of a block's statistics and
// pyramid to dst and returns the extended slice. It keeps everything that
// Summarize computes; of a bucket without finite values it keeps only Count,
// MinStep and MaxStep, as Summarize leaves the rest at its zero values
// (Min +Inf, Max -Inf). Statistics that follow from the pyramid, as those
// of Summarize do, cost only their Sum.
func AppendSummary(dst []byte, st Stats, b []Bucket) []byte {
	if len(b) > maxBuckets {
		panic(fmt.Sprintf("block: AppendSummary of %d buckets (at most %d)", len(b), maxBuckets))
	}
	dst = append(dst, summaryVersion)
	dst = binary.AppendUvarint(dst, uint64(len(b)))
	if len(b) == 0 {
		return appendStats(dst, st)
	}

	flags := statsFlags(st, b)
	dst = append(dst, flags)
	s := getScratch()
	defer putScratch(s)
	cols := bucketColumns(b, s)
	for _, c := range cols.ints {
		dst = appendInts(dst, c, s)
	}
	if len(cols.values) > 0 {
		dst = appendValues(dst, cols.values, s)
	}
	return appendStatValues(dst, st, flags)
}

// statsFlags tells what of st the pyramid b does not already say.
func statsFlags(st Stats, b []Bucket) byte {
	derived := deriveStats(b, st.Sum, st.First, st.Last)
	if !sameStats(st, derived) {
		return statsFull
	}
	var flags byte
	if math.Float64bits(st.First) != math.Float64bits(b[0].First) {
		flags |= firstValue
	}
	if math.Float64bits(st.Last) != math.Float64bits(b[len(b)-1].Last) {
		flags |= lastValue
	}
	return flags
}

// deriveStats computes a block's statistics from its pyramid, as Summarize
// does from its points, given what the pyramid lacks.
func deriveStats(b []Bucket, sum, first, last float64) Stats {
	st := Stats{Min: math.Inf(1), Max: math.Inf(-1), Sum: sum, First: first, Last: last}
	st.MinStep, st.MaxStep = b[0].MinStep, b[len(b)-1].MaxStep
	for i := range b {
		x := &b[i]
		st.Count += x.Count
		st.NonFinite += x.Count - x.Finite
		if x.Finite == 0 {
			continue
		}
		if x.Min < st.Min {
			st.Min, st.MinAt = x.Min, x.MinAt
		}
		if x.Max > st.Max {
			st.Max, st.MaxAt = x.Max, x.MaxAt
		}
	}
	return st
}

// sameStats compares statistics with floats by their bits, so NaN equals
// NaN and -0.0 differs from 0.
func sameStats(a, b Stats) bool {
	f := math.Float64bits
	return a.Count == b.Count && a.MinStep == b.MinStep && a.MaxStep == b.MaxStep &&
		a.MinAt == b.MinAt && a.MaxAt == b.MaxAt && a.NonFinite == b.NonFinite &&
		f(a.Min) == f(b.Min) && f(a.Max) == f(b.Max) && f(a.Sum) == f(b.Sum) &&
		f(a.First) == f(b.First) && f(a.Last) == f(b.Last)
}

func appendStatValues(dst []byte, st Stats, flags byte) []byte {
	if flags&statsFull != 0 {
		return appendStats(dst, st)
	}
	dst = binary.LittleEndian.AppendUint64(dst, math.Float64bits(st.Sum))
	if flags&firstValue != 0 {
		dst = binary.LittleEndian.AppendUint64(dst, math.Float64bits(st.First))
	}
	if flags&lastValue != 0 {
		dst = binary.LittleEndian.AppendUint64(dst, math.Float64bits(st.Last))
	}
	return dst
}

func appendStats(dst []byte, st Stats) []byte {
	dst = binary.AppendUvarint(dst, uint64(st.Count))
	dst = binary.AppendVarint(dst, st.MinStep)
	dst = binary.AppendVarint(dst, st.MaxStep-st.MinStep)
	dst = binary.AppendVarint(dst, st.MinAt-st.MinStep)
	dst = binary.AppendVarint(dst, st.MaxAt-st.MinStep)
	dst = binary.AppendUvarint(dst, uint64(st.NonFinite))
	for _, v := range [...]float64{st.Min, st.Max, st.Sum, st.First, st.Last} {
		dst = binary.LittleEndian.AppendUint64(dst, math.Float64bits(v))
	}
	return dst
}

// columns is a pyramid laid out column by column: four integer columns
// over every bucket (Count, MinStep, MaxStep-MinStep, Finite), four over
// the buckets holding finite values (FirstStep-MinStep, MaxStep-LastStep,
// MinAt-MinStep, MaxAt-MinStep), and their values: every First, then every
// Last, every Min, every Max. A Min or Max at the bucket's first or last
// finite step is that point's First or Last, so it is left out.
type columns struct {
	ints   [8][]int64
	values []float64
}

// bucketColumns lays the pyramid out in scratch memory, valid until the
// next bucketColumns with the same scratch.
func bucketColumns(b []Bucket, s *scratch) columns {
	var c columns
	cols := s.columnInts(8 * len(b))
	for k := range c.ints {
		c.ints[k] = cols[k*len(b) : k*len(b) : (k+1)*len(b)]
	}
	for _, x := range b {
		c.ints[0] = append(c.ints[0], int64(x.Count))
		c.ints[1] = append(c.ints[1], x.MinStep)
		c.ints[2] = append(c.ints[2], x.MaxStep-x.MinStep)
		c.ints[3] = append(c.ints[3], int64(x.Finite))
		if x.Finite == 0 {
			continue
		}
		c.ints[4] = append(c.ints[4], x.FirstStep-x.MinStep)
		c.ints[5] = append(c.ints[5], x.MaxStep-x.LastStep)
		c.ints[6] = append(c.ints[6], x.MinAt-x.MinStep)
		c.ints[7] = append(c.ints[7], x.MaxAt-x.MinStep)
	}
	c.values = s.floats(4 * len(c.ints[4]))[:0]
	for i := range b {
		if x := &b[i]; x.Finite > 0 {
			c.values = append(c.values, x.First)
		}
	}
	for i := range b {
		if x := &b[i]; x.Finite > 0 {
			c.values = append(c.values, x.Last)
		}
	}
	for i := range b {
		if x := &b[i]; x.Finite > 0 && !x.atEnd(x.MinAt) {
			c.values = append(c.values, x.Min)
		}
	}
	for i := range b {
		if x := &b[i]; x.Finite > 0 && !x.atEnd(x.MaxAt) {
			c.values = append(c.values, x.Max)
		}
	}
	return c
}

// atEnd tells whether step at is the bucket's first or last finite step,
// where a Min or Max equals First or Last.
func (x *Bucket) atEnd(at int64) bool { return at == x.FirstStep || at == x.LastStep }
