package block

import (
	"encoding/binary"
	"math/bits"

	"github.com/klauspost/compress/zstd"
)

// A section stores n unsigned integers whose count the reader knows:
//
//	byte    width w (bytes per value, 0 to 8) | packing << 4
//	packing 0, raw: n*w bytes, byte plane by plane (all lowest bytes
//	        first), so that each plane's bytes sit together
//	packing 1, zstd: uvarint length, then a zstd frame of those n*w bytes
//
// Width 0 means every value is zero and nothing follows.

const (
	packRaw  = 0
	packZstd = 1

	// minZstd is the smallest plane data worth handing to zstd: below it a
	// frame's own header costs more than it saves.
	minZstd = 32
)

var (
	encoder = mustEncoder()
	decoder = mustDecoder()
)

func mustEncoder() *zstd.Encoder {
	e, err := zstd.NewWriter(nil,
		zstd.WithEncoderLevel(zstd.SpeedFastest),
		zstd.WithEncoderCRC(false),
		zstd.WithAllLitEntropyCompression(true),
		zstd.WithSingleSegment(true),
		zstd.WithZeroFrames(true))
	if err != nil {
		panic("block: zstd encoder options: " + err.Error())
	}
	return e
}

func mustDecoder() *zstd.Decoder {
	d, err := zstd.NewReader(nil,
		zstd.WithDecoderConcurrency(0),
		zstd.WithDecoderMaxMemory(8*MaxPoints),
		zstd.WithDecodeAllCapLimit(true))
	if err != nil {
		panic("block: zstd decoder options: " + err.Error())
	}
	return d
}

// appendSection appends u as a section, compressed when that is smaller.
func appendSection(dst []byte, u []uint64, s *scratch) []byte {
	w := width(u)
	planes := shuffle(s.bytes(len(u) * w)[:0], u, w)
	if w == 0 || len(u) < minZstd {
		return appendRaw(dst, planes, w)
	}
	start := len(dst)
	dst = append(dst, byte(w|packZstd<<4))
	n := len(u)
	for p := 0; p < w; p++ {
		dst = appendPlane(dst, planes[p*n:(p+1)*n], s)
	}
	if len(dst)-start > len(planes)+1 {
		return appendRaw(dst[:start], planes, w)
	}
	return dst
}

// appendPlane appends a uvarint length and a zstd frame of plane, or a zero
// and the plane itself when zstd would not shrink it.
func appendPlane(dst, plane []byte, s *scratch) []byte {
	z := encoder.EncodeAll(plane, s.zbuf[:0])
	s.zbuf = z
	if len(z)+binary.MaxVarintLen32 >= len(plane) {
		dst = append(dst, 0)
		return append(dst, plane...)
	}
	dst = binary.AppendUvarint(dst, uint64(len(z)))
	return append(dst, z...)
}

func appendRaw(dst, planes []byte, w int) []byte {
	dst = append(dst, byte(w|packRaw<<4))
	return append(dst, planes...)
}

// width is the number of bytes that hold the largest value of u.
func width(u []uint64) int {
	var or uint64
	for _, v := range u {
		or |= v
	}
	return (bits.Len64(or) + 7) / 8
}

// shuffle appends the w low bytes of every value of u, plane by plane.
func shuffle(dst []byte, u []uint64, w int) []byte {
	for p := 0; p < w; p++ {
		shift := 8 * p
		for _, v := range u {
			dst = append(dst, byte(v>>shift))
		}
	}
	return dst
}

// readSection decodes a section of n values into scratch memory that stays
// valid until the next readSection with the same scratch.
func readSection(r *reader, n int, s *scratch) []uint64 {
	head := r.byte("section header")
	w, packing := int(head&0x0f), head>>4
	if w > 8 {
		r.fail("section width")
		return nil
	}
	var planes []byte
	switch packing {
	case packRaw:
		planes = r.bytes("section bytes", n*w)
	case packZstd:
		planes = readZstd(r, n, w, s)
	default:
		r.fail("section packing")
	}
	if r.err != nil {
		return nil
	}
	return unshuffle(s.uints(n), planes, w)
}

func readZstd(r *reader, n, w int, s *scratch) []byte {
	planes := s.bytes(n * w)
	for p := 0; p < w && r.err == nil; p++ {
		readPlane(r, planes[p*n:(p+1)*n])
	}
	return planes
}

func readPlane(r *reader, plane []byte) {
	size := r.count("plane length", len(r.b))
	if size == 0 {
		copy(plane, r.bytes("raw plane", len(plane)))
		return
	}
	z := r.bytes("zstd frame", size)
	if r.err != nil {
		return
	}
	out, err := decoder.DecodeAll(z, plane[:0:len(plane)])
	if err != nil || len(out) != len(plane) {
		r.fail("zstd frame")
	}
}

func unshuffle(u []uint64, planes []byte, w int) []uint64 {
	clear(u)
	n := len(u)
	for p := 0; p < w; p++ {
		shift := 8 * p
		for i, c := range planes[p*n : (p+1)*n] {
			u[i] |= uint64(c) << shift
		}
	}
	return u
}
