package server

import (
	"encoding/json"
	"net/http"
	"testing"
)

// The access matrix row of a report's in-project charts: project readers.
func init() {
	accessMatrix["POST /api/v1/projects/:project/reports/:id/charts"] = matrixCase{
		body: `{"keys":["a"]}`, want: allowed(200), setup: newReport}
}

// reportChart runs a raw chart query for report id as user inside the
// project and returns the status and, per run, the largest x drawn and
// the count.
func (e *wsEnv) reportChart(user, id string, body map[string]any) (int, map[string][2]float64) {
	e.t.Helper()
	body["mode"] = "raw"
	code, data := e.do(user, "POST", reportsPath+"/"+id+"/charts", body)
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
		e.t.Fatalf("report chart answer %s: %v", data, err)
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

func TestProjectReportChartsKeepSnapshot(t *testing.T) {
	e := newWSEnv(t)
	static := e.createReport("ana", "mnist", reportBody("static", []string{"r1", "r2"},
		"train/loss"))
	dynamic := e.createReport("ana", "mnist", reportBody("dynamic", []string{"r1", "r2"},
		"train/loss"))
	e.log("mnist", "r1", 10, 20, "train/loss")

	tests := []struct {
		name, user, id string
		block          any // the block the query names, as the UI sends it
		want           map[string][2]float64
	}{
		{"static", "carl", static.ID, nil,
			map[string][2]float64{"r1": {9, 10}, "r2": {9, 10}}},
		{"static block 1", "carl", static.ID, 1,
			map[string][2]float64{"r1": {9, 10}, "r2": {9, 10}}},
		{"dynamic", "carl", dynamic.ID, nil,
			map[string][2]float64{"r1": {19, 20}, "r2": {9, 10}}},
		{"dynamic block 1", "carl", dynamic.ID, 1,
			map[string][2]float64{"r1": {19, 20}, "r2": {9, 10}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := map[string]any{"keys": []string{"train/loss"}, "block": tt.block}
			code, got := e.reportChart(tt.user, tt.id, body)
			if code != http.StatusOK || len(got) != 2 || got["r1"] != tt.want["r1"] ||
				got["r2"] != tt.want["r2"] {
				t.Errorf("POST %s/%s/charts = %d %v, want 200 %v",
					reportsPath, tt.id, code, got, tt.want)
			}
		})
	}

	// The plain chart query of the project is live: the report's is not.
	code, data := e.do("carl", "POST", "/api/v1/projects/mnist/charts",
		map[string]any{"keys": []string{"train/loss"}, "runs": []string{"r1"}, "mode": "raw"})
	var live struct{ Series []struct{ Count int } }
	if err := json.Unmarshal(data, &live); code != http.StatusOK || err != nil ||
		len(live.Series) != 1 || live.Series[0].Count != 20 {
		t.Errorf("POST /projects/mnist/charts = %d %s, want 200 with 20 points of r1", code, data)
	}
}

func TestProjectReportChartsRefusals(t *testing.T) {
	e := newWSEnv(t)
	r := e.createReport("ana", "mnist", reportBody("static", []string{"r1"}, "train/loss"))
	tests := []struct {
		name, user, id string
		body           map[string]any
		want           int
	}{
		{"run outside", "bob", r.ID,
			map[string]any{"keys": []string{"train/loss"}, "runs": []string{"r2"}}, 404},
		{"key outside", "bob", r.ID, map[string]any{"keys": []string{"val/acc"}}, 404},
		{"filter", "bob", r.ID,
			map[string]any{"keys": []string{"train/loss"}, "filter": `id = "r1"`}, 400},
		{"unknown report", "bob", "nope", map[string]any{"keys": []string{"train/loss"}}, 404},
		{"outsider", "eve", r.ID, map[string]any{"keys": []string{"train/loss"}}, 403},
		{"no key", "", r.ID, map[string]any{"keys": []string{"train/loss"}}, 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if code, _ := e.reportChart(tt.user, tt.id, tt.body); code != tt.want {
				t.Errorf("POST %s/%s/charts as %q (%s) = %d, want %d",
					reportsPath, tt.id, tt.user, tt.name, code, tt.want)
			}
		})
	}
}
