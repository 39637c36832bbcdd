package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
)

// TestContract walks /work/shared/API.md section by section against the
// real binary: every path, field, status and meaning it fixes.
func TestContract(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the real binary; skipped with -short")
	}
	dir := t.TempDir()
	c := &contract{t: t, dir: dir}
	c.p = startServe(t, dir, "SEXTANT_ADMIN_KEY=")
	defer func() { c.p.kill() }()

	t.Run("start", c.start)
	t.Run("errors", c.errors)
	t.Run("users teams projects", c.access)
	t.Run("runs", c.runs)
	t.Run("history post", c.historyPost)
	t.Run("runs list", c.runsList)
	t.Run("history get", c.historyGet)
	t.Run("charts", c.charts)
	t.Run("workspaces", c.workspaces)
	t.Run("reports", c.reports)
	t.Run("restart", c.restart)
}

// contract holds what the sections of TestContract share.
type contract struct {
	t   *testing.T
	dir string
	p   *proc

	admin, ana, bob, eve string // API keys
	shareToken           string
}

// reply is one answer of the server.
type reply struct {
	status int
	header http.Header
	body   []byte
}

// call sends a request; key "" sends no Authorization header, hdr holds
// extra header pairs.
func (c *contract) call(key, method, path, ctype, body string, hdr ...string) reply {
	c.t.Helper()
	req, err := http.NewRequest(method, c.p.addr+path, strings.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := httpClient.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		c.t.Fatalf("%s %s: read body: %v", method, path, err)
	}
	return reply{status: res.StatusCode, header: res.Header, body: b}
}

// json sends a JSON request, wants status and decodes the answer into out
// (when not nil).
func (c *contract) json(t *testing.T, key, method, path, body string, want int, out any) {
	t.Helper()
	r := c.call(key, method, path, "application/json", body)
	if r.status != want {
		t.Fatalf("%s %s %s = %d %s, want %d", method, path, body, r.status, r.body, want)
	}
	if out != nil {
		if err := json.Unmarshal(r.body, out); err != nil {
			t.Fatalf("%s %s: decode %s: %v", method, path, r.body, err)
		}
	}
}

// wantError checks an error answer: its status and the JSON shape
// {"error":{"code","message"}}, with every word of names in the message.
func wantError(t *testing.T, what string, r reply, status int, names ...string) {
	t.Helper()
	if r.status != status {
		t.Errorf("%s = %d %s, want %d", what, r.status, r.body, status)
		return
	}
	var body map[string]map[string]any
	if err := json.Unmarshal(r.body, &body); err != nil || len(body) != 1 {
		t.Errorf("%s: body %s is not {\"error\":{...}} (%v)", what, r.body, err)
		return
	}
	code, _ := body["error"]["code"].(string)
	msg, _ := body["error"]["message"].(string)
	if code == "" || msg == "" {
		t.Errorf("%s: body %s lacks error.code or error.message", what, r.body)
	}
	if status == http.StatusBadRequest && code != "invalid_argument" {
		t.Errorf("%s: code %q, want invalid_argument", what, code)
	}
	for _, n := range names {
		if !strings.Contains(msg, n) {
			t.Errorf("%s: message %q does not name %q", what, msg, n)
		}
	}
}

func (c *contract) start(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(c.dir, "admin.key"))
	if err != nil {
		t.Fatalf("read DIR/admin.key: %v", err)
	}
	c.admin = strings.TrimSpace(string(b))
	info, err := os.Stat(filepath.Join(c.dir, "admin.key"))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("admin.key mode = %v (%v), want 0600", info.Mode().Perm(), err)
	}
	if !c.p.stdoutContains(c.admin) {
		t.Errorf("first start did not print the admin key; stdout %q", c.p.stdout.String())
	}
	if r := c.call("", "GET", "/healthz", "", ""); r.status != 200 {
		t.Errorf("GET /healthz without a key = %d %s, want 200", r.status, r.body)
	}
	wantError(t, "GET /api/v1/projects without key", c.call("", "GET", "/api/v1/projects",
		"", ""), 401)
	wantError(t, "GET /api/v1/projects with a wrong key", c.call("nope", "GET",
		"/api/v1/projects", "", ""), 401)
	var me struct{ Name string }
	c.json(t, c.admin, "GET", "/api/v1/me", "", 200, &me)
	if me.Name != "admin" {
		t.Errorf("GET /api/v1/me with the admin key: name %q, want admin", me.Name)
	}
	if r := c.call("", "GET", "/api/v1/openapi.json", "", ""); r.status != 200 ||
		!json.Valid(r.body) {
		t.Errorf("GET /api/v1/openapi.json = %d, want 200 and JSON", r.status)
	}
}

func (c *contract) errors(t *testing.T) {
	wantError(t, "POST /api/v1/projects bad JSON",
		c.call(c.admin, "POST", "/api/v1/projects", "application/json", `{"name":`), 400)
	wantError(t, "POST /api/v1/projects bad visibility",
		c.call(c.admin, "POST", "/api/v1/projects", "application/json",
			`{"name":"x","visibility":"secret"}`), 400, "visibility")
	wantError(t, "POST /api/v1/projects name of wrong type",
		c.call(c.admin, "POST", "/api/v1/projects", "application/json", `{"name":5}`),
		400, "name")
	wantError(t, "GET unknown project", c.call(c.admin, "GET",
		"/api/v1/projects/none/runs", "", ""), 404)
	wantError(t, "GET unknown path", c.call(c.admin, "GET", "/api/v1/nowhere", "", ""), 404)
	for _, tc := range []struct{ path, body, field string }{
		{"/api/v1/users", `{}`, "name"},
		{"/api/v1/users", `{"name":"a b"}`, "name"},
		{"/api/v1/teams", `{"name":""}`, "name"},
		{"/api/v1/projects", `{"name":""}`, "name"},
		{"/api/v1/projects", `{"name":"a/b"}`, "name"},
		{"/api/v1/projects", `{"name":"p","team":5}`, "team"},
	} {
		wantError(t, "POST "+tc.path+" "+tc.body, c.call(c.admin, "POST", tc.path,
			"application/json", tc.body), 400, tc.field)
	}
	big := `{"name":"big","pad":"` + strings.Repeat("x", 9<<20) + `"}`
	wantError(t, "POST /api/v1/projects with a 9 MiB body", c.call(c.admin, "POST",
		"/api/v1/projects", "application/json", big), 413)
	// 403 and 409 are met in the sections below, 429 in
	// TestContractRateLimit, 503 in TestServeEnvKeyAndCleanShutdown.
}

func (c *contract) access(t *testing.T) {
	var u struct {
		Name   string `json:"name"`
		APIKey string `json:"api_key"`
	}
	for _, name := range []string{"ana", "bob", "eve"} {
		c.json(t, c.admin, "POST", "/api/v1/users", `{"name":"`+name+`"}`, 201, &u)
		if u.Name != name || u.APIKey == "" {
			t.Fatalf("POST /api/v1/users %s = %+v, want name and api_key", name, u)
		}
		switch name {
		case "ana":
			c.ana = u.APIKey
		case "bob":
			c.bob = u.APIKey
		default:
			c.eve = u.APIKey
		}
	}
	wantError(t, "POST /api/v1/users by a non-admin", c.call(c.ana, "POST", "/api/v1/users",
		"application/json", `{"name":"zed"}`), 403)
	wantError(t, "POST /api/v1/users twice", c.call(c.admin, "POST", "/api/v1/users",
		"application/json", `{"name":"ana"}`), 409)
	c.json(t, c.ana, "GET", "/api/v1/me", "", 200, nil)

	c.json(t, c.ana, "POST", "/api/v1/teams", `{"name":"vision"}`, 201, nil)
	wantError(t, "POST members by a non-admin of the team", c.call(c.bob, "POST",
		"/api/v1/teams/vision/members", "application/json", `{"user":"bob"}`), 403)
	c.json(t, c.ana, "POST", "/api/v1/teams/vision/members", `{"user":"bob"}`, 201, nil)
	wantError(t, "POST members without user", c.call(c.ana, "POST",
		"/api/v1/teams/vision/members", "application/json", `{}`), 400, "user")
	wantError(t, "POST members of an unknown user", c.call(c.ana, "POST",
		"/api/v1/teams/vision/members", "application/json", `{"user":"nobody"}`), 404)
	wantError(t, "POST members of an unknown team", c.call(c.ana, "POST",
		"/api/v1/teams/none/members", "application/json", `{"user":"bob"}`), 404)
	wantError(t, "POST members by a member who is no team admin", c.call(c.bob, "POST",
		"/api/v1/teams/vision/members", "application/json", `{"user":"eve"}`), 403)

	// A team project, private: ana and bob read and write, eve nothing.
	c.json(t, c.ana, "POST", "/api/v1/projects",
		`{"name":"mnist","team":"vision","visibility":"private"}`, 201, nil)
	c.json(t, c.bob, "GET", "/api/v1/projects/mnist/runs", "", 200, nil)
	c.json(t, c.bob, "POST", "/api/v1/projects/mnist/runs", `{"id":"b1"}`, 201, nil)
	wantError(t, "eve reads a private project", c.call(c.eve, "GET",
		"/api/v1/projects/mnist/runs", "", ""), 403)
	wantError(t, "eve writes a private project", c.call(c.eve, "POST",
		"/api/v1/projects/mnist/runs", "application/json", `{}`), 403)

	// Without team, the caller owns it; public is readable by all.
	c.json(t, c.bob, "POST", "/api/v1/projects", `{"name":"pub","visibility":"public"}`,
		201, nil)
	c.json(t, c.bob, "POST", "/api/v1/projects/pub/runs", `{"id":"r"}`, 201, nil)
	c.json(t, c.eve, "GET", "/api/v1/projects/pub/runs", "", 200, nil)
	c.json(t, c.eve, "GET", "/api/v1/projects/pub/runs/r/history", "", 200, nil)
	wantError(t, "eve writes a public project", c.call(c.eve, "POST",
		"/api/v1/projects/pub/runs", "application/json", `{}`), 403)
	wantError(t, "eve appends to a public project", c.call(c.eve, "POST",
		"/api/v1/projects/pub/runs/r/history", "application/json",
		`{"rows":[{"a":1}]}`), 403)
	c.json(t, c.eve, "POST", "/api/v1/projects", `{"name":"own"}`, 201, nil)
	var list struct {
		Projects []struct{ Name string } `json:"projects"`
	}
	c.json(t, c.eve, "GET", "/api/v1/projects", "", 200, &list)
	names := fmt.Sprint(list.Projects)
	if !strings.Contains(names, "pub") || !strings.Contains(names, "own") ||
		strings.Contains(names, "mnist") {
		t.Errorf("eve's GET /api/v1/projects = %s, want pub and own, not mnist", names)
	}
	wantError(t, "bob reads eve's private project", c.call(c.bob, "GET",
		"/api/v1/projects/own/runs", "", ""), 403)
	wantError(t, "POST /api/v1/projects twice", c.call(c.eve, "POST", "/api/v1/projects",
		"application/json", `{"name":"own"}`), 409)
}

func (c *contract) runs(t *testing.T) {
	const base = "/api/v1/projects/mnist/runs"
	var run map[string]any
	c.json(t, c.ana, "POST", base, `{"id":"r1","name":"first","group":"g","job_type":"train",
		"tags":["a","b"],"notes":"n","config":{"lr":0.1,"opt":{"name":"adam"}}}`, 201, &run)
	want := map[string]any{"id": "r1", "name": "first", "group": "g", "job_type": "train",
		"tags": []any{"a", "b"}, "notes": "n"}
	for k, v := range want {
		if !reflect.DeepEqual(run[k], v) {
			t.Errorf("POST runs: %s = %v, want %v", k, run[k], v)
		}
	}
	c.json(t, c.ana, "POST", base, `{}`, 201, &run)
	if id, _ := run["id"].(string); id == "" {
		t.Errorf("POST runs without id: answer %v has no generated id", run)
	}
	wantError(t, "POST runs with an existing id", c.call(c.ana, "POST", base,
		"application/json", `{"id":"r1"}`), 409)
	wantError(t, "POST runs with a bad id", c.call(c.ana, "POST", base,
		"application/json", `{"id":"a b"}`), 400, "id")
	wantError(t, "POST runs with tags of the wrong type", c.call(c.ana, "POST", base,
		"application/json", `{"tags":"a"}`), 400, "tags")

	c.json(t, c.bob, "PATCH", base+"/r1", `{"name":"renamed","group":"g2","tags":["c"],
		"notes":"m","state":"finished","config":{"opt":{"beta":0.9},"bs":32}}`, 200, &run)
	c.json(t, c.ana, "GET", base+"/r1", "", 200, &run)
	want = map[string]any{"name": "renamed", "group": "g2", "tags": []any{"c"},
		"notes": "m", "state": "finished", "job_type": "train"}
	for k, v := range want {
		if !reflect.DeepEqual(run[k], v) {
			t.Errorf("PATCH runs: %s = %v, want %v", k, run[k], v)
		}
	}
	cfg, _ := run["config"].(map[string]any)
	if cfg["lr"] != 0.1 || cfg["bs"] != 32.0 || cfg["opt"] == nil {
		t.Errorf("PATCH runs: config = %v, want lr and opt kept, bs added", cfg)
	}
	for _, st := range []string{"running", "failed", "crashed", "finished"} {
		c.json(t, c.ana, "PATCH", base+"/r1", `{"state":"`+st+`"}`, 200, &run)
		if run["state"] != st {
			t.Errorf("PATCH state %s: answer state %v", st, run["state"])
		}
	}
	wantError(t, "PATCH invalid state", c.call(c.ana, "PATCH", base+"/r1",
		"application/json", `{"state":"paused"}`), 400, "state")
	wantError(t, "PATCH unknown run", c.call(c.ana, "PATCH", base+"/none",
		"application/json", `{"name":"x"}`), 404)
}

// history is the answer of GET .../history as JSON.
type history struct {
	Steps   []int64                      `json:"steps"`
	Columns map[string][]json.RawMessage `json:"columns"`
}

func (c *contract) getHistory(t *testing.T, project, run, query string) history {
	t.Helper()
	var h history
	c.json(t, c.ana, "GET", "/api/v1/projects/"+project+"/runs/"+run+"/history"+query, "",
		200, &h)
	return h
}

// column renders a history column as its JSON texts, for comparisons.
func (h history) column(key string) string {
	parts := make([]string, len(h.Columns[key]))
	for i, v := range h.Columns[key] {
		parts[i] = string(v)
	}
	return strings.Join(parts, " ")
}

func (c *contract) historyPost(t *testing.T) {
	const path = "/api/v1/projects/mnist/runs/h/history"
	c.json(t, c.ana, "POST", "/api/v1/projects/mnist/runs", `{"id":"h"}`, 201, nil)
	before := float64(time.Now().UnixNano()) / 1e9
	var res struct{ Rows, Points int }
	c.json(t, c.ana, "POST", path, `{"rows":[
		{"_step":0,"_timestamp":1700000000.5,"a":1.5,"b":true,"c":null},
		{"a":"NaN","b":false},
		{"_step":5,"a":"Infinity"},
		{"a":"-Infinity"}]}`, 200, &res)
	after := float64(time.Now().UnixNano()) / 1e9
	if res.Rows != 4 || res.Points != 6 {
		t.Errorf("POST history JSON = %+v, want rows 4 points 6", res)
	}
	r := c.call(c.ana, "POST", path, "application/x-ndjson",
		"{\"_step\":10,\"a\":NaN}\n{\"a\":Infinity,\"b\":-Infinity}\n")
	if r.status != 200 || !strings.Contains(string(r.body), `"rows":2`) ||
		!strings.Contains(string(r.body), `"points":3`) {
		t.Errorf("POST history NDJSON = %d %s, want rows 2 points 3", r.status, r.body)
	}
	// The bare tokens in a JSON document too, and a body sent as curl -d
	// sends it, with a form type.
	r = c.call(c.ana, "POST", path, "application/x-www-form-urlencoded",
		`{"rows":[{"_step":12,"d":NaN,"e":-Infinity}]}`)
	if r.status != 200 || !strings.Contains(string(r.body), `"points":2`) {
		t.Errorf("POST history JSON with bare tokens, form type = %d %s, want points 2",
			r.status, r.body)
	}
	if h := c.getHistory(t, "mnist", "h", "?keys=d,e"); h.column("d")+h.column("e") !=
		`"NaN""-Infinity"` {
		t.Errorf("history d, e = %s %s, want NaN and -Infinity", h.column("d"),
			h.column("e"))
	}
	h := c.getHistory(t, "mnist", "h", "?keys=a,b")
	if fmt.Sprint(h.Steps) != "[0 1 5 6 10 11]" {
		t.Errorf("history steps = %v, want [0 1 5 6 10 11] (absent _step is last+1)", h.Steps)
	}
	if got, want := h.column("a"),
		`1.5 "NaN" "Infinity" "-Infinity" "NaN" "Infinity"`; got != want {
		t.Errorf("history column a = %s, want %s", got, want)
	}
	if got, want := h.column("b"), `1 0 null null null "-Infinity"`; got != want {
		t.Errorf("history column b = %s, want %s", got, want)
	}
	h = c.getHistory(t, "mnist", "h", "?keys=_timestamp&max_step=1")
	var ts [2]float64
	for i := range ts {
		if i < len(h.Columns["_timestamp"]) {
			_ = json.Unmarshal(h.Columns["_timestamp"][i], &ts[i])
		}
	}
	if ts[0] != 1700000000.5 || ts[1] < before-1 || ts[1] > after+1 {
		t.Errorf("_timestamp of steps 0, 1 = %v, want 1700000000.5 and the server clock "+
			"in [%f, %f]", ts, before, after)
	}

	// Writing (run, key, step) again replaces it; rows in any order.
	for range 2 {
		c.json(t, c.ana, "POST", path, `{"rows":[{"_step":30,"a":3},{"_step":20,"a":2},
			{"_step":5,"a":7},{"_step":25,"a":2.5}]}`, 200, nil)
	}
	h = c.getHistory(t, "mnist", "h", "?keys=a&min_step=5")
	if fmt.Sprint(h.Steps) != "[5 6 10 11 20 25 30]" || h.column("a") !=
		`7 "-Infinity" "NaN" "Infinity" 2 2.5 3` {
		t.Errorf("history after rewrite = %v %s, want steps [5 6 10 11 20 25 30], a "+
			"7 at step 5, once each", h.Steps, h.column("a"))
	}
	c.badHistory(t, path)
}

// badHistory sends refused batches, each with a good row first: 400
// naming the problem, and nothing of the batch stored.
func (c *contract) badHistory(t *testing.T, path string) {
	long := strings.Repeat("k", 257)
	cases := []struct {
		name, ctype, body, names string
	}{
		{"malformed JSON", "application/json", `{"rows":[{"_step":100,"z":1},{"_step":`,
			"JSON"},
		{"malformed NDJSON", "application/x-ndjson", "{\"_step\":100,\"z\":1}\n{\"z\":}\n",
			"line 2"},
		{"negative step", "application/json",
			`{"rows":[{"_step":100,"z":1},{"_step":-1,"z":1}]}`, "_step"},
		{"fractional step", "application/json",
			`{"rows":[{"_step":100,"z":1},{"_step":1.5,"z":1}]}`, "_step"},
		{"boolean step", "application/json",
			`{"rows":[{"_step":100,"z":1},{"_step":true,"z":1}]}`, "_step"},
		{"string step", "application/json",
			`{"rows":[{"_step":100,"z":1},{"_step":"3","z":1}]}`, "_step"},
		{"empty key", "application/json", `{"rows":[{"_step":100,"z":1},{"":1}]}`, "key"},
		{"over-long key", "application/json",
			`{"rows":[{"_step":100,"z":1},{"` + long + `":1}]}`, "key"},
		{"other string", "application/json",
			`{"rows":[{"_step":100,"z":1},{"z":"hello"}]}`, "z"},
		{"lowercase nan", "application/json", `{"rows":[{"_step":100,"z":1},{"z":"nan"}]}`,
			"z"},
		{"object value", "application/json", `{"rows":[{"_step":100,"z":1},{"z":{}}]}`, "z"},
		{"string timestamp", "application/json",
			`{"rows":[{"_step":100,"z":1},{"_timestamp":"now","z":1}]}`, "_timestamp"},
		{"row not an object", "application/json", `{"rows":[{"_step":100,"z":1},5]}`, "row"},
	}
	for _, tc := range cases {
		r := c.call(c.ana, "POST", path, tc.ctype, tc.body)
		wantError(t, "POST history "+tc.name, r, 400, tc.names)
	}
	rows := strings.Repeat(`{"_step":100,"z":1}`+"\n", 100_001)
	wantError(t, "POST history of 100,001 rows", c.call(c.ana, "POST", path,
		"application/x-ndjson", rows), 413, "rows")
	wantError(t, "POST history to an unknown run", c.call(c.ana, "POST",
		"/api/v1/projects/mnist/runs/none/history", "application/json",
		`{"rows":[{"z":1}]}`), 404)
	h := c.getHistory(t, "mnist", "h", "?keys=z")
	if len(h.Steps) != 0 {
		t.Errorf("refused batches stored steps %v of key z", h.Steps)
	}
	var run struct {
		LastStep int64          `json:"last_step"`
		Summary  map[string]any `json:"summary"`
	}
	c.json(t, c.ana, "GET", "/api/v1/projects/mnist/runs/h", "", 200, &run)
	if run.LastStep != 30 || run.Summary["z"] != nil {
		t.Errorf("run after refused batches: last_step %d, summary z %v; want 30 and none",
			run.LastStep, run.Summary["z"])
	}
}

// listedRun is a run of GET .../runs.
type listedRun struct {
	ID      string                    `json:"id"`
	Name    string                    `json:"name"`
	Config  map[string]any            `json:"config"`
	Summary map[string]map[string]any `json:"summary"`
}

func (c *contract) runsList(t *testing.T) {
	const base = "/api/v1/projects/list/runs"
	c.json(t, c.ana, "POST", "/api/v1/projects", `{"name":"list","team":"vision"}`, 201, nil)
	for i, loss := range [][]string{{"3", "1", "2", "1.5"}, {"4", "0.5"}, {"2", `"NaN"`},
		{"5"}} {
		id := fmt.Sprintf("l%d", i)
		c.json(t, c.ana, "POST", base, fmt.Sprintf(`{"id":%q,"config":{"lr":0.%d}}`, id, i+1),
			201, nil)
		var rows []string
		for step, v := range loss {
			rows = append(rows, fmt.Sprintf(`{"_step":%d,"loss":%s}`, step, v))
		}
		c.json(t, c.ana, "POST", base+"/"+id+"/history",
			`{"rows":[`+strings.Join(rows, ",")+`]}`, 200, nil)
	}
	var page struct {
		Runs []listedRun `json:"runs"`
		Next *string     `json:"next"`
	}
	c.json(t, c.ana, "GET", base+"?filter="+url.QueryEscape("config.lr >= 0.2")+
		"&sort=summary.loss&order=asc&limit=2", "", 200, &page)
	// l2's latest loss is NaN, which sorts after every number.
	if ids := runIDs(page.Runs); ids != "l1 l3" || page.Next == nil || *page.Next == "" {
		t.Fatalf("runs filter lr>=0.2, sort loss asc, limit 2 = %s next %v, want l1 l3 "+
			"and a next cursor", ids, page.Next)
	}
	c.json(t, c.ana, "GET", base+"?filter="+url.QueryEscape("config.lr >= 0.2")+
		"&sort=summary.loss&order=asc&limit=2&next="+url.QueryEscape(*page.Next),
		"", 200, &page)
	if ids := runIDs(page.Runs); ids != "l2" || page.Next == nil || *page.Next != "" {
		t.Errorf("second page = %s next %v, want l2 and next \"\"", ids, page.Next)
	}
	c.json(t, c.ana, "GET", base+"?sort=id&order=desc", "", 200, &page)
	if ids := runIDs(page.Runs); ids != "l3 l2 l1 l0" {
		t.Errorf("runs sort=id order=desc = %s, want l3 l2 l1 l0", ids)
	}
	for _, r := range page.Runs {
		if r.ID != "l0" {
			continue
		}
		got, _ := json.Marshal(r.Summary["loss"])
		if string(got) != `{"last":1.5,"max":3,"min":1,"step":3}` {
			t.Errorf("summary of l0 loss = %s, want last 1.5 step 3 min 1 max 3", got)
		}
	}
	wantError(t, "GET runs bad order", c.call(c.ana, "GET", base+"?order=up", "", ""),
		400, "order")
	wantError(t, "GET runs bad filter", c.call(c.ana, "GET", base+"?filter=(((", "", ""),
		400, "filter")
	wantError(t, "GET runs bad limit", c.call(c.ana, "GET", base+"?limit=x", "", ""),
		400, "limit")
}

func runIDs(runs []listedRun) string {
	ids := make([]string, len(runs))
	for i, r := range runs {
		ids[i] = r.ID
	}
	return strings.Join(ids, " ")
}

func (c *contract) historyGet(t *testing.T) {
	const path = "/api/v1/projects/mnist/runs/hx/history"
	c.json(t, c.ana, "POST", "/api/v1/projects/mnist/runs", `{"id":"hx"}`, 201, nil)
	c.json(t, c.ana, "POST", path, `{"rows":[{"_step":1,"a":0.1,"b":-2},{"_step":2,"a":"NaN","b":-0},
		{"_step":4,"b":"Infinity"},{"_step":7,"a":1e300,"b":"-Infinity"},{"_step":9,"c":1}]}`,
		200, nil)
	h := c.getHistory(t, "mnist", "hx", "?keys=a,b")
	want := `[1 2 4 7] 0.1 "NaN" null 1e+300 | -2 -0 "Infinity" "-Infinity"`
	if got := fmt.Sprint(h.Steps, " ", h.column("a"), " | ", h.column("b")); got != want {
		t.Errorf("GET history keys=a,b = %s, want %s", got, want)
	}
	h = c.getHistory(t, "mnist", "hx", "?keys=a,b&min_step=2&max_step=7")
	if fmt.Sprint(h.Steps) != "[2 4 7]" {
		t.Errorf("GET history min_step=2 max_step=7: steps %v, want [2 4 7]", h.Steps)
	}

	r := c.call(c.ana, "GET", path+"?keys=a,b&format=csv", "", "")
	lines := strings.Split(strings.TrimSpace(string(r.body)), "\n")
	if r.status != 200 || len(lines) != 5 || !strings.Contains(lines[0], "a") ||
		!strings.HasPrefix(lines[1], "1,") {
		t.Errorf("GET history format=csv = %d %q, want a header and 4 rows", r.status, lines)
	}

	r = c.call(c.ana, "GET", path+"?keys=a,b", "", "", "Accept",
		"application/vnd.apache.arrow.stream")
	if r.status != 200 {
		t.Fatalf("GET history as Arrow = %d %s", r.status, r.body)
	}
	nan, inf := math.NaN(), math.Inf(1)
	wantArrow(t, r.body, []int64{1, 2, 4, 7}, map[string][]*float64{
		"a": {ptr(0.1), ptr(nan), nil, ptr(1e300)},
		"b": {ptr(-2), ptr(math.Copysign(0, -1)), ptr(inf), ptr(-inf)},
	})
}

func ptr(v float64) *float64 { return &v }

// wantArrow decodes an Arrow IPC stream and compares it bit for bit with
// the steps and columns wanted (nil: null).
func wantArrow(t *testing.T, body []byte, steps []int64, cols map[string][]*float64) {
	t.Helper()
	rd, err := ipc.NewReader(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("arrow: %v", err)
	}
	defer rd.Release()
	var gotSteps []int64
	got := map[string][]*float64{}
	for rd.Next() {
		rec := rd.RecordBatch()
		for i, f := range rec.Schema().Fields() {
			col := rec.Column(i)
			switch {
			case f.Name == "_step" && f.Type.ID() == arrow.INT64:
				gotSteps = append(gotSteps, col.(*array.Int64).Int64Values()...)
			case f.Type.ID() == arrow.FLOAT64:
				fc := col.(*array.Float64)
				for j := range fc.Len() {
					var v *float64
					if fc.IsValid(j) {
						v = ptr(fc.Value(j))
					}
					got[f.Name] = append(got[f.Name], v)
				}
			default:
				t.Errorf("arrow: field %s has type %s, want _step int64 or float64", f.Name,
					f.Type)
			}
		}
	}
	if err := rd.Err(); err != nil {
		t.Fatalf("arrow: read: %v", err)
	}
	if !reflect.DeepEqual(gotSteps, steps) {
		t.Errorf("arrow _step = %v, want %v", gotSteps, steps)
	}
	for k, want := range cols {
		if show(got[k]) != show(want) {
			t.Errorf("arrow column %s = %s, want %s", k, show(got[k]), show(want))
		}
	}
}

// show renders values by their bits, nil as null.
func show(vs []*float64) string {
	var b strings.Builder
	for _, v := range vs {
		if v == nil {
			b.WriteString("null ")
			continue
		}
		fmt.Fprintf(&b, "%016x ", math.Float64bits(*v))
	}
	return b.String()
}

// ws is a workspace answer.
type ws struct {
	Owner    string `json:"owner"`
	Revision uint64 `json:"revision"`
	Spec     struct {
		Version  int `json:"version"`
		Sections []struct {
			Name string `json:"name"`
		} `json:"sections"`
	} `json:"spec"`
}

func (w ws) sections() string {
	names := make([]string, len(w.Spec.Sections))
	for i, s := range w.Spec.Sections {
		names[i] = s.Name
	}
	return strings.Join(names, ",")
}

// specNamed is a workspace spec with one section of that name.
func specNamed(name string) string {
	return `{"version":3,"sections":[{"id":"s","name":"` + name + `","panels":[]}]}`
}

func (c *contract) workspaces(t *testing.T) {
	const base = "/api/v1/projects/mnist/workspaces"
	var w ws
	c.json(t, c.ana, "GET", "/api/v1/projects/charts/workspaces/me", "", 200, &w)
	if w.Owner != "ana" || w.Spec.Version == 0 || len(w.Spec.Sections) == 0 {
		t.Errorf("GET workspaces/me with no default = %+v, want ana's automatic layout "+
			"with a version and sections", w)
	}
	c.json(t, c.ana, "GET", base+"/default", "", 200, nil)
	c.json(t, c.ana, "PUT", base+"/default", `{"revision":0,"spec":`+specNamed("Default")+`}`,
		200, nil)
	wantError(t, "PUT default by a member who is no admin", c.call(c.bob, "PUT",
		base+"/default", "application/json", `{"revision":1,"spec":`+specNamed("X")+`}`), 403)
	// Reads lay out the keys the saved layout has not seen in a section of
	// their own, after the saved ones.
	c.json(t, c.bob, "GET", base+"/default", "", 200, &w)
	if !strings.HasPrefix(w.sections(), "Default") {
		t.Errorf("GET default = sections %q, want Default first", w.sections())
	}

	c.json(t, c.bob, "GET", base+"/me", "", 200, &w)
	if w.Owner != "bob" || !strings.HasPrefix(w.sections(), "Default") || w.Spec.Version == 0 {
		t.Fatalf("bob's first GET me = %+v, want a copy of the default", w)
	}
	rev := w.Revision
	wantError(t, "undo with nothing to undo", c.call(c.bob, "POST", base+"/me/undo",
		"application/json", ""), 409)
	wantError(t, "redo with nothing to redo", c.call(c.bob, "POST", base+"/me/redo",
		"application/json", ""), 409)
	c.json(t, c.bob, "PUT", base+"/me", fmt.Sprintf(`{"revision":%d,"spec":%s}`, rev,
		specNamed("Bob1")), 200, &w)
	if w.Revision != rev+1 || !strings.HasPrefix(w.sections(), "Bob1") {
		t.Errorf("PUT me at revision %d = revision %d sections %q, want %d Bob1", rev,
			w.Revision, w.sections(), rev+1)
	}
	wantError(t, "PUT me with a stale revision", c.call(c.bob, "PUT", base+"/me",
		"application/json", fmt.Sprintf(`{"revision":%d,"spec":%s}`, rev,
			specNamed("Stale"))), 409)
	c.json(t, c.bob, "POST", base+"/me/undo", "", 200, &w)
	if !strings.HasPrefix(w.sections(), "Default") {
		t.Errorf("undo = sections %q, want Default", w.sections())
	}
	c.json(t, c.bob, "POST", base+"/me/redo", "", 200, &w)
	if !strings.HasPrefix(w.sections(), "Bob1") {
		t.Errorf("redo = sections %q, want Bob1", w.sections())
	}
	c.json(t, c.bob, "GET", base+"/me", "", 200, &w)
	if !strings.HasPrefix(w.sections(), "Bob1") {
		t.Errorf("GET me after redo = sections %q, want Bob1", w.sections())
	}

	c.json(t, c.ana, "GET", base+"/bob", "", 200, &w)
	if w.Owner != "bob" || !strings.HasPrefix(w.sections(), "Bob1") {
		t.Errorf("ana reads bob's workspace = %+v, want bob's Bob1", w)
	}
	wantError(t, "ana PUTs bob's workspace", c.call(c.ana, "PUT", base+"/bob",
		"application/json", fmt.Sprintf(`{"revision":%d,"spec":%s}`, w.Revision,
			specNamed("Ana"))), 403)
	c.json(t, c.ana, "GET", base+"/me", "", 200, &w)
	rev = w.Revision
	c.json(t, c.ana, "POST", base+"/me/copy", `{"from":"bob"}`, 200, &w)
	if w.Owner != "ana" || !strings.HasPrefix(w.sections(), "Bob1") || w.Revision != rev+1 {
		t.Errorf("copy from bob = %+v, want ana's workspace with Bob1", w)
	}
	c.json(t, c.ana, "POST", base+"/me/undo", "", 200, &w)
	if !strings.HasPrefix(w.sections(), "Default") {
		t.Errorf("undo of copy = sections %q, want Default", w.sections())
	}

	// The owner of a team project may set its default, admin of the team
	// or not.
	c.json(t, c.bob, "POST", "/api/v1/projects", `{"name":"bobs","team":"vision"}`, 201, nil)
	c.json(t, c.bob, "PUT", "/api/v1/projects/bobs/workspaces/default",
		`{"revision":0,"spec":`+specNamed("B")+`}`, 200, nil)
	c.views(t)
}

func (c *contract) views(t *testing.T) {
	const base = "/api/v1/projects/mnist/views"
	var v struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	}
	c.json(t, c.ana, "POST", base, `{"name":"v1","spec":`+specNamed("V")+`}`, 201, &v)
	if v.ID == "" || v.Name != "v1" {
		t.Fatalf("POST views = %+v, want an id and name v1", v)
	}
	c.json(t, c.bob, "GET", base, "", 200, nil)
	c.json(t, c.bob, "PUT", base+"/"+v.ID, `{"name":"v2","spec":`+specNamed("W")+`}`, 200,
		nil)
	c.json(t, c.ana, "GET", base+"/"+v.ID, "", 200, &v)
	if v.Name != "v2" {
		t.Errorf("GET view after PUT = %+v, want name v2", v)
	}
	r := c.call(c.ana, "DELETE", base+"/"+v.ID, "", "")
	if r.status != 200 && r.status != 204 {
		t.Errorf("DELETE view = %d %s", r.status, r.body)
	}
	wantError(t, "GET deleted view", c.call(c.ana, "GET", base+"/"+v.ID, "", ""), 404)
}

func (c *contract) reports(t *testing.T) {
	const base = "/api/v1/projects/charts/reports"
	report := `{"title":"T","mode":"dynamic","blocks":[{"type":"text","markdown":"# hi"},
		{"type":"panels","name":"S","runs":{"ids":["c1"]},
		 "panels":[{"id":"p","kind":"line","keys":["loss"]}]}]}`
	var rep struct {
		ID     string `json:"id"`
		Title  string `json:"title"`
		Mode   string `json:"mode"`
		Blocks []any  `json:"blocks"`
	}
	c.json(t, c.ana, "POST", base, report, 201, &rep)
	if rep.ID == "" || rep.Title != "T" || rep.Mode != "dynamic" || len(rep.Blocks) != 2 {
		t.Fatalf("POST report = %+v", rep)
	}
	id := rep.ID
	c.json(t, c.bob, "GET", base, "", 200, nil)
	c.json(t, c.ana, "PUT", base+"/"+id, strings.Replace(report, `"T"`, `"T2"`, 1), 200, nil)
	c.json(t, c.bob, "GET", base+"/"+id, "", 200, &rep)
	if rep.Title != "T2" {
		t.Errorf("GET report after PUT: title %q, want T2", rep.Title)
	}
	c.json(t, c.ana, "POST", base, strings.Replace(report, "dynamic", "static", 1), 201, &rep)
	if rep.Mode != "static" {
		t.Errorf("POST static report: mode %q", rep.Mode)
	}

	var sh struct{ Token, URL string }
	c.json(t, c.ana, "POST", base+"/"+id+"/share", "", 201, &sh)
	if sh.Token == "" || !strings.Contains(sh.URL, sh.Token) {
		t.Fatalf("POST share = %+v, want token and url", sh)
	}
	c.shareToken = sh.Token
	shared := "/api/v1/shared/" + sh.Token
	var got struct {
		Title string `json:"title"`
	}
	c.json(t, "", "GET", shared, "", 200, &got)
	if got.Title != "T2" {
		t.Errorf("GET shared report without key: title %q, want T2", got.Title)
	}
	var ans chartAnswer
	c.json(t, "", "POST", shared+"/charts", `{"runs":["c1"],"keys":["loss"],"width":10}`,
		200, &ans)
	if len(ans.Series) != 1 || ans.Series[0].Count == 0 {
		t.Errorf("shared chart = %+v, want the loss of c1", ans)
	}
	for _, path := range []string{shared + "/runs", "/api/v1/projects/charts/runs",
		"/api/v1/projects/charts/runs/c1/history", shared + "/../../projects"} {
		r := c.call(sh.Token, "GET", path, "", "")
		if r.status != 401 && r.status != 404 {
			t.Errorf("GET %s with the token = %d, want 401 or 404", path, r.status)
		}
	}
	r := c.call("", "POST", shared+"/charts", "application/json",
		`{"runs":["c2"],"keys":["loss"]}`)
	if r.status != 401 && r.status != 404 && r.status != 403 {
		t.Errorf("shared chart of a run outside the report = %d %s", r.status, r.body)
	}

	for _, m := range []string{"DELETE", "PUT", "PATCH"} {
		r := c.call(sh.Token, m, shared, "application/json", "{}")
		if r.status != 401 && r.status != 404 {
			t.Errorf("%s %s = %d, want 401 or 404", m, shared, r.status)
		}
	}
	c.staticReport(t)

	r = c.call(c.ana, "DELETE", base+"/"+id+"/share/"+sh.Token, "", "")
	if r.status != 200 && r.status != 204 {
		t.Errorf("DELETE share = %d %s", r.status, r.body)
	}
	wantError(t, "GET revoked share", c.call("", "GET", shared, "", ""), 404)
	r = c.call(c.ana, "DELETE", base+"/"+id, "", "")
	if r.status != 200 && r.status != 204 {
		t.Errorf("DELETE report = %d %s", r.status, r.body)
	}
	wantError(t, "GET deleted report", c.call(c.ana, "GET", base+"/"+id, "", ""), 404)
}

// restart stops the server with SIGTERM and checks that a second start
// sees everything: users, runs, history, workspaces.
func (c *contract) restart(t *testing.T) {
	if err := c.p.stop(); err != nil {
		t.Fatalf("SIGTERM: exit %v\n%s", err, c.p.logText())
	}
	c.p = startServe(t, c.dir, "SEXTANT_ADMIN_KEY=")
	if strings.Contains(c.p.stdout.String(), c.admin) {
		t.Errorf("second start printed the admin key again")
	}
	h := c.getHistory(t, "mnist", "h", "?keys=a&min_step=20")
	if fmt.Sprint(h.Steps) != "[20 25 30]" || h.column("a") != "2 2.5 3" {
		t.Errorf("history after restart = %v %s, want [20 25 30] 2 2.5 3", h.Steps,
			h.column("a"))
	}
	var w ws
	c.json(t, c.bob, "GET", "/api/v1/projects/mnist/workspaces/me", "", 200, &w)
	if !strings.HasPrefix(w.sections(), "Bob1") {
		t.Errorf("bob's workspace after restart: sections %q, want Bob1", w.sections())
	}
	var ans chartAnswer
	c.json(t, c.ana, "POST", "/api/v1/projects/charts/charts",
		`{"runs":["big"],"keys":["v"],"width":10}`, 200, &ans)
	if len(ans.Series) != 1 || ans.Series[0].Count != 500_001 {
		t.Errorf("big run after restart: %+v, want count 500001", ans.Series)
	}

	// SIGINT shuts down as cleanly as SIGTERM.
	c.json(t, c.ana, "POST", "/api/v1/projects/mnist/runs/h/history",
		`{"rows":[{"_step":40,"a":4}]}`, 200, nil)
	if err := c.p.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	if err := <-c.p.done; err != nil {
		t.Fatalf("SIGINT: exit %v\n%s", err, c.p.logText())
	}
	c.p = startServe(t, c.dir, "SEXTANT_ADMIN_KEY=")
	if h := c.getHistory(t, "mnist", "h", "?keys=a&min_step=40"); h.column("a") != "4" {
		t.Errorf("point acknowledged before SIGINT, after restart: %s, want 4", h.column("a"))
	}
}

// staticReport checks that a static report keeps the data it showed when
// it was saved, through its share link too.
func (c *contract) staticReport(t *testing.T) {
	const base = "/api/v1/projects/charts/reports"
	var rep struct{ ID string }
	c.json(t, c.ana, "POST", base, `{"title":"S","mode":"static","blocks":[
		{"type":"panels","name":"S","runs":{"ids":["c2"]},
		 "panels":[{"id":"p","kind":"line","keys":["loss"]}]}]}`, 201, &rep)
	var sh struct{ Token string }
	c.json(t, c.ana, "POST", base+"/"+rep.ID+"/share", "", 201, &sh)
	c.json(t, c.ana, "POST", "/api/v1/projects/charts/runs/c2/history",
		`{"rows":[{"_step":5000,"loss":1}]}`, 200, nil)

	var ans chartAnswer
	c.json(t, "", "POST", "/api/v1/shared/"+sh.Token+"/charts",
		`{"runs":["c2"],"keys":["loss"],"width":10}`, 200, &ans)
	if len(ans.Series) != 1 || ans.XMax == nil || *ans.XMax != 1499 ||
		ans.Series[0].Count != 1467 {
		t.Errorf("static report's chart after a new point: %+v, want x_max 1499, count 1467",
			ans)
	}
}

// TestContractRateLimit checks 429 with Retry-After, on a server started
// with a small ingest budget: the refused batch stores nothing.
func TestContractRateLimit(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the real binary; skipped with -short")
	}
	const key = "rate-admin-key"
	p := startServeArgs(t, t.TempDir(), []string{"--ingest-rate", "100"},
		"SEXTANT_ADMIN_KEY="+key)
	defer p.kill()
	c := &contract{t: t, p: p, admin: key, ana: key}
	c.json(t, key, "POST", "/api/v1/projects", `{"name":"p"}`, 201, nil)
	c.json(t, key, "POST", "/api/v1/projects/p/runs", `{"id":"r"}`, 201, nil)
	batch := func(from int) string {
		rows := make([]string, 150)
		for i := range rows {
			rows[i] = fmt.Sprintf(`{"_step":%d,"a":1}`, from+i)
		}
		return strings.Join(rows, "\n")
	}
	const path = "/api/v1/projects/p/runs/r/history"
	if r := c.call(key, "POST", path, "application/x-ndjson", batch(0)); r.status != 200 {
		t.Fatalf("first batch = %d %s, want 200", r.status, r.body)
	}
	r := c.call(key, "POST", path, "application/x-ndjson", batch(150))
	wantError(t, "second batch over the budget", r, 429)
	if s, err := strconv.Atoi(r.header.Get("Retry-After")); err != nil || s < 1 {
		t.Errorf("429 Retry-After = %q, want a number of seconds", r.header.Get("Retry-After"))
	}
	if h := c.getHistory(t, "p", "r", "?keys=a"); len(h.Steps) != 150 {
		t.Errorf("history after a refused batch: %d steps, want 150", len(h.Steps))
	}
}
