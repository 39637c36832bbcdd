package engine

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/sextant-ml/sextant/engine/block"
)

// TODO: replace appendSummary and decodeSummary by block.AppendSummary and
// block.DecodeSummary once the codec ships them; this plain layout costs
// about twice their bytes.

// appendSummary appends the statistics and pyramid of a block: every field
// in declaration order, integers as varints, floats as float64 bits.
func appendSummary(dst []byte, st block.Stats, pyr []block.Bucket) []byte {
	dst = binary.AppendVarint(dst, int64(st.Count))
	dst = binary.AppendVarint(dst, st.MinStep)
	dst = binary.AppendVarint(dst, st.MaxStep)
	dst = appendFloats(dst, st.Min)
	dst = binary.AppendVarint(dst, st.MinAt)
	dst = appendFloats(dst, st.Max)
	dst = binary.AppendVarint(dst, st.MaxAt)
	dst = appendFloats(dst, st.Sum, st.First, st.Last)
	dst = binary.AppendVarint(dst, int64(st.NonFinite))
	dst = binary.AppendUvarint(dst, uint64(len(pyr)))
	for _, b := range pyr {
		for _, n := range [...]int64{int64(b.Count), b.MinStep, b.MaxStep, int64(b.Finite),
			b.FirstStep, b.LastStep, b.MinAt, b.MaxAt} {
			dst = binary.AppendVarint(dst, n)
		}
		dst = appendFloats(dst, b.First, b.Last, b.Min, b.Max)
	}
	return dst
}

func appendFloats(dst []byte, fs ...float64) []byte {
	for _, f := range fs {
		dst = binary.LittleEndian.AppendUint64(dst, math.Float64bits(f))
	}
	return dst
}

// decodeSummary reverses appendSummary.
func decodeSummary(src []byte) (block.Stats, []block.Bucket, error) {
	d := decoder{buf: src}
	var st block.Stats
	st.Count = int(d.varint())
	st.MinStep, st.MaxStep = d.varint(), d.varint()
	st.Min, st.MinAt = d.float(), d.varint()
	st.Max, st.MaxAt = d.float(), d.varint()
	st.Sum, st.First, st.Last = d.float(), d.float(), d.float()
	st.NonFinite = int(d.varint())
	n := d.uvarint()
	pyr := make([]block.Bucket, 0, min(n, uint64(len(src))))
	for range min(n, uint64(len(src))) {
		var b block.Bucket
		b.Count, b.MinStep, b.MaxStep = int(d.varint()), d.varint(), d.varint()
		b.Finite, b.FirstStep, b.LastStep = int(d.varint()), d.varint(), d.varint()
		b.MinAt, b.MaxAt = d.varint(), d.varint()
		b.First, b.Last, b.Min, b.Max = d.float(), d.float(), d.float(), d.float()
		pyr = append(pyr, b)
	}
	if d.err || len(d.buf) != 0 {
		return st, nil, fmt.Errorf("decode summary: %w", ErrCorrupt)
	}
	return st, pyr, nil
}

func (d *decoder) varint() int64 {
	v, n := binary.Varint(d.buf)
	if n <= 0 {
		d.err, d.buf = true, nil
		return 0
	}
	d.buf = d.buf[n:]
	return v
}
