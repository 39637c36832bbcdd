package block

import (
	"flag"
	"fmt"
	"testing"
	"time"
)

var allCandidates = flag.Bool("candidates", false,
	"TestRealCurves also measures the rejected codecs")

// TestRealCurves encodes every real curve in 8192-point blocks with Encode,
// and with each rejected candidate under -candidates, checks that they
// round-trip, and logs bytes per point and speed as a markdown table:
//
//	go test ./engine/block -run RealCurves -v -candidates
func TestRealCurves(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 34 MB of CSV")
	}
	bs := blocks(loadCurves(t), realBlockSize)
	points := 0
	for _, b := range bs {
		points += len(b.steps)
	}
	summary := 0
	for _, b := range bs {
		st, pyr := Summarize(b.steps, b.values)
		summary += len(AppendSummary(nil, st, pyr))
	}
	t.Logf("summaries (AppendSummary): %.3f bytes/point", float64(summary)/float64(points))
	for i, c := range candidates {
		if i > 0 && !*allCandidates {
			break
		}
		t.Run(c.name, func(t *testing.T) {
			size, enc, dec := measure(t, c, bs)
			decode := "-"
			if dec > 0 {
				decode = fmt.Sprintf("%.1f", float64(points)/dec.Seconds()/1e6)
			}
			t.Logf("| %s | %.3f | %.1f | %s |", c.name, float64(size)/float64(points),
				float64(points)/enc.Seconds()/1e6, decode)
		})
	}
}

func measure(t *testing.T, c candidate, bs []curve) (size int, enc, dec time.Duration) {
	var buf []byte
	var steps []int64
	var values []float64
	for _, b := range bs {
		start := cpuTime()
		buf = c.encode(buf[:0], b.steps, b.values)
		enc += cpuTime() - start
		size += len(buf)

		if c.decode == nil {
			continue
		}
		start = cpuTime()
		var err error
		steps, values, err = c.decode(buf, steps[:0], values[:0])
		dec += cpuTime() - start
		if err != nil {
			t.Fatalf("%s: decode %s: %v", c.name, b.name, err)
		}
		if i := firstDiff(b.steps, b.values, steps, values); i >= 0 {
			t.Fatalf("%s: %s: point %d differs after round trip", c.name, b.name, i)
		}
	}
	return size, enc, dec
}
