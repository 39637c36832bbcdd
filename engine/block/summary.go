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
	cols := bucketColumns(b)
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
	for _, x := range b {
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
	c.values = make([]float64, 0, 4*len(c.ints[4]))
	for _, pick := range bucketValues {
		for i := range b {
			if v, ok := pick(&b[i]); ok && b[i].Finite > 0 {
				c.values = append(c.values, v)
			}
		}
	}
	return c
}

// bucketValues pick the values of a bucket that a summary stores, in order.
var bucketValues = [...]func(x *Bucket) (float64, bool){
	func(x *Bucket) (float64, bool) { return x.First, true },
	func(x *Bucket) (float64, bool) { return x.Last, true },
	func(x *Bucket) (float64, bool) { return x.Min, !x.atEnd(x.MinAt) },
	func(x *Bucket) (float64, bool) { return x.Max, !x.atEnd(x.MaxAt) },
}

// atEnd tells whether step at is the bucket's first or last finite step,
// where a Min or Max equals First or Last.
func (x *Bucket) atEnd(at int64) bool { return at == x.FirstStep || at == x.LastStep }

// DecodeSummary decodes what AppendSummary wrote. Corrupt input yields an
// error wrapping ErrCorrupt.
func DecodeSummary(src []byte) (Stats, []Bucket, error) {
	r := reader{b: src}
	if v := r.byte("summary version"); r.err == nil && v != summaryVersion {
		r.fail(fmt.Sprintf("summary version %d", v))
	}
	var st Stats
	var b []Bucket
	if m := r.count("bucket count", maxBuckets); m == 0 {
		st = readStats(&r)
	} else {
		flags := r.byte("summary flags")
		b = readBuckets(&r, m)
		st = readStatValues(&r, flags, b)
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

func readStatValues(r *reader, flags byte, b []Bucket) Stats {
	if flags > statsFull|firstValue|lastValue {
		r.fail("summary flags")
	}
	if r.err != nil || flags&statsFull != 0 {
		return readStats(r)
	}
	sum := math.Float64frombits(r.uint64("stats sum"))
	first, last := b[0].First, b[len(b)-1].Last
	if flags&firstValue != 0 {
		first = math.Float64frombits(r.uint64("stats first"))
	}
	if flags&lastValue != 0 {
		last = math.Float64frombits(r.uint64("stats last"))
	}
	return deriveStats(b, sum, first, last)
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
	if r.err != nil {
		return nil
	}
	b, n := c.buckets(m)
	if n > 0 {
		c.values = readValues(r, make([]float64, 0, n), n, s)
	}
	if r.err != nil {
		return nil
	}
	setValues(b, c.values, f)
	return b
}

// buckets builds the pyramid without its values and counts the values it
// needs.
func (c columns) buckets(m int) ([]Bucket, int) {
	b := make([]Bucket, m)
	j, n := 0, 0
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
		j++
		n += 2
		if !x.atEnd(x.MinAt) {
			n++
		}
		if !x.atEnd(x.MaxAt) {
			n++
		}
	}
	return b, n
}

// setValues fills in the values of the f buckets holding finite values,
// laid out as bucketColumns does.
func setValues(b []Bucket, v []float64, f int) {
	firsts, lasts, rest := v[:f], v[f:2*f], v[2*f:]
	for i := range b {
		if x := &b[i]; x.Finite > 0 {
			x.First, x.Last = firsts[0], lasts[0]
			firsts, lasts = firsts[1:], lasts[1:]
		}
	}
	for i := range b {
		if x := &b[i]; x.Finite > 0 {
			x.Min, rest = x.extreme(x.MinAt, rest)
		}
	}
	for i := range b {
		if x := &b[i]; x.Finite > 0 {
			x.Max, rest = x.extreme(x.MaxAt, rest)
		}
	}
}

// extreme returns the value of the Min or Max at step at: First or Last
// when at is an end, else the next of rest.
func (x *Bucket) extreme(at int64, rest []float64) (float64, []float64) {
	switch at {
	case x.FirstStep:
		return x.First, rest
	case x.LastStep:
		return x.Last, rest
	}
	return rest[0], rest[1:]
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
