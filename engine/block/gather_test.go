package block

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestGather compares gather with a plane-by-plane reference for every
// width, offset and length, including the tails past the last 8 values.
func TestGather(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for w := 0; w <= 8; w++ {
		for _, m := range []int{0, 1, 7, 8, 9, 31, 64, 100} {
			planes := make([]byte, w*m)
			for i := range planes {
				planes[i] = byte(rng.Uint32())
			}
			for off := 0; off <= m; off += 3 {
				for k := 0; off+k <= m; k += 5 {
					t.Run(fmt.Sprintf("w=%d/m=%d/off=%d/k=%d", w, m, off, k), func(t *testing.T) {
						got := make([]int64, k)
						gather(got, planes, m, w, off, -7)
						for i := range got {
							want := int64(-7)
							for p := 0; p < w; p++ {
								want += int64(planes[p*m+off+i]) << (8 * p)
							}
							if got[i] != want {
								t.Fatalf("value %d: got %#x, want %#x", i, got[i], want)
							}
						}
					})
				}
			}
		}
	}
}
