package block

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"testing"
)

// TestRLEFrame checks that rleFrame reads the frames the encoder writes for
// constant planes, and frames of every content-size field, as the zstd
// decoder does, and leaves any other frame to it.
func TestRLEFrame(t *testing.T) {
	for _, n := range []int{32, 255, 256, 257, 1000, 1024, 65791, 65792, 100000, MaxPoints} {
		for _, c := range []byte{0, 0xff, 0x5a} {
			plane := bytes.Repeat([]byte{c}, n)
			z := encoder.EncodeAll(plane, nil)
			got, ok := rleFrame(z, n)
			// Past 64 KiB the encoder writes two blocks: not for rleFrame.
			if (!ok && n <= 64<<10) || (ok && got != c) {
				t.Errorf("n=%d c=%#x: encoder frame % x: rleFrame = %#x, %v", n, c,
					z[:min(len(z), 12)], got, ok)
			}
		}
	}
	for _, fcs := range []int{1, 2, 4, 8} {
		for _, n := range []int{1, 200, 256, 300, 70000} {
			t.Run(fmt.Sprintf("fcs=%d/n=%d", fcs, n), func(t *testing.T) {
				z, ok := handFrame(fcs, n, 0x37)
				if !ok {
					t.Skip("size does not fit the field")
				}
				want, err := decoder.DecodeAll(z, make([]byte, 0, n+zstdSlack))
				c, fast := rleFrame(z, n)
				if err != nil || !fast || !bytes.Equal(want, bytes.Repeat([]byte{c}, n)) {
					t.Fatalf("frame % x: zstd %d bytes, %v; rleFrame %#x, %v", z, len(want), err,
						c, fast)
				}
				for i := range z {
					for _, bit := range []byte{1, 4, 0x10, 0x80} {
						bad := bytes.Clone(z)
						bad[i] ^= bit
						if c, ok := rleFrame(bad, n); ok {
							out, err := decoder.DecodeAll(bad, make([]byte, 0, n+zstdSlack))
							if err != nil || !bytes.Equal(out, bytes.Repeat([]byte{c}, n)) {
								t.Fatalf("altered frame % x: rleFrame took it, zstd: %v",
									bad, err)
							}
						}
					}
				}
				if _, ok := rleFrame(append(bytes.Clone(z), 0), n); ok {
					t.Error("rleFrame took a frame with a trailing byte")
				}
				if _, ok := rleFrame(z, n+1); ok {
					t.Error("rleFrame took a frame of another size")
				}
			})
		}
	}
}

// handFrame builds a single-segment zstd frame of one RLE block with a
// content-size field of fcs bytes.
func handFrame(fcs, n int, c byte) ([]byte, bool) {
	z := binary.LittleEndian.AppendUint32(nil, 0xfd2fb528)
	flag := map[int]byte{1: 0, 2: 1, 4: 2, 8: 3}[fcs]
	z = append(z, 0x20|flag<<6)
	switch fcs {
	case 1:
		if n > 255 {
			return nil, false
		}
		z = append(z, byte(n))
	case 2:
		if n < 256 || n > 65535+256 {
			return nil, false
		}
		z = binary.LittleEndian.AppendUint16(z, uint16(n-256))
	case 4:
		z = binary.LittleEndian.AppendUint32(z, uint32(n))
	case 8:
		z = binary.LittleEndian.AppendUint64(z, uint64(n))
	}
	h := uint32(n)<<3 | 2 | 1
	return append(z, byte(h), byte(h>>8), byte(h>>16), c), true
}

func TestFill(t *testing.T) {
	for n := range 70 {
		b := make([]byte, n)
		fill(b, 9)
		if !bytes.Equal(b, bytes.Repeat([]byte{9}, n)) {
			t.Errorf("fill of %d bytes: % x", n, b)
		}
	}
}
