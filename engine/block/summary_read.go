package block

import (
	"fmt"
	"math"
)

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
	r.end()
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
	cols := s.columnInts(8 * m)
	for k := 0; k < 4; k++ {
		c.ints[k] = readInts(r, cols[k*m:k*m:(k+1)*m], m, s)
	}
	f := 0
	for _, x := range c.ints[3] {
		if x > 0 {
			f++
		}
	}
	for k := 4; k < 8; k++ {
		c.ints[k] = readInts(r, cols[k*m:k*m:k*m+f], f, s)
	}
	if r.err != nil {
		return nil
	}
	b, n, mins := c.buckets(m)
	if n > 0 {
		c.values = readValues(r, s.floats(n)[:0], n, s)
	}
	if r.err != nil {
		return nil
	}
	setValues(b, c.values, f, mins)
	return b
}

// buckets builds the pyramid without its values and counts the values it
// needs, and of them the Mins that are not at an end of their bucket.
func (c columns) buckets(m int) (b []Bucket, n, mins int) {
	b = make([]Bucket, m)
	count, minStep, span, finite := c.ints[0][:m], c.ints[1][:m], c.ints[2][:m], c.ints[3][:m]
	first, last, minAt, maxAt := c.ints[4], c.ints[5], c.ints[6], c.ints[7]
	j := 0
	for i := range b {
		x := &b[i]
		x.Count, x.MinStep = int(count[i]), minStep[i]
		x.MaxStep = x.MinStep + span[i]
		x.Finite = int(finite[i])
		x.Min, x.Max = math.Inf(1), math.Inf(-1)
		if x.Finite <= 0 {
			continue
		}
		x.FirstStep = x.MinStep + first[j]
		x.LastStep = x.MaxStep - last[j]
		x.MinAt = x.MinStep + minAt[j]
		x.MaxAt = x.MinStep + maxAt[j]
		j++
		n += 2
		if !x.atEnd(x.MinAt) {
			n++
			mins++
		}
		if !x.atEnd(x.MaxAt) {
			n++
		}
	}
	return b, n, mins
}

// setValues fills in the values of the f buckets holding finite values,
// laid out as bucketColumns does: every First, every Last, the Mins not at
// an end (mins of them), then the Maxes not at an end.
func setValues(b []Bucket, v []float64, f, mins int) {
	firsts, lasts := v[:f], v[f:2*f]
	minRest, maxRest := v[2*f:2*f+mins], v[2*f+mins:]
	j, jMin, jMax := 0, 0, 0
	for i := range b {
		x := &b[i]
		if x.Finite <= 0 {
			continue
		}
		x.First, x.Last = firsts[j], lasts[j]
		j++
		x.Min, jMin = x.extreme(x.MinAt, minRest, jMin)
		x.Max, jMax = x.extreme(x.MaxAt, maxRest, jMax)
	}
}

// extreme returns the value of the Min or Max at step at: First or Last
// when at is an end, else rest[j], and the index of the next of rest.
func (x *Bucket) extreme(at int64, rest []float64, j int) (float64, int) {
	switch at {
	case x.FirstStep:
		return x.First, j
	case x.LastStep:
		return x.Last, j
	}
	return rest[j], j + 1
}

// checkSummary reports counts that contradict each other.
func checkSummary(st Stats, b []Bucket) error {
	total, finite := 0, 0
	for i := range b {
		x := &b[i]
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
