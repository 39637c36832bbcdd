package server

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/sextant-ml/sextant/workspace"
)

const reportsPath = "/api/v1/projects/mnist/reports"

// reportBody is a report of one text block and one panels block drawing
// keys of runs (a filter when runs is a string).
func reportBody(mode string, runs any, keys ...string) map[string]any {
	rs := map[string]any{"ids": runs}
	if f, ok := runs.(string); ok {
		rs = map[string]any{"filter": f}
	}
	return map[string]any{
		"title": "Week 12", "mode": mode,
		"blocks": []any{
			map[string]any{"type": "text", "markdown": "# Results"},
			map[string]any{"type": "panels", "name": "losses", "runs": rs,
				"panels": []any{map[string]any{"id": "p1", "kind": "line", "keys": keys}}},
		},
	}
}

func (e *wsEnv) createReport(user, project string, body any) workspace.Report {
	e.t.Helper()
	var r workspace.Report
	e.want(http.StatusCreated, user, "POST", "/api/v1/projects/"+project+"/reports", body, &r)
	return r
}

func (e *wsEnv) share(user, project, id string) string {
	e.t.Helper()
	var ans struct{ Token, URL string }
	e.want(http.StatusCreated, user, "POST",
		"/api/v1/projects/"+project+"/reports/"+id+"/share", nil, &ans)
	if len(ans.Token) != 43 || !strings.HasSuffix(ans.URL, "/api/v1/shared/"+ans.Token) {
		e.t.Fatalf("share = %+v, want a 43-character token and its URL", ans)
	}
	return ans.Token
}

// sharedChart runs a raw chart query through a share link, without a key,
// and returns the status and, per run, the largest x drawn and the count.
func (e *wsEnv) sharedChart(token string, body map[string]any) (int, map[string][2]float64) {
	e.t.Helper()
	body["mode"] = "raw"
	code, data := e.do("", "POST", "/api/v1/shared/"+token+"/charts", body)
	if code != http.StatusOK {
		return code, nil
	}
	var ans struct {
		Series []struct {
			Run   string
			Count int
			X     []float64
		}
	}
	if err := json.Unmarshal(data, &ans); err != nil {
		e.t.Fatalf("shared chart answer %s: %v", data, err)
	}
	out := map[string][2]float64{}
	for _, s := range ans.Series {
		top := -1.0
		if len(s.X) > 0 {
			top = s.X[len(s.X)-1]
		}
		out[s.Run] = [2]float64{top, float64(s.Count)}
	}
	return code, out
}

func TestStaticReportKeepsItsData(t *testing.T) {
	e := newWSEnv(t)
	static := e.createReport("ana", "mnist", reportBody("static", []string{"r1", "r2"},
		"train/loss"))
	dynamic := e.createReport("ana", "mnist", reportBody("dynamic", []string{"r1", "r2"},
		"train/loss"))
	sn := static.Blocks[1].Snapshot
	if sn == nil || sn.Bounds["r1"]["train/loss"] != 9 || dynamic.Blocks[1].Snapshot != nil {
		t.Fatalf("POST static report: snapshot %+v, want r1 train/loss bounded at 9", sn)
	}
	st, dyn := e.share("ana", "mnist", static.ID), e.share("bob", "mnist", dynamic.ID)

	e.log("mnist", "r1", 10, 20, "train/loss")
	e.log("mnist", "r1", 5, 6, "train/loss") // a rewrite below the bound shows
	tests := []struct {
		name, token string
		want        map[string][2]float64
	}{
		{"static", st, map[string][2]float64{"r1": {9, 10}, "r2": {9, 10}}},
		{"dynamic", dyn, map[string][2]float64{"r1": {19, 20}, "r2": {9, 10}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, got := e.sharedChart(tt.token, map[string]any{"keys": []string{"train/loss"}})
			if code != http.StatusOK || len(got) != 2 || got["r1"] != tt.want["r1"] ||
				got["r2"] != tt.want["r2"] {
				t.Errorf("shared chart (%s) = %d %v, want 200 %v", tt.name, code, got, tt.want)
			}
		})
	}

	// Saving the static report again takes a new snapshot.
	var again workspace.Report
	e.want(http.StatusOK, "bob", "PUT", reportsPath+"/"+static.ID,
		reportBody("static", []string{"r1"}, "train/loss"), &again)
	if b := again.Blocks[1].Snapshot.Bounds["r1"]["train/loss"]; b != 19 {
		t.Errorf("PUT static report: bound %d, want 19", b)
	}
}

func TestReportEmptyRunSetIsEveryRun(t *testing.T) {
	e := newWSEnv(t)
	r := e.createReport("ana", "mnist", reportBody("static", "", "train/loss"))
	if got := r.Blocks[1].Snapshot.Runs; len(got) != 2 {
		t.Errorf("static report with an empty filter: snapshot runs %q, want r1 and r2", got)
	}
}

func TestReportFilterRunSet(t *testing.T) {
	e := newWSEnv(t)
	r := e.createReport("ana", "mnist", reportBody("static", `id = "r2"`, "train/loss"))
	if got := r.Blocks[1].Snapshot.Runs; len(got) != 1 || got[0] != "r2" {
		t.Fatalf("static report with filter: snapshot runs %q, want [r2]", got)
	}
	token := e.share("ana", "mnist", r.ID)
	var ans struct {
		Title     string
		Project   string
		BlockRuns [][]struct{ ID string } `json:"block_runs"`
	}
	e.want(http.StatusOK, "", "GET", "/api/v1/shared/"+token, nil, &ans)
	if ans.Title != "Week 12" || ans.Project != "mnist" || ans.BlockRuns[0] != nil ||
		len(ans.BlockRuns[1]) != 1 || ans.BlockRuns[1][0].ID != "r2" {
		t.Errorf("GET shared = %+v, want the report with runs [r2] in block 1", ans)
	}
	if code, _ := e.sharedChart(token, map[string]any{"keys": []string{"train/loss"},
		"runs": []string{"r1"}}); code != http.StatusNotFound {
		t.Errorf("shared chart of r1, outside the filter's snapshot = %d, want 404", code)
	}
}

func TestShareLinkRefusals(t *testing.T) {
	e := newWSEnv(t)
	r1 := e.createReport("ana", "mnist", reportBody("dynamic", []string{"r1"}, "train/loss"))
	r2 := e.createReport("ana", "mnist", reportBody("dynamic", []string{"r2"}, "val/acc"))
	s1 := e.createReport("eve", "secret", reportBody("dynamic", []string{"s1"}, "train/loss"))
	t1, t2, ts := e.share("ana", "mnist", r1.ID), e.share("ana", "mnist", r2.ID),
		e.share("eve", "secret", s1.ID)

	if code, got := e.sharedChart(ts, map[string]any{"keys": []string{"train/loss"}}); code !=
		http.StatusOK || len(got) != 1 {
		t.Errorf("shared chart of a private project's report = %d %v, want 200, 1 series",
			code, got)
	}
	charts := []struct {
		name, token string
		body        map[string]any
	}{
		{"run of another report", t2, map[string]any{"keys": []string{"val/acc"},
			"runs": []string{"r1"}}},
		{"key of another report", t1, map[string]any{"keys": []string{"val/acc"}}},
		{"key outside any report", t1, map[string]any{"keys": []string{"lr"}}},
		{"x outside the report", t1, map[string]any{"keys": []string{"train/loss"}, "x": "lr"}},
		{"run of another project", ts, map[string]any{"keys": []string{"train/loss"},
			"runs": []string{"r1"}}},
		{"text block", t1, map[string]any{"keys": []string{"train/loss"}, "block": 0}},
		{"block out of range", t1, map[string]any{"keys": []string{"train/loss"}, "block": 9}},
		{"unknown token", t1 + "x", map[string]any{"keys": []string{"train/loss"}}},
	}
	for _, tt := range charts {
		t.Run(tt.name, func(t *testing.T) {
			if code, _ := e.sharedChart(tt.token, tt.body); code != http.StatusNotFound {
				t.Errorf("shared chart (%s) = %d, want 404", tt.name, code)
			}
		})
	}

	if code, _ := e.sharedChart(t1, map[string]any{"keys": []string{"train/loss"},
		"filter": "config.lr < 1"}); code != http.StatusBadRequest {
		t.Errorf("shared chart with a filter = %d, want 400", code)
	}

	// The token opens nothing else.
	for _, path := range []string{"/api/v1/shared/" + t1 + "/runs",
		"/api/v1/shared/" + t1 + "/reports/" + r2.ID} {
		if code, _ := e.do("", "GET", path, nil); code != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404", path, code)
		}
	}
	e.keys["token"] = t1
	for _, path := range []string{reportsPath + "/" + r1.ID, "/api/v1/projects/mnist"} {
		if code, _ := e.do("token", "GET", path, nil); code != http.StatusUnauthorized {
			t.Errorf("GET %s with the token as key = %d, want 401", path, code)
		}
	}

	// Revoking: only through its own report, then 404 everywhere.
	e.want(http.StatusNotFound, "ana", "DELETE", reportsPath+"/"+r2.ID+"/share/"+t1, nil, nil)
	e.want(http.StatusForbidden, "eve", "DELETE", reportsPath+"/"+r1.ID+"/share/"+t1, nil, nil)
	e.want(http.StatusNoContent, "bob", "DELETE", reportsPath+"/"+r1.ID+"/share/"+t1, nil, nil)
	e.want(http.StatusNotFound, "", "GET", "/api/v1/shared/"+t1, nil, nil)
	if code, _ := e.sharedChart(t1, map[string]any{"keys": []string{"train/loss"}}); code !=
		http.StatusNotFound {
		t.Errorf("shared chart with a revoked token = %d, want 404", code)
	}
	e.want(http.StatusOK, "", "GET", "/api/v1/shared/"+t2, nil, nil)

	// Deleting a report revokes its links.
	e.want(http.StatusNoContent, "ana", "DELETE", reportsPath+"/"+r2.ID, nil, nil)
	e.want(http.StatusNotFound, "", "GET", "/api/v1/shared/"+t2, nil, nil)
}

func TestReportsCRUDAndRefusals(t *testing.T) {
	e := newWSEnv(t)
	body := reportBody("dynamic", []string{"r1"}, "train/loss")
	e.want(http.StatusForbidden, "eve", "POST", reportsPath, body, nil)
	r := e.createReport("bob", "mnist", body)

	var list struct{ Reports []workspace.Report }
	e.want(http.StatusOK, "carl", "GET", reportsPath, nil, &list)
	if len(list.Reports) != 1 || list.Reports[0].ID != r.ID {
		t.Errorf("GET reports = %d reports, want [%s]", len(list.Reports), r.ID)
	}
	e.want(http.StatusForbidden, "eve", "GET", reportsPath+"/"+r.ID, nil, nil)
	e.want(http.StatusForbidden, "eve", "POST", reportsPath+"/"+r.ID+"/share", nil, nil)
	e.want(http.StatusNotFound, "ana", "POST", reportsPath+"/nope/share", nil, nil)
	e.want(http.StatusNotFound, "ana", "PUT", reportsPath+"/nope", body, nil)

	body["title"] = "Week 13"
	var got workspace.Report
	e.want(http.StatusOK, "carl", "PUT", reportsPath+"/"+r.ID, body, &got)
	if got.Title != "Week 13" || got.CreatedBy != "bob" || got.UpdatedBy != "carl" {
		t.Errorf("PUT report = %q by %q/%q", got.Title, got.CreatedBy, got.UpdatedBy)
	}

	tests := []struct {
		name  string
		body  any
		field string
	}{
		{"no title", `{"blocks": []}`, "title"},
		{"bad block", `{"title": "t", "blocks": [{"type": "video"}]}`, "blocks[0].type"},
		{"unknown run", reportBody("static", []string{"r1", "nope"}, "x"),
			"blocks[1].runs: ids[1]"},
		{"bad filter", reportBody("static", "id = ", "x"), "filter"},
		{"unknown run, dynamic", reportBody("dynamic", []string{"nope"}, "x"),
			"blocks[1].runs: ids[0]"},
		{"bad filter, dynamic", reportBody("dynamic", "id = ", "x"), "filter"},
		{"no keys", reportBody("static", []string{"r1"}), "blocks[1].panels[0].keys"},
		{"bad mode", `{"title": "t", "mode": "live"}`, "mode"},
		{"empty body", ``, "body"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, data := e.do("ana", "POST", reportsPath, tt.body)
			if code != http.StatusBadRequest || !strings.Contains(string(data), tt.field) {
				t.Errorf("POST report (%s) = %d %s, want 400 naming %q", tt.name, code, data,
					tt.field)
			}
		})
	}

	e.want(http.StatusNoContent, "carl", "DELETE", reportsPath+"/"+r.ID, nil, nil)
	e.want(http.StatusNotFound, "carl", "GET", reportsPath+"/"+r.ID, nil, nil)
}
