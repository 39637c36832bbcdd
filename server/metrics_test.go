package server

import (
	"strings"
	"testing"
)

func TestMetrics(t *testing.T) {
	e := newCastEnv(t, Config{})
	e.mustDo("member", "POST", historyPath, `{"rows":[{"a":1,"b":2},{"a":3}]}`, 200, nil)
	e.do("outsider", "GET", "/api/v1/projects/proj", "")
	res := e.mustDo("", "GET", "/metrics", "", 200, nil)
	text := string(res.body)
	for _, want := range []string{
		"# TYPE sextant_http_requests_total counter",
		`sextant_http_requests_total{route="/api/v1/projects/:project",method="GET",` +
			`status="403"} 1`,
		`sextant_http_request_duration_seconds_bucket{route="/api/v1/projects/:project/` +
			`runs/:run/history",method="POST",status="200",le="+Inf"} 1`,
		"sextant_ingest_points_total 3",
		"sextant_ingest_rows_total 2",
		"sextant_engine_points_total 3",
		"sextant_engine_runs 1",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("GET /metrics lacks %q:\n%s", want, text)
		}
	}
	if ct := res.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain; version=0.0.4") {
		t.Errorf("GET /metrics Content-Type = %q, want the Prometheus text format", ct)
	}
}
