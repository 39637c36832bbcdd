package block

import (
	"testing"
	"time"
)

// TestRealCurves encodes every real curve in 8192-point blocks with Encode
// and with each rejected candidate, checks that Encode round-trips, and
// logs bytes per point and speed (go test -run RealCurves -v).
func TestRealCurves(t *testing.T) {
	bs := blocks(loadCurves(t), realBlockSize)
	points := 0
	for _, b := range bs {
		points += len(b.steps)
	}
	for _, c := range candidates {
		t.Run(c.name, func(t *testing.T) {
			size, enc, dec := measure(t, c, bs)
			t.Logf("%-28s %6.3f bytes/point  encode %6.1f Mpoints/s  decode %6.1f Mpoints/s",
				c.name, float64(size)/float64(points),
				float64(points)/enc.Seconds()/1e6, float64(points)/dec.Seconds()/1e6)
		})
	}
}

func measure(t *testing.T, c candidate, bs []curve) (size int, enc, dec time.Duration) {
	var buf []byte
	var steps []int64
	var values []float64
	for _, b := range bs {
		start := time.Now()
		buf = c.encode(buf[:0], b.steps, b.values)
		enc += time.Since(start)
		size += len(buf)

		start = time.Now()
		var err error
		steps, values, err = c.decode(buf, steps[:0], values[:0])
		dec += time.Since(start)
		if err != nil {
			t.Fatalf("%s: decode %s: %v", c.name, b.name, err)
		}
		if i := firstDiff(b.steps, b.values, steps, values); i >= 0 {
			t.Fatalf("%s: %s: point %d differs after round trip", c.name, b.name, i)
		}
	}
	return size, enc, dec
}
