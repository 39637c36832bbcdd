package server

import (
	"math"
	"sync"
	"time"
)

// ingestLimiter keeps one token bucket of points per project. A bucket
// fills at rate tokens per second up to burst. A batch is admitted while
// the bucket holds at least as many tokens as the batch has points (or a
// full burst, for batches larger than the burst), and takes its points
// out; the bucket may then go below zero, and later batches wait until it
// has refilled.
type ingestLimiter struct {
	rate  float64 // tokens per second; <= 0 disables the limit
	burst float64
	now   func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time
}

// admission is the limiter's answer for one batch, with the figures of the
// RateLimit-* headers.
type admission struct {
	ok         bool
	limit      float64 // the burst: most points the bucket holds
	remaining  float64 // tokens left after this batch, at least 0
	reset      float64 // seconds until the bucket is full again
	retryAfter float64 // seconds until this batch would be admitted
}

func newIngestLimiter(rate, burst float64) *ingestLimiter {
	return &ingestLimiter{
		rate:    rate,
		burst:   burst,
		now:     time.Now,
		buckets: map[string]*bucket{},
	}
}

// admit takes points out of project's bucket if the batch may go now.
func (l *ingestLimiter) admit(project string, points int) admission {
	if l.rate <= 0 {
		return admission{ok: true}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b := l.buckets[project]
	if b == nil {
		b = &bucket{tokens: l.burst, at: now}
		l.buckets[project] = b
	}
	b.tokens = math.Min(l.burst, b.tokens+now.Sub(b.at).Seconds()*l.rate)
	b.at = now

	need := math.Min(float64(points), l.burst)
	a := admission{limit: l.burst}
	if b.tokens >= need {
		a.ok = true
		b.tokens -= float64(points)
	} else {
		a.retryAfter = (need - b.tokens) / l.rate
	}
	a.remaining = math.Max(0, b.tokens)
	a.reset = (l.burst - b.tokens) / l.rate
	return a
}
