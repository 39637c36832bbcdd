package block

// CutGroup is the number of points of a bucket between two positions where
// Cuts knows the extremes of the prefix and the suffix.
const CutGroup = 8

// cutGroups is the number of groups of a full bucket.
const cutGroups = PyramidSpan / CutGroup

// Cuts locates the first smallest and the first largest value of the
// prefixes and suffixes of one bucket's values that begin or end at a
// multiple of CutGroup points. A reader that cuts a bucket in two at any
// point (a pixel column's edge) finds the extremes of each side with one
// lookup and a scan of fewer than CutGroup values, where it would scan up
// to PyramidSpan. Positions are within the bucket; they mean nothing for a
// bucket holding a non-finite value.
//
// A position per point for every prefix and suffix (4 bytes a point) would
// spare the short scan, but the values it sits beside in the block cache
// take 8 bytes a point, and the scan reads the cache line that the points
// beside the cut occupy anyway; Cuts takes half a byte a point.
type Cuts struct {
	// PreMin[q] and PreMax[q] are of values [0, q*CutGroup), for q >= 1
	// and q*CutGroup at most the bucket's count; PreMin[0] and PreMax[0]
	// are unused.
	PreMin, PreMax [cutGroups]uint8
	// SufMin[r] and SufMax[r] are of values [r*CutGroup, count), for
	// r*CutGroup below the bucket's count.
	SufMin, SufMax [cutGroups]uint8
}

// AppendCuts appends the Cuts of each bucket of a block's values (every
// PyramidSpan values, the last maybe fewer) to dst and returns the
// extended slice.
func AppendCuts(dst []Cuts, values []float64) []Cuts {
	for lo := 0; lo < len(values); lo += PyramidSpan {
		var c Cuts
		c.fill(values[lo:min(lo+PyramidSpan, len(values))])
		dst = append(dst, c)
	}
	return dst
}

// fill computes the Cuts of one bucket's values. Ties go to the smallest
// position: a prefix takes a later value only when strictly beyond, a
// suffix walked backwards takes an earlier one when equal.
func (c *Cuts) fill(v []float64) {
	lo, hi := 0, 0
	for i := range v {
		if i > 0 && i%CutGroup == 0 {
			c.PreMin[i/CutGroup], c.PreMax[i/CutGroup] = uint8(lo), uint8(hi)
		}
		if v[i] < v[lo] {
			lo = i
		}
		if v[i] > v[hi] {
			hi = i
		}
	}
	if n := len(v); n%CutGroup == 0 && n < PyramidSpan {
		c.PreMin[n/CutGroup], c.PreMax[n/CutGroup] = uint8(lo), uint8(hi)
	}
	lo, hi = len(v)-1, len(v)-1
	for i := len(v) - 1; i >= 0; i-- {
		if v[i] <= v[lo] {
			lo = i
		}
		if v[i] >= v[hi] {
			hi = i
		}
		if i%CutGroup == 0 {
			c.SufMin[i/CutGroup], c.SufMax[i/CutGroup] = uint8(lo), uint8(hi)
		}
	}
}

// Prefix returns the positions of the first smallest and the first largest
// of v[:k], where v are the values of the bucket c describes, all finite,
// and 0 < k <= len(v).
func (c *Cuts) Prefix(v []float64, k int) (lo, hi int) {
	q := min(k/CutGroup, cutGroups-1)
	i := q * CutGroup
	if q > 0 {
		lo, hi = int(c.PreMin[q]), int(c.PreMax[q])
	} else {
		i = 1
	}
	for ; i < k; i++ {
		if v[i] < v[lo] {
			lo = i
		}
		if v[i] > v[hi] {
			hi = i
		}
	}
	return lo, hi
}

// Suffix returns the positions of the first smallest and the first largest
// of v[k:], where v are the values of the bucket c describes, all finite,
// and 0 <= k < len(v).
func (c *Cuts) Suffix(v []float64, k int) (lo, hi int) {
	r := (k + CutGroup - 1) / CutGroup
	end := len(v)
	if r*CutGroup < len(v) {
		end = r * CutGroup
	}
	if k == end {
		return int(c.SufMin[r]), int(c.SufMax[r])
	}
	lo, hi = k, k
	for i := k + 1; i < end; i++ {
		if v[i] < v[lo] {
			lo = i
		}
		if v[i] > v[hi] {
			hi = i
		}
	}
	if end < len(v) {
		// The suffix's extremes lie after the scanned ones: they win
		// only when strictly beyond.
		if s := int(c.SufMin[r]); v[s] < v[lo] {
			lo = s
		}
		if s := int(c.SufMax[r]); v[s] > v[hi] {
			hi = s
		}
	}
	return lo, hi
}
