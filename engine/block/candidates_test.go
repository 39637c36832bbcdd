package block

import (
	"encoding/binary"
	"math"
	"math/bits"

	"github.com/klauspost/compress/zstd"
)

// A candidate is a block codec measured on the real curves. The first is
// Encode itself; the others were rejected (docs/format/block.md says why).
// A candidate without decode is measured for size and encode speed only.
type candidate struct {
	name   string
	encode func(dst []byte, steps []int64, values []float64) []byte
	decode func(src []byte, steps []int64, values []float64) ([]int64, []float64, error)
}

var candidates = []candidate{
	{"chosen (zstd fastest)", Encode, Decode},
	{"chosen, zstd default", withLevel(zstd.SpeedDefault, true), Decode},
	{"chosen, zstd better", withLevel(zstd.SpeedBetterCompression, true), Decode},
	{"chosen, zstd best", withLevel(zstd.SpeedBestCompression, true), Decode},
	{"chosen, zstd skips raw-looking literals", withLevel(zstd.SpeedFastest, false), Decode},
	{"chosen, one zstd frame a column", withOneFrame, nil},
	{"gorilla (Prometheus XOR)", encodeGorilla, nil},
	{"zstd over raw columns", encodeRawZstd, nil},
	{"delta steps, XOR, zstd", encodeXorZstd, nil},
	{"float64 byte planes, zstd", encodeShuffleZstd, nil},
	{"decimal, varint deltas, zstd", encodeDecimalVarint, nil},
}

// withLevel returns Encode run with another zstd encoder.
func withLevel(level zstd.EncoderLevel, allLit bool) func([]byte, []int64, []float64) []byte {
	e, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(level), zstd.WithEncoderCRC(false),
		zstd.WithAllLitEntropyCompression(allLit), zstd.WithSingleSegment(true),
		zstd.WithZeroFrames(true))
	if err != nil {
		panic(err)
	}
	return func(dst []byte, steps []int64, values []float64) []byte {
		saved := encoder
		encoder = e
		defer func() { encoder = saved }()
		return Encode(dst, steps, values)
	}
}

// withOneFrame is Encode with all planes of a column in one zstd frame.
func withOneFrame(dst []byte, steps []int64, values []float64) []byte {
	packPlanes = func(dst, planes []byte, n int, s *scratch) ([]byte, int) {
		if n < minZstd {
			return append(dst, planes...), packRaw
		}
		z := encoder.EncodeAll(planes, nil)
		if len(z)+binary.MaxVarintLen32 >= len(planes) {
			return append(dst, planes...), packRaw
		}
		return append(binary.AppendUvarint(dst, uint64(len(z))), z...), packZstd
	}
	defer func() { packPlanes = appendPlanes }()
	return Encode(dst, steps, values)
}

// zstdOf compresses b with the package encoder, as the candidates do.
func zstdOf(dst, b []byte) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(b)))
	return encoder.EncodeAll(b, dst)
}

func encodeRawZstd(dst []byte, steps []int64, values []float64) []byte {
	var raw []byte
	for _, s := range steps {
		raw = binary.LittleEndian.AppendUint64(raw, uint64(s))
	}
	for _, v := range values {
		raw = binary.LittleEndian.AppendUint64(raw, math.Float64bits(v))
	}
	return zstdOf(dst, raw)
}

func encodeXorZstd(dst []byte, steps []int64, values []float64) []byte {
	var raw []byte
	prevStep, prev := int64(0), uint64(0)
	for _, s := range steps {
		raw = binary.AppendVarint(raw, s-prevStep)
		prevStep = s
	}
	for _, v := range values {
		b := math.Float64bits(v)
		raw = binary.LittleEndian.AppendUint64(raw, b^prev)
		prev = b
	}
	return zstdOf(dst, raw)
}

func encodeShuffleZstd(dst []byte, steps []int64, values []float64) []byte {
	var raw []byte
	prevStep := int64(0)
	for _, s := range steps {
		raw = binary.AppendVarint(raw, s-prevStep)
		prevStep = s
	}
	u := make([]uint64, len(values))
	for i, v := range values {
		u[i] = math.Float64bits(v)
	}
	return zstdOf(dst, shuffle(raw, u, 8))
}

// encodeDecimalVarint is the decimal scaling of the data README: one
// exponent a block, exceptions as raw bits, varint deltas, one zstd frame.
func encodeDecimalVarint(dst []byte, steps []int64, values []float64) []byte {
	var raw []byte
	prevStep := int64(0)
	for _, s := range steps {
		raw = binary.AppendVarint(raw, s-prevStep)
		prevStep = s
	}
	e, _ := chooseExponent(values)
	raw = append(raw, byte(e))
	prev := int64(0)
	for i, v := range values {
		k, ok := toDecimal(v, e)
		if !ok {
			raw = binary.AppendUvarint(raw, uint64(i))
			raw = binary.LittleEndian.AppendUint64(raw, math.Float64bits(v))
			k = prev
		}
		raw = binary.AppendVarint(raw, k-prev)
		prev = k
	}
	return zstdOf(dst, raw)
}

// bitWriter appends bits most significant first.
type bitWriter struct {
	b     []byte
	nbits uint
}

func (w *bitWriter) write(v uint64, n uint) {
	for n > 0 {
		if w.nbits%8 == 0 {
			w.b = append(w.b, 0)
		}
		free := 8 - w.nbits%8
		take := min(free, n)
		chunk := byte(v>>(n-take)) & (1<<take - 1)
		w.b[len(w.b)-1] |= chunk << (free - take)
		w.nbits += take
		n -= take
	}
}

// encodeGorilla is the Prometheus XOR chunk: delta-of-delta steps in bit
// buckets, values XORed with the previous one, leading and trailing zeros
// elided.
func encodeGorilla(dst []byte, steps []int64, values []float64) []byte {
	w := bitWriter{b: dst, nbits: uint(len(dst)) * 8}
	var prevStep, prevDelta int64
	var prev uint64
	lead, trail := uint(0xff), uint(0)
	for i, s := range steps {
		v := math.Float64bits(values[i])
		switch i {
		case 0:
			w.write(zigzag(s), 64)
			w.write(v, 64)
		case 1:
			prevDelta = s - prevStep
			w.write(zigzag(prevDelta), 64)
			lead, trail = writeXor(&w, v^prev, lead, trail)
		default:
			delta := s - prevStep
			writeDod(&w, delta-prevDelta)
			prevDelta = delta
			lead, trail = writeXor(&w, v^prev, lead, trail)
		}
		prevStep, prev = s, v
	}
	return w.b
}

func writeDod(w *bitWriter, dod int64) {
	switch {
	case dod == 0:
		w.write(0, 1)
	case -63 <= dod && dod <= 64:
		w.write(0b10, 2)
		w.write(uint64(dod), 7)
	case -255 <= dod && dod <= 256:
		w.write(0b110, 3)
		w.write(uint64(dod), 9)
	case -2047 <= dod && dod <= 2048:
		w.write(0b1110, 4)
		w.write(uint64(dod), 12)
	default:
		w.write(0b1111, 4)
		w.write(uint64(dod), 64)
	}
}

func writeXor(w *bitWriter, x uint64, lead, trail uint) (uint, uint) {
	if x == 0 {
		w.write(0, 1)
		return lead, trail
	}
	w.write(1, 1)
	l, t := uint(bits.LeadingZeros64(x)), uint(bits.TrailingZeros64(x))
	l = min(l, 31)
	if lead != 0xff && l >= lead && t >= trail {
		w.write(0, 1)
		w.write(x>>trail, 64-lead-trail)
		return lead, trail
	}
	w.write(1, 1)
	w.write(uint64(l), 5)
	sig := 64 - l - t
	w.write(uint64(sig%64), 6)
	w.write(x>>t, sig)
	return l, t
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
