package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/ipc"

	"github.com/sextant-ml/sextant/query"
)

// logRows writes n rows into run: key a is step/2 at every step, key b is
// -step at even steps, NaN at step 2.
func logRows(t *testing.T, e *env, run string, n int) {
	t.Helper()
	var rows []string
	for s := range n {
		row := fmt.Sprintf(`{"_step":%d,"_timestamp":%d,"a":%g`, s, 1000+s, float64(s)/2)
		if s%2 == 0 {
			b := fmt.Sprint(-s)
			if s == 2 {
				b = `"NaN"`
			}
			row += `,"b":` + b
		}
		rows = append(rows, row+"}")
	}
	e.mustDo("member", "POST", "/api/v1/projects/proj/runs/"+run+"/history",
		`{"rows":[`+strings.Join(rows, ",")+`]}`, 200, nil)
}

func TestChartsHandler(t *testing.T) {
	e := newCastEnv(t, Config{})
	logRows(t, e, "run1", 100)
	var out struct {
		XMin   float64 `json:"x_min"`
		XMax   float64 `json:"x_max"`
		Series []struct {
			Run   string    `json:"run"`
			Key   string    `json:"key"`
			X     []float64 `json:"x"`
			Y     []float64 `json:"y"`
			Count int       `json:"count"`
		} `json:"series"`
	}
	e.mustDo("member", "POST", "/api/v1/projects/proj/charts",
		`{"runs":["run1"],"keys":["a"],"width":10}`, 200, &out)
	if out.XMin != 0 || out.XMax != 99 || len(out.Series) != 1 {
		t.Fatalf("chart: range [%g, %g], %d series; want [0, 99], 1", out.XMin, out.XMax,
			len(out.Series))
	}
	s := out.Series[0]
	// Ten columns of ten steps, a rising line: first and last of each.
	if s.Count != 100 || len(s.X) != 20 || s.X[0] != 0 || s.X[1] != 9 || s.Y[19] != 49.5 {
		t.Errorf("chart of a = count %d x %v y %v; want 100 points, 20 picks", s.Count, s.X, s.Y)
	}

	tests := []struct {
		body   string
		status int
		code   string
	}{
		{`{"runs":["run1"],"keys":["a"],"width":0}`, 400, "invalid_argument"},
		{`{"runs":["nope"],"keys":["a"]}`, 404, "not_found"},
		{`{"filter":"config.lr <","keys":["a"]}`, 400, "invalid_argument"},
		{`{"runs":["run1"],"keys":["a"],"mode":"raw","x_min":0,"x_max":1e12}`, 200, ""},
	}
	for _, tt := range tests {
		res := e.do("member", "POST", "/api/v1/projects/proj/charts", tt.body)
		if res.status != tt.status {
			t.Errorf("POST charts %s = %d %s, want %d", tt.body, res.status, res.body, tt.status)
			continue
		}
		if tt.code != "" {
			if code, _ := errorOf(t, res); code != tt.code {
				t.Errorf("POST charts %s: code %q, want %q", tt.body, code, tt.code)
			}
		}
	}

	res := e.do("member", "POST", "/api/v1/projects/proj/charts",
		`{"runs":["run1"],"keys":["a","b"]}`, "Accept", arrowMIME)
	rd, err := ipc.NewReader(bytes.NewReader(res.body))
	if res.status != 200 || err != nil {
		t.Fatalf("chart as Arrow: status %d, reader %v", res.status, err)
	}
	rows := 0
	for rd.Next() {
		rows += int(rd.RecordBatch().NumRows())
	}
	if rows != 100+49 { // b has 50 points, one NaN
		t.Errorf("chart as Arrow: %d rows, want 149", rows)
	}
}

func TestRunsListHandler(t *testing.T) {
	e := newCastEnv(t, Config{})
	for i := range 5 {
		e.mustDo("member", "POST", "/api/v1/projects/proj/runs",
			fmt.Sprintf(`{"id":"r%d","config":{"lr":%g}}`, i, float64(i)/10), 201, nil)
		logRows(t, e, fmt.Sprintf("r%d", i), 3+i)
	}
	var page struct {
		Runs []struct {
			ID      string                    `json:"id"`
			Summary map[string]map[string]any `json:"summary"`
		} `json:"runs"`
		Next string `json:"next"`
	}
	e.mustDo("member", "GET",
		"/api/v1/projects/proj/runs?filter=config.lr%3E%3D0.1&sort=summary.a&order=desc&limit=3",
		"", 200, &page)
	var ids []string
	for _, r := range page.Runs {
		ids = append(ids, r.ID)
	}
	if strings.Join(ids, ",") != "r4,r3,r2" || page.Next == "" {
		t.Fatalf("runs page 1 = %v next %q, want r4,r3,r2 and a cursor", ids, page.Next)
	}
	if page.Runs[0].Summary["a"]["last"] != 3.0 {
		t.Errorf("run r4 summary a = %v, want last 3", page.Runs[0].Summary["a"])
	}
	e.mustDo("member", "GET", "/api/v1/projects/proj/runs?filter=config.lr%3E%3D0.1"+
		"&sort=summary.a&order=desc&limit=3&next="+page.Next, "", 200, &page)
	if len(page.Runs) != 1 || page.Runs[0].ID != "r1" || page.Next != "" {
		t.Errorf("runs page 2 = %+v next %q, want r1 and no cursor", page.Runs, page.Next)
	}

	res := e.do("member", "GET", "/api/v1/projects/proj/runs?filter=state+%3D%3D", "")
	if code, msg := errorOf(t, res); res.status != 400 || code != "invalid_argument" ||
		!strings.Contains(msg, "at column 9") {
		t.Errorf("bad filter: %d %s %q, want 400 invalid_argument naming column 9",
			res.status, code, msg)
	}

	res = e.do("member", "GET", "/api/v1/projects/proj/runs?format=csv&sort=id&order=asc", "")
	lines := strings.Split(strings.TrimSpace(string(res.body)), "\n")
	if res.status != 200 || len(lines) != 7 || !strings.HasPrefix(lines[1], "r0,") {
		t.Errorf("runs as CSV: %d, %d lines:\n%s", res.status, len(lines), res.body)
	}
}

func TestHistoryExportHandler(t *testing.T) {
	e := newCastEnv(t, Config{})
	logRows(t, e, "run1", 5)
	var doc struct {
		Steps   []int64          `json:"steps"`
		Columns map[string][]any `json:"columns"`
	}
	e.mustDo("member", "GET", "/api/v1/projects/proj/runs/run1/history?keys=a,b", "", 200, &doc)
	want := `{[0 1 2 3 4] map[a:[0 0.5 1 1.5 2] b:[0 <nil> NaN <nil> -4]]}`
	if got := fmt.Sprint(doc); got != want {
		t.Errorf("history JSON = %s, want %s", got, want)
	}
	res := e.do("member", "GET",
		"/api/v1/projects/proj/runs/run1/history?keys=b&format=csv&min_step=1&max_step=3", "")
	if string(res.body) != "_step,b\n2,NaN\n" {
		t.Errorf("history CSV = %q", res.body)
	}
	res = e.do("member", "GET", "/api/v1/projects/proj/runs/run1/history?keys=a",
		"", "Accept", arrowMIME)
	rd, err := ipc.NewReader(bytes.NewReader(res.body))
	if err != nil || !rd.Next() || rd.RecordBatch().NumRows() != 5 {
		t.Errorf("history Arrow: %v", err)
	}
	res = e.do("member", "GET", "/api/v1/projects/proj/runs/run1/history?min_step=x", "")
	if res.status != 400 {
		t.Errorf("min_step=x: status %d, want 400", res.status)
	}
	res = e.do("member", "GET", "/api/v1/projects/proj/runs/nope/history", "")
	if res.status != 404 {
		t.Errorf("unknown run: status %d, want 404", res.status)
	}
	var all map[string]json.RawMessage
	e.mustDo("member", "GET", "/api/v1/projects/proj/runs/run1/history", "", 200, &all)
	if !strings.Contains(string(all["columns"]), `"_timestamp"`) {
		t.Errorf("history without keys lacks _timestamp: %s", all["columns"])
	}
}

func TestQueryErrorTooLarge(t *testing.T) {
	err := queryError(fmt.Errorf("mode: raw answer over 5 points: %w", query.ErrTooLarge))
	ae := toAPIError(err)
	if ae.status != 413 || ae.code != codeTooLarge || ae.message != "mode: raw answer over 5 points" {
		t.Errorf("queryError(ErrTooLarge) = %d %s %q, want 413 too_large naming the field",
			ae.status, ae.code, ae.message)
	}
}

// TestChartAnswerCachedAfterSending checks that a chart answer carries its
// length, and that the answer, which enters the cache only after it is
// sent, is there for the same query asked again, in both formats.
func TestChartAnswerCachedAfterSending(t *testing.T) {
	e := newCastEnv(t, Config{})
	logRows(t, e, "run1", 500)
	const body = `{"runs":["run1"],"keys":["a","b"],"width":37}`
	for _, accept := range []string{"application/json", arrowMIME} {
		hits, _ := e.srv.charts.CacheStats()
		var answers [2]response
		for i := range answers {
			answers[i] = e.do("member", "POST", "/api/v1/projects/proj/charts", body,
				"Accept", accept)
			res := answers[i]
			if res.status != 200 {
				t.Fatalf("POST charts (%s) = %d %s", accept, res.status, res.body)
			}
			if n := res.header.Get("Content-Length"); n != fmt.Sprint(len(res.body)) {
				t.Errorf("POST charts (%s): Content-Length %q, body of %d bytes",
					accept, n, len(res.body))
			}
		}
		if after, _ := e.srv.charts.CacheStats(); after != hits+1 {
			t.Errorf("%s: answer cache hits went from %d to %d over two equal queries, want +1",
				accept, hits, after)
		}
		if !bytes.Equal(answers[0].body, answers[1].body) {
			t.Errorf("%s: the cached answer differs from the computed one", accept)
		}
	}
}
