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

// AppendSummary appends the compact encoding of a block's statistics and
// pyramid to dst and returns the extended slice. It keeps everything that
// Summarize computes; of a bucket without finite values it keeps only Count,
// MinStep and MaxStep, as Summarize leaves the rest at its zero values
// (Min +Inf, Max -Inf).
func AppendSummary(dst []byte, st Stats, b []Bucket) []byte {
	if len(b) > maxBuckets {
		panic(fmt.Sprintf("block: AppendSummary of %d buckets (at most %d)", len(b), maxBuckets))
	}
	dst = append(dst, summaryVersion)
	dst = appendStats(dst, st)
	dst = binary.AppendUvarint(dst, uint64(len(b)))
	if len(b) == 0 {
		return dst
	}

	s := getScratch()
	defer putScratch(s)
	cols := bucketColumns(b)
	for _, c := range cols.ints {
		dst = appendInts(dst, c, s)
	}
	if len(cols.values) == 0 {
		return dst
	}
	return appendValues(dst, cols.values, s)
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
// Last, every Min, every Max.
type columns struct {
	ints   [8][]int64
	values []float64
}

func bucketColumns(b []Bucket) columns {
	var c columns
	for k := range c.ints {
		c.ints[k] = make([]int64, 0, len(b))
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
	f := len(c.ints[4])
	c.values = make([]float64, 0, 4*f)
	for k := 0; k < 4; k++ {
		for _, x := range b {
			if x.Finite > 0 {
				c.values = append(c.values, [4]float64{x.First, x.Last, x.Min, x.Max}[k])
			}
		}
	}
	return c
}

// DecodeSummary decodes what AppendSummary wrote. Corrupt input yields an
// error wrapping ErrCorrupt.
func DecodeSummary(src []byte) (Stats, []Bucket, error) {
	r := reader{b: src}
	if v := r.byte("summary version"); r.err == nil && v != summaryVersion {
		r.fail(fmt.Sprintf("summary version %d", v))
	}
	st := readStats(&r)
	m := r.count("bucket count", maxBuckets)
	var b []Bucket
	if r.err == nil && m > 0 {
		b = readBuckets(&r, m)
	}
	if r.err == nil && len(r.b) > 0 {
		r.fail("trailing bytes")
	}
	if r.err == nil {
		r.err = checkSummary(st, b)
	}
	if r.err != nil {
		return Stats{}, nil, fmt.Errorf("decode summary: %w", r.err)
	}
	return st, b, nil
}

func readStats(r *reader) Stats {
	st := Stats{Count: r.count("stats count", MaxPoints)}
	st.MinStep = r.varint("stats min step")
	st.MaxStep = st.MinStep + r.varint("stats max step")
	st.MinAt = st.MinStep + r.varint("stats min at")
	st.MaxAt = st.MinStep + r.varint("stats max at")
	st.NonFinite = r.count("stats non-finite", MaxPoints)
	for _, f := range [...]*float64{&st.Min, &st.Max, &st.Sum, &st.First, &st.Last} {
		*f = math.Float64frombits(r.uint64("stats value"))
	}
	return st
}

func readBuckets(r *reader, m int) []Bucket {
	s := getScratch()
	defer putScratch(s)
	var c columns
	for k := 0; k < 4; k++ {
		c.ints[k] = readInts(r, make([]int64, 0, m), m, s)
	}
	f := 0
	for _, x := range c.ints[3] {
		if x > 0 {
			f++
		}
	}
	for k := 4; k < 8; k++ {
		c.ints[k] = readInts(r, make([]int64, 0, f), f, s)
	}
	if f > 0 {
		c.values = readValues(r, make([]float64, 0, 4*f), 4*f, s)
	}
	if r.err != nil {
		return nil
	}
	return c.buckets(m, f)
}

func (c columns) buckets(m, f int) []Bucket {
	b := make([]Bucket, m)
	j := 0
	for i := range b {
		x := &b[i]
		x.Count, x.MinStep = int(c.ints[0][i]), c.ints[1][i]
		x.MaxStep = x.MinStep + c.ints[2][i]
		x.Finite = int(c.ints[3][i])
		x.Min, x.Max = math.Inf(1), math.Inf(-1)
		if x.Finite <= 0 {
			continue
		}
		x.FirstStep = x.MinStep + c.ints[4][j]
		x.LastStep = x.MaxStep - c.ints[5][j]
		x.MinAt = x.MinStep + c.ints[6][j]
		x.MaxAt = x.MinStep + c.ints[7][j]
		v := c.values
		x.First, x.Last, x.Min, x.Max = v[j], v[f+j], v[2*f+j], v[3*f+j]
		j++
	}
	return b
}

// checkSummary reports counts that contradict each other.
func checkSummary(st Stats, b []Bucket) error {
	total, finite := 0, 0
	for _, x := range b {
		if x.Count < 1 || x.Count > PyramidSpan || x.Finite < 0 || x.Finite > x.Count {
			return fmt.Errorf("bucket count %d finite %d: %w", x.Count, x.Finite, ErrCorrupt)
		}
		total += x.Count
		finite += x.Finite
	}
	if len(b) > 0 && (total != st.Count || st.Count-finite != st.NonFinite) {
		return fmt.Errorf("stats count %d, buckets %d: %w", st.Count, total, ErrCorrupt)
	}
	return nil
}
