package server

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/sextant-ml/sextant/engine"
)

const historyPath = "/api/v1/projects/proj/runs/run1/history"

func ndjson(lines ...string) string { return strings.Join(lines, "\n") + "\n" }

// readSeries reads a whole series of run1 straight from the engine.
func (e *env) readSeries(key string) engine.Points {
	e.t.Helper()
	p, err := e.srv.db.Read("proj", "run1", key, 0, math.MaxInt64)
	if err != nil {
		e.t.Fatalf("Read(proj, run1, %q): %v", key, err)
	}
	return p
}

func TestHistoryStoresValues(t *testing.T) {
	e := newCastEnv(t, Config{})
	body := ndjson(
		`{"_step":0,"_timestamp":1700000000.5,"loss":2.5,"acc":NaN,"ok":true}`,
		`{"_step":1,"loss":Infinity,"acc":"-Infinity","ok":false,"skip":null}`,
		`{"loss":0.1000000014901161}`,
	)
	var got engine.AppendResult
	res := e.do("member", "POST", historyPath, body, "Content-Type", "application/x-ndjson")
	if err := json.Unmarshal(res.body, &got); res.status != 200 || err != nil {
		t.Fatalf("POST history = %d %s, want 200", res.status, res.body)
	}
	if got.Rows != 3 || got.Points != 7 {
		t.Errorf("POST history = %+v, want 3 rows, 7 points", got)
	}

	want := map[string][]float64{
		"loss": {2.5, math.Inf(1), 0.1000000014901161},
		"acc":  {math.NaN(), math.Inf(-1)},
		"ok":   {1, 0},
	}
	for key, values := range want {
		p := e.readSeries(key)
		if p.Len() != len(values) {
			t.Fatalf("series %q: %d points, want %d", key, p.Len(), len(values))
		}
		for i, v := range values {
			if p.Steps[i] != int64(i) || math.Float64bits(p.Values[i]) != math.Float64bits(v) {
				t.Errorf("series %q point %d = (%d, %v), want (%d, %v)", key, i,
					p.Steps[i], p.Values[i], i, v)
			}
		}
	}
	if ts := e.readSeries("_timestamp"); ts.Len() != 3 || ts.Values[0] != 1700000000.5 {
		t.Errorf("series _timestamp = %v, want 3 points, the first 1700000000.5", ts)
	}

	var run struct {
		Summary map[string]map[string]any `json:"summary"`
	}
	e.mustDo("member", "GET", "/api/v1/projects/proj/runs/run1", "", 200, &run)
	if s := run.Summary["acc"]; s["last"] != "-Infinity" || s["step"] != 1.0 {
		t.Errorf("summary of acc = %v, want last -Infinity at step 1", s)
	}
}

func TestHistoryJSONRows(t *testing.T) {
	e := newCastEnv(t, Config{})
	body := `{"rows":[{"_step":10,"x":1},{"_step":5,"x":2},{"x":3}]}`
	e.mustDo("member", "POST", historyPath, body, 200, nil)
	p := e.readSeries("x")
	if fmt.Sprint(p.Steps, p.Values) != "[5 10 11] [2 1 3]" {
		t.Errorf("series x after out-of-order rows = %v %v, want steps [5 10 11] "+
			"values [2 1 3]", p.Steps, p.Values)
	}

	// Writing a point again replaces it.
	e.mustDo("member", "POST", historyPath, `{"rows":[{"_step":5,"x":7}]}`, 200, nil)
	if p := e.readSeries("x"); p.Len() != 3 || p.Values[0] != 7 {
		t.Errorf("series x after rewriting step 5 = %v, want 3 points, step 5 = 7", p)
	}
}

func TestHistoryGzip(t *testing.T) {
	e := newCastEnv(t, Config{})
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	fmt.Fprint(zw, ndjson(`{"_step":0,"a":1}`, `{"_step":1,"a":2}`))
	zw.Close()
	res := e.do("member", "POST", historyPath, buf.String(),
		"Content-Type", "application/x-ndjson", "Content-Encoding", "gzip")
	if res.status != 200 || e.readSeries("a").Len() != 2 {
		t.Errorf("POST gzip history = %d %s, want 200 and 2 points", res.status, res.body)
	}
}

func TestHistoryRefusesAndStoresNothing(t *testing.T) {
	e := newCastEnv(t, Config{MaxBodyBytes: 4096, MaxRows: 3})
	e.mustDo("member", "POST", historyPath, `{"rows":[{"_step":0,"kept":1}]}`, 200, nil)
	nd := "application/x-ndjson"
	tests := []struct {
		name, body, ctype string
		status            int
		inMessage         string
	}{
		{"string value", ndjson(`{"_step":1,"a":1}`, `{"_step":2,"acc":"high"}`), nd, 400,
			`line 2: key "acc": string "high"`},
		{"negative step", ndjson(`{"a":1}`, `{"_step":-3,"a":1}`), nd, 400, `"_step": negative`},
		{"fractional step", `{"rows":[{"a":1},{"_step":2.5,"a":1}]}`, "", 400,
			`rows[1]: key "_step": not an integer`},
		{"empty key", ndjson(`{"a":1}`, `{"":1}`), nd, 400, "empty metric key"},
		{"long key", ndjson(`{"a":1}`, `{"`+strings.Repeat("k", 300)+`":1}`), nd, 400,
			"longer than 256"},
		{"malformed", ndjson(`{"a":1}`, `{"a":1,}`), nd, 400, "malformed JSON"},
		{"nested", ndjson(`{"a":1}`, `{"o":{"p":1}}`), nd, 400, `key "o": object`},
		{"too many rows", ndjson(`{"a":1}`, `{"a":2}`, `{"a":3}`, `{"a":4}`), nd, 413,
			"more than 3"},
		{"body too large", ndjson(`{"a":1}`, `{"b":"`+strings.Repeat("x", 5000)+`"}`), nd,
			413, "limit of 4096"},
		{"bad content type", `{"rows":[]}`, "text/csv", 400, "content-type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var res response
			if tt.ctype == "" {
				res = e.do("member", "POST", historyPath, tt.body)
			} else {
				res = e.do("member", "POST", historyPath, tt.body, "Content-Type", tt.ctype)
			}
			_, msg := errorOf(t, res)
			if res.status != tt.status || !strings.Contains(msg, tt.inMessage) {
				t.Errorf("POST history %.60q = %d %q, want %d with %q", tt.body,
					res.status, msg, tt.status, tt.inMessage)
			}
			keys, err := e.srv.db.Keys("proj", "run1")
			if err != nil || strings.Join(keys, ",") != "_runtime,_timestamp,kept" {
				t.Errorf("series after refused batch = %v (%v), want only kept's", keys, err)
			}
		})
	}
}

func TestHistoryUnknownRun(t *testing.T) {
	e := newCastEnv(t, Config{})
	res := e.do("member", "POST", "/api/v1/projects/proj/runs/nope/history", `{"rows":[]}`)
	if code, _ := errorOf(t, res); res.status != 404 || code != "not_found" {
		t.Errorf("POST history of unknown run = %d %s, want 404", res.status, code)
	}
}

func TestHistoryRateLimit(t *testing.T) {
	e := newCastEnv(t, Config{IngestRate: 10, IngestBurst: 20})
	batch := func(n int) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, `{"m%d":1}`+"\n", i)
		}
		return b.String()
	}
	nd := []string{"Content-Type", "application/x-ndjson"}
	res := e.do("member", "POST", historyPath, batch(15), nd...)
	if res.status != 200 || res.header.Get("RateLimit-Limit") != "20" ||
		res.header.Get("RateLimit-Remaining") != "5" {
		t.Fatalf("first batch = %d, RateLimit-Limit %q Remaining %q, want 200, 20, 5",
			res.status, res.header.Get("RateLimit-Limit"), res.header.Get("RateLimit-Remaining"))
	}
	res = e.do("member", "POST", historyPath, batch(15), nd...)
	code, _ := errorOf(t, res)
	retry, _ := strconv.Atoi(res.header.Get("Retry-After"))
	if res.status != 429 || code != "rate_limited" || retry < 1 ||
		res.header.Get("RateLimit-Reset") == "" {
		t.Errorf("second batch = %d %s, Retry-After %q, RateLimit-Reset %q; want 429 with "+
			"both", res.status, code, res.header.Get("Retry-After"),
			res.header.Get("RateLimit-Reset"))
	}
	if keys, _ := e.srv.db.Keys("proj", "run1"); len(keys) != 2+15 {
		t.Errorf("series after a refused batch: %d, want %d", len(keys), 2+15)
	}
}

// TestHistoryFormatWithoutType checks that a body sent without a type of
// its own (as curl -d sends it) is read by its start.
func TestHistoryFormatWithoutType(t *testing.T) {
	e := newCastEnv(t, Config{})
	tests := []struct {
		name, ctype, body string
		rows              int
	}{
		{"json, form type", "application/x-www-form-urlencoded",
			`{"rows":[{"_step":0,"a":1},{"_step":1,"a":2}]}`, 2},
		{"json, no type", "", ` {"rows":[{"_step":2,"a":1}]}`, 1},
		{"ndjson, no type", "", ndjson(`{"_step":3,"a":1}`, `{"_step":4,"a":1}`), 2},
		{"ndjson, text/plain", "text/plain", ndjson(`{"a":1}`), 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var hdr []string
			if tt.ctype != "" {
				hdr = []string{"Content-Type", tt.ctype}
			}
			res := e.do("member", "POST", historyPath, tt.body, hdr...)
			want := fmt.Sprintf(`"rows":%d`, tt.rows)
			if res.status != 200 || !strings.Contains(string(res.body), want) {
				t.Errorf("POST history %q as %q = %d %s, want 200 with %s", tt.body, tt.ctype,
					res.status, res.body, want)
			}
		})
	}
}
