package harness

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// ChartQuery is the body of POST /api/v1/projects/{p}/charts.
type ChartQuery struct {
	Runs  []string `json:"runs"`
	Keys  []string `json:"keys"`
	X     string   `json:"x,omitempty"`
	XMin  *float64 `json:"x_min,omitempty"`
	XMax  *float64 `json:"x_max,omitempty"`
	Width int      `json:"width"`
	Mode  string   `json:"mode,omitempty"`
}

// ChartAnswer is the part of a chart answer the benchmark checks.
type ChartAnswer struct {
	// Bytes is the size of the answer's body.
	Bytes  int `json:"-"`
	Series []struct {
		Run   string    `json:"run"`
		Key   string    `json:"key"`
		X     []float64 `json:"x"`
		Count int       `json:"count"`
	} `json:"series"`
}

// Chart sends q and returns the time until the whole answer was read, and
// the answer decoded afterwards (decoding is the browser's work, not the
// server's, so it is left out of the time).
func (c *Client) Chart(project string, q ChartQuery) (time.Duration, ChartAnswer, error) {
	elapsed, raw, err := c.chart(project, q, "")
	if err != nil {
		return 0, ChartAnswer{}, err
	}
	var ans ChartAnswer
	if err := json.Unmarshal(raw, &ans); err != nil {
		return 0, ChartAnswer{}, fmt.Errorf("decode chart answer: %w", err)
	}
	ans.Bytes = len(raw)
	return elapsed, ans, nil
}

// ArrowMIME asks the chart endpoint for an Arrow IPC stream instead of
// JSON.
const ArrowMIME = "application/vnd.apache.arrow.stream"

// ChartArrow sends q asking for an Arrow IPC stream and returns the time
// until the whole answer was read and its size in bytes.
func (c *Client) ChartArrow(project string, q ChartQuery) (time.Duration, int, error) {
	elapsed, raw, err := c.chart(project, q, ArrowMIME)
	return elapsed, len(raw), err
}

// chart posts q, with an Accept header when accept is not empty, and
// returns the time until the last byte of the answer and the answer.
func (c *Client) chart(project string, q ChartQuery, accept string) (
	time.Duration, []byte, error) {
	body, err := json.Marshal(q)
	if err != nil {
		return 0, nil, err
	}
	path := "/api/v1/projects/" + url.PathEscape(project) + "/charts"
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost,
		c.Base+path, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+c.Key)
	if accept != "" {
		req.Header.Set("Accept", accept)
	}

	start := time.Now()
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return 0, nil, err
	}
	raw, err := readBody(resp)
	_ = resp.Body.Close() // read to the end; the read's error is the one that counts
	elapsed := time.Since(start)
	if err != nil {
		return 0, nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return 0, nil, &StatusError{Status: resp.StatusCode, Body: string(raw)}
	}
	return elapsed, raw, nil
}

// readBody reads an answer into a buffer sized once from its
// Content-Length, as a browser's fetch does, rather than by io.ReadAll's
// doubling, which copies a 10 MB answer about twice over on the client's
// side of the timing.
func readBody(resp *http.Response) ([]byte, error) {
	if n := resp.ContentLength; n > 0 && n < 1<<31 {
		raw := make([]byte, n)
		_, err := io.ReadFull(resp.Body, raw)
		return raw, err
	}
	return io.ReadAll(resp.Body)
}

// Latencies summarizes a set of timings.
type Latencies []time.Duration

// Quantile returns the q-quantile (0..1), nearest rank.
func (l Latencies) Quantile(q float64) time.Duration {
	if len(l) == 0 {
		return 0
	}
	s := slices.Clone(l)
	slices.Sort(s)
	i := int(q*float64(len(s))+0.5) - 1
	return s[min(max(i, 0), len(s)-1)]
}

// ChartCacheHits reads the server's chart answer cache hits from /metrics
// (sextant_chart_cache_hits_total), so that a benchmark can tell an answer
// served from the cache from one computed.
func (c *Client) ChartCacheHits() (int64, error) {
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet,
		c.Base+"/metrics", nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+c.Key)
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return 0, err
	}
	raw, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close() // read to the end; the read's error is the one that counts
	if err != nil {
		return 0, err
	}
	if resp.StatusCode != http.StatusOK {
		return 0, &StatusError{Status: resp.StatusCode, Body: string(raw)}
	}
	return metricValue(string(raw), "sextant_chart_cache_hits_total")
}

// metricValue returns the value of the unlabelled series name in a
// Prometheus text exposition.
func metricValue(text, name string) (int64, error) {
	for line := range strings.Lines(text) {
		v, ok := strings.CutPrefix(strings.TrimSpace(line), name+" ")
		if !ok {
			continue
		}
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return 0, fmt.Errorf("metric %s: %w", name, err)
		}
		return int64(f), nil
	}
	return 0, fmt.Errorf("metric %s: not in /metrics", name)
}
