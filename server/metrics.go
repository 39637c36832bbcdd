package server

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"
)

// latencyBounds are the upper bounds, in seconds, of the request latency
// histogram buckets.
var latencyBounds = [...]float64{
	0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
}

// routeKey labels one series of request figures. Route is gin's route
// template, so the label set stays bounded whatever paths clients send.
type routeKey struct {
	route  string
	method string
	status int
}

// latency is a histogram of request durations; buckets are not cumulative.
type latency struct {
	buckets [len(latencyBounds) + 1]uint64
	sum     float64
	count   uint64
}

// stats are the server's own figures, exposed at /metrics.
type stats struct {
	mu       sync.Mutex
	requests map[routeKey]*latency

	requestsTotal atomic.Uint64

	ingestBatches atomic.Uint64
	ingestRows    atomic.Uint64
	ingestPoints  atomic.Uint64
	ingestBytes   atomic.Uint64
	rateLimited   atomic.Uint64
}

func newStats() *stats {
	return &stats{requests: map[routeKey]*latency{}}
}

func (st *stats) observe(k routeKey, d time.Duration) {
	st.requestsTotal.Add(1)
	sec := d.Seconds()
	i := sort.SearchFloat64s(latencyBounds[:], sec)
	st.mu.Lock()
	defer st.mu.Unlock()
	h := st.requests[k]
	if h == nil {
		h = &latency{}
		st.requests[k] = h
	}
	h.buckets[i]++
	h.sum += sec
	h.count++
}

// observe is the middleware that counts every request and its duration.
func (s *Server) observe(c *gin.Context) {
	start := time.Now()
	c.Next()
	route := c.FullPath()
	if route == "" {
		route = "unmatched"
	}
	k := routeKey{route: route, method: c.Request.Method, status: c.Writer.Status()}
	s.stats.observe(k, time.Since(start))
}

// metrics writes the figures in the Prometheus text exposition format.
func (s *Server) metrics(c *gin.Context) {
	b := s.stats.appendRequests(nil)
	b = s.stats.appendIngest(b)
	b = s.appendEngineStats(b)
	c.Data(http.StatusOK, "text/plain; version=0.0.4; charset=utf-8", b)
}

// appendRequests appends the request counters and latency histograms.
func (st *stats) appendRequests(b []byte) []byte {
	st.mu.Lock()
	keys := make([]routeKey, 0, len(st.requests))
	hists := make(map[routeKey]latency, len(st.requests))
	for k, h := range st.requests {
		keys = append(keys, k)
		hists[k] = *h
	}
	st.mu.Unlock()
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if a.route != b.route {
			return a.route < b.route
		}
		if a.method != b.method {
			return a.method < b.method
		}
		return a.status < b.status
	})

	b = appendHeader(b, "sextant_http_requests_total", "counter",
		"HTTP requests answered, by route template, method and status.")
	for _, k := range keys {
		b = fmt.Appendf(b, "sextant_http_requests_total{%s} %d\n", k.labels(), hists[k].count)
	}
	b = appendHeader(b, "sextant_http_request_duration_seconds", "histogram",
		"Time to answer an HTTP request, by route template, method and status.")
	for _, k := range keys {
		b = appendHistogram(b, "sextant_http_request_duration_seconds", k.labels(), hists[k])
	}
	return b
}

func (k routeKey) labels() string {
	return fmt.Sprintf("route=%q,method=%q,status=\"%d\"", k.route, k.method, k.status)
}

func appendHistogram(b []byte, name, labels string, h latency) []byte {
	var cum uint64
	for i, le := range latencyBounds {
		cum += h.buckets[i]
		b = fmt.Appendf(b, "%s_bucket{%s,le=\"%s\"} %d\n", name, labels,
			strconv.FormatFloat(le, 'g', -1, 64), cum)
	}
	b = fmt.Appendf(b, "%s_bucket{%s,le=\"+Inf\"} %d\n", name, labels, h.count)
	b = fmt.Appendf(b, "%s_sum{%s} %g\n", name, labels, h.sum)
	return fmt.Appendf(b, "%s_count{%s} %d\n", name, labels, h.count)
}

// appendIngest appends the ingest counters.
func (st *stats) appendIngest(b []byte) []byte {
	counters := []struct {
		name, help string
		v          uint64
	}{
		{"sextant_ingest_batches_total", "History requests stored.", st.ingestBatches.Load()},
		{"sextant_ingest_rows_total", "History rows stored.", st.ingestRows.Load()},
		{"sextant_ingest_points_total", "Metric points stored.", st.ingestPoints.Load()},
		{"sextant_ingest_bytes_total", "History request bytes parsed.", st.ingestBytes.Load()},
		{"sextant_ingest_rate_limited_total", "History requests refused with 429.",
			st.rateLimited.Load()},
	}
	for _, m := range counters {
		b = appendHeader(b, m.name, "counter", m.help)
		b = fmt.Appendf(b, "%s %d\n", m.name, m.v)
	}
	return b
}

func appendHeader(b []byte, name, typ, help string) []byte {
	return fmt.Appendf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, typ)
}
