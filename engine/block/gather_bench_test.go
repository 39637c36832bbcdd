package block

import (
	"fmt"
	"testing"
)

// BenchmarkGather times gather on 8192 values of each width.
func BenchmarkGather(b *testing.B) {
	const m = 8192
	planes := make([]byte, 8*m)
	for i := range planes {
		planes[i] = byte(i * 7)
	}
	out := make([]int64, m)
	for w := 1; w <= 8; w++ {
		b.Run(fmt.Sprintf("w=%d", w), func(b *testing.B) {
			for b.Loop() {
				gather(out, planes, m, w, 0, 5)
			}
		})
	}
}
