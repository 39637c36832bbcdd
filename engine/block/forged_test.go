package block

import (
	"bytes"
	"encoding/binary"
	"errors"
	"sync"
	"testing"
)

// TestDecodeForgedZstd checks that a zstd frame holding more or fewer bytes
// than its plane is corrupt, so that a forged frame cannot make Decode
// allocate beyond the plane.
func TestDecodeForgedZstd(t *testing.T) {
	for _, size := range []int{10, 39, 40, 41, 1 << 20} {
		frame := encoder.EncodeAll(bytes.Repeat([]byte{7}, size), nil)
		src := []byte{version, 40, 0x80, 0, 2, 0} // 40 steps 0, 1, ...
		src = append(src, modeDecimal, 0, 0)      // decimal, e 0, no exception
		src = append(src, 1|packZstd<<4, 0)       // order 0, w 1, base 0
		src = binary.AppendUvarint(src, uint64(len(frame)))
		src = append(src, frame...)
		_, values, err := Decode(src, nil, nil)
		switch {
		case size == 40 && (err != nil || len(values) != 40 || values[39] != 7):
			t.Errorf("Decode(zstd frame of the 40-byte plane) = %v, %v; want 40 sevens",
				values, err)
		case size != 40 && !errors.Is(err, ErrCorrupt):
			t.Errorf("Decode(zstd frame of %d bytes for a 40-byte plane) error = %v, want ErrCorrupt",
				size, err)
		}
	}
}

// TestConcurrent encodes and decodes from several goroutines at once; run
// it with -race.
func TestConcurrent(t *testing.T) {
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for _, tc := range codecCases {
				want := Encode(nil, tc.p.steps, tc.p.values)
				got := Encode([]byte{byte(g)}, tc.p.steps, tc.p.values)
				if !bytes.Equal(got[1:], want) {
					t.Errorf("Encode(%s) in goroutine %d differs", tc.name, g)
				}
				steps, values, err := Decode(got[1:], nil, nil)
				if err != nil || firstDiff(tc.p.steps, tc.p.values, steps, values) >= 0 {
					t.Errorf("Decode(Encode(%s)) in goroutine %d: %v", tc.name, g, err)
				}
			}
		})
	}
	wg.Wait()
}
