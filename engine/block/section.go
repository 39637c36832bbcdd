package block

import (
	"encoding/binary"
	"math"

	"github.com/klauspost/compress/zstd"
)

// The byte planes of an integer column (n values of w bytes) are packed
// one of two ways:
//
//	packRaw   the n*w bytes as they are
//	packZstd  per plane: a uvarint length, then a zstd frame of the plane's
//	          n bytes; length 0 means the n bytes follow raw
//
// zstd sees one plane at a time so that its Huffman table fits that plane:
// the low byte of a noisy value is nearly uniform while the high bytes are
// skewed. On the real curves one frame for all planes of a column costs 1.160
// bytes a point against 1.079 (docs/format/block.md).

const (
	packRaw  = 0
	packZstd = 1

	// minZstd is the fewest values worth handing to zstd: below it a
	// frame's own header costs more than it saves.
	minZstd = 32
)

var (
	encoder = mustEncoder()
	decoder = mustDecoder()
)

// mustEncoder builds the shared encoder. WithAllLitEntropyCompression
// matters: without it the fastest levels store a plane of 6-bit entropy raw
// when they find no matches in it.
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

// packPlanes packs the planes of integer columns; the measurement of
// rejected packings swaps it.
var packPlanes = appendPlanes

// appendPlanes appends the n-value planes packed the smaller way and
// returns the packing it chose.
func appendPlanes(dst, planes []byte, n int, s *scratch) ([]byte, int) {
	if n < minZstd {
		return append(dst, planes...), packRaw
	}
	start, w := len(dst), len(planes)/n
	for p := 0; p < w; p++ {
		// Every plane left takes at least its length byte: once that
		// reaches the raw size, the column goes raw and zstd is spared.
		if len(dst)-start+w-p >= len(planes) {
			return append(dst[:start], planes...), packRaw
		}
		dst = appendPlane(dst, planes[p*n:(p+1)*n], s)
	}
	if len(dst)-start >= len(planes) {
		return append(dst[:start], planes...), packRaw
	}
	return dst, packZstd
}

// appendPlane appends a uvarint length and a zstd frame of plane, or a zero
// and the plane itself when zstd would not shrink it.
func appendPlane(dst, plane []byte, s *scratch) []byte {
	var z []byte
	if !looksRandom(plane) {
		z = encoder.EncodeAll(plane, s.zbuf[:0])
		s.zbuf = z
	}
	if z == nil || len(z)+binary.MaxVarintLen32 >= len(plane) {
		dst = append(dst, 0)
		return append(dst, plane...)
	}
	dst = binary.AppendUvarint(dst, uint64(len(z)))
	return append(dst, z...)
}

// readPlanes returns the w planes of n bytes, in scratch memory valid until
// the next readPlanes with the same scratch.
func readPlanes(r *reader, packing, n, w int, s *scratch) []byte {
	switch packing {
	case packRaw:
		return r.bytes("raw planes", n*w)
	case packZstd:
		// Each plane may be written zstdSlack bytes past its end (into the
		// next plane, or the buffer's tail), which lets zstd copy matches
		// 16 bytes at a time; a frame that fills the slack is corrupt.
		buf := s.bytes(n*w + zstdSlack)
		for p := 0; p < w && r.err == nil; p++ {
			readPlane(r, buf[p*n:(p+1)*n+zstdSlack])
		}
		return buf[:n*w]
	}
	r.fail("plane packing")
	return nil
}

// zstdSlack is the room a plane's buffer leaves zstd past the plane's end:
// with less than 32 bytes, the klauspost decoder falls back to its slower
// bounds-checked copies.
const zstdSlack = 32

// readPlane reads one plane of a zstd column into buf[:len(buf)-zstdSlack].
func readPlane(r *reader, buf []byte) {
	n := len(buf) - zstdSlack
	size := r.count("plane length", len(r.b))
	if size == 0 {
		copy(buf[:n], r.bytes("raw plane", n))
		return
	}
	z := r.bytes("zstd frame", size)
	if r.err != nil {
		return
	}
	if c, ok := rleFrame(z, n); ok {
		fill(buf[:n], c)
		return
	}
	out, err := decoder.DecodeAll(z, buf[:0])
	if err != nil || len(out) != n || (n > 0 && &out[0] != &buf[0]) {
		r.fail("zstd frame")
	}
}

// rleFrame recognises the frame zstd writes for a constant plane of n
// bytes (the bitmap of a block whose values all have the trailing zeros,
// the high bytes of a column), and returns its byte. It takes only the
// strictest form of such a frame (RFC 8878): magic number, a header with
// only the single-segment flag and the content size set, the size n, one
// last block of type RLE repeating its byte n times, and nothing after.
// Whatever else goes to the zstd decoder, which decodes this form to the
// same n bytes; skipping it saves most of the cost of small frames.
func rleFrame(z []byte, n int) (byte, bool) {
	const magic, singleSegment = 0xfd2fb528, 0x20
	if len(z) < 10 || binary.LittleEndian.Uint32(z) != magic || z[4]&0x3f != singleSegment {
		return 0, false
	}
	fcs := 1 << (z[4] >> 6) // bytes of the content size; 1 for flag 0 in one segment
	if len(z) != 5+fcs+3+1 {
		return 0, false
	}
	var size uint64
	switch fcs {
	case 1:
		size = uint64(z[5])
	case 2:
		size = uint64(binary.LittleEndian.Uint16(z[5:])) + 256
	case 4:
		size = uint64(binary.LittleEndian.Uint32(z[5:]))
	case 8:
		size = binary.LittleEndian.Uint64(z[5:])
	}
	h := z[5+fcs:]
	block := uint32(h[0]) | uint32(h[1])<<8 | uint32(h[2])<<16
	const last, rle = 1, 1 << 1
	if size != uint64(n) || n == 0 || n > maxBlockSize || block != uint32(n)<<3|rle|last {
		return 0, false
	}
	return h[3], true
}

// maxBlockSize is the largest block zstd allows, 128 KiB.
const maxBlockSize = 128 << 10

// fill sets every byte of b to c, doubling the filled prefix.
func fill(b []byte, c byte) {
	if len(b) == 0 {
		return
	}
	b[0] = c
	for k := 1; k < len(b); k *= 2 {
		copy(b[k:], b[:k])
	}
}

// looksRandom tells whether zstd cannot pay for a plane by its order-0
// entropy, so that appendPlane stores it raw without trying: either the
// entropy leaves zstd less than 1/64 of the bytes to save (the low bytes of
// noisy values, where skipping zstd halves the encoding time), or the
// bytes coded at their entropy plus zstdOverhead leave fewer than the
// MaxVarintLen32 bytes appendPlane asks zstd to save (short planes of the
// summaries, and of short or noisy blocks). It would miss a repeating
// pattern of such bytes, which metrics do not log.
//
// Entropy is at most log2 of the number of distinct bytes, so a plane whose
// distinct bytes keep it under both limits needs no logarithm per byte.
func looksRandom(b []byte) bool {
	hist := byteCounts(b)
	distinct := 0
	for _, c := range hist {
		if c > 0 {
			distinct++
		}
	}
	n := float64(len(b))
	notPaying := n - zstdOverhead - binary.MaxVarintLen32
	if distinct <= maxSkewed && n*math.Log2(float64(distinct))/8 < notPaying-1 {
		return false
	}
	bits := 0.0
	for _, c := range hist {
		if c > 0 {
			bits -= float64(c) * math.Log2(float64(c)/n)
		}
	}
	return bits/8 > n*(1-1.0/64) || bits/8 >= notPaying
}

// zstdOverhead is the fewest bytes a zstd frame takes beyond the entropy
// of its plane, as the decision to try zstd assumes it: its headers take
// about 12 and the Huffman table of a dense plane more. On the real curves
// no plane that zstd shrinks comes within 20 bytes of its entropy (at 24,
// 7 of 4,857 planes do), so the estimate changes no encoded byte there.
const zstdOverhead = 20

// maxSkewed is the most distinct bytes of a plane whose entropy is under
// 7.875 bits a byte (log2 234 = 7.870).
const maxSkewed = 234

// byteCounts counts each byte value of b. Four tables let a run of equal
// bytes, as in the high planes, update different counters in turn.
func byteCounts(b []byte) [256]int {
	var h [4][256]uint32
	i := 0
	for ; i+4 <= len(b); i += 4 {
		h[0][b[i]]++
		h[1][b[i+1]]++
		h[2][b[i+2]]++
		h[3][b[i+3]]++
	}
	for ; i < len(b); i++ {
		h[0][b[i]]++
	}
	var hist [256]int
	for c := range hist {
		hist[c] = int(h[0][c] + h[1][c] + h[2][c] + h[3][c])
	}
	return hist
}
