package server

import (
	"testing"
	"time"
)

func TestIngestLimiter(t *testing.T) {
	now := time.Unix(0, 0)
	l := newIngestLimiter(100, 200)
	l.now = func() time.Time { return now }
	steps := []struct {
		advance time.Duration
		project string
		points  int
		ok      bool
		retry   float64 // seconds, when refused
	}{
		{0, "a", 150, true, 0},                      // 200 -> 50
		{0, "a", 100, false, 0.5},                   // needs 50 more at 100/s
		{0, "b", 200, true, 0},                      // buckets are per project
		{500 * time.Millisecond, "a", 100, true, 0}, // refilled to 100 -> 0
		{time.Hour, "a", 1000, true, 0},             // over the burst: needs a full bucket
		{0, "a", 1, false, 8.01},                    // -800 after it
	}
	for i, st := range steps {
		now = now.Add(st.advance)
		a := l.admit(st.project, st.points)
		if a.ok != st.ok || !st.ok && (a.retryAfter < st.retry-1e-9 || a.retryAfter > st.retry+1e-9) {
			t.Errorf("step %d: admit(%s, %d) = ok %v retry %.3f, want ok %v retry %.3f",
				i, st.project, st.points, a.ok, a.retryAfter, st.ok, st.retry)
		}
	}
}
