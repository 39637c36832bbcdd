package engine

import (
	"encoding/binary"
	"math"

	"github.com/sextant-ml/sextant/engine/block"
)

// Decoded summaries are cached beside decoded blocks, under the block's
// hash and a 's', in a fixed layout that costs a copy to read back:
// block.DecodeSummary unpacks a compact encoding and takes tens of
// microseconds a block, which a chart over a long series pays per block.

const (
	rawStatsLen  = 11 * 8
	rawBucketLen = 12 * 8
)

func summaryCacheKey(hash uint64) []byte {
	return binary.LittleEndian.AppendUint64([]byte{'s'}, hash)
}

// appendRawSummary appends every field of st and pyr, in declaration order,
// as 8 bytes little-endian each.
func appendRawSummary(dst []byte, st block.Stats, pyr []block.Bucket) []byte {
	dst = appendWords(dst, uint64(st.Count), uint64(st.MinStep), uint64(st.MaxStep),
		math.Float64bits(st.Min), uint64(st.MinAt), math.Float64bits(st.Max),
		uint64(st.MaxAt), math.Float64bits(st.Sum), math.Float64bits(st.First),
		math.Float64bits(st.Last), uint64(st.NonFinite))
	for _, b := range pyr {
		dst = appendWords(dst, uint64(b.Count), uint64(b.MinStep), uint64(b.MaxStep),
			uint64(b.Finite), uint64(b.FirstStep), math.Float64bits(b.First),
			uint64(b.LastStep), math.Float64bits(b.Last), uint64(b.MinAt),
			math.Float64bits(b.Min), uint64(b.MaxAt), math.Float64bits(b.Max))
	}
	return dst
}

func appendWords(dst []byte, ws ...uint64) []byte {
	for _, w := range ws {
		dst = binary.LittleEndian.AppendUint64(dst, w)
	}
	return dst
}

// rawSummary reverses appendRawSummary; ok is false when raw has a length
// no summary has.
func rawSummary(raw []byte) (st block.Stats, pyr []block.Bucket, ok bool) {
	if len(raw) < rawStatsLen || (len(raw)-rawStatsLen)%rawBucketLen != 0 {
		return st, nil, false
	}
	w := words{raw}
	st = block.Stats{Count: w.int(), MinStep: w.i64(), MaxStep: w.i64(), Min: w.f64(),
		MinAt: w.i64(), Max: w.f64(), MaxAt: w.i64(), Sum: w.f64(), First: w.f64(),
		Last: w.f64(), NonFinite: w.int()}
	pyr = make([]block.Bucket, (len(raw)-rawStatsLen)/rawBucketLen)
	for i := range pyr {
		pyr[i] = block.Bucket{Count: w.int(), MinStep: w.i64(), MaxStep: w.i64(),
			Finite: w.int(), FirstStep: w.i64(), First: w.f64(), LastStep: w.i64(),
			Last: w.f64(), MinAt: w.i64(), Min: w.f64(), MaxAt: w.i64(), Max: w.f64()}
	}
	return st, pyr, true
}

// words reads 8-byte little-endian words from the front; the caller checked
// the length.
type words struct{ b []byte }

func (w *words) u64() uint64 {
	v := binary.LittleEndian.Uint64(w.b)
	w.b = w.b[8:]
	return v
}

func (w *words) i64() int64   { return int64(w.u64()) }
func (w *words) int() int     { return int(w.u64()) }
func (w *words) f64() float64 { return math.Float64frombits(w.u64()) }
