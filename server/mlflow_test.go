package server

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
)

// The MLflow routes' rows of the access matrix (access_matrix_test.go).
// Routes read by GET take their arguments in the query, which the matrix
// does not send: they answer 400 to every caller with a key, and
// TestMLflowPermissions covers them with arguments.
func init() {
	runWrite := func(body string) matrixCase { return matrixCase{body: body, want: allowed(200)} }
	missingQuery := matrixCase{want: [6]int{400, 400, 400, 400, 401, 401}}
	rows := map[string]matrixCase{
		"POST /experiments/create": {body: `{"name":"e-{role}"}`,
			want: [6]int{200, 200, 200, 200, 401, 401}},
		"GET /experiments/get":         missingQuery,
		"GET /experiments/get-by-name": missingQuery,
		"POST /experiments/search":     {body: `{}`, want: [6]int{200, 200, 200, 200, 401, 401}},
		"POST /runs/create":            runWrite(`{"experiment_id":"proj"}`),
		"GET /runs/get":                missingQuery,
		"POST /runs/update":            runWrite(`{"run_id":"run1","status":"RUNNING"}`),
		"POST /runs/delete": {body: `{"run_id":"f-{role}"}`, want: allowed(200),
			freshRun: true},
		"POST /runs/search": runWrite(`{"experiment_ids":["proj"]}`),
		"POST /runs/log-metric": runWrite(
			`{"run_id":"run1","key":"m","value":1,"timestamp":"1700000000000","step":"0"}`),
		"POST /runs/log-batch": runWrite(
			`{"run_id":"run1","metrics":[{"key":"m","value":"NaN","timestamp":0,"step":1}]}`),
		"POST /runs/log-parameter": runWrite(`{"run_id":"run1","key":"p","value":"v"}`),
		"POST /runs/set-tag":       runWrite(`{"run_id":"run1","key":"t","value":"v"}`),
		"GET /metrics/get-history": missingQuery,
	}
	for _, prefix := range mlflowPrefixes {
		for route, tc := range rows {
			method, path, _ := strings.Cut(route, " ")
			accessMatrix[method+" "+prefix+path] = tc
		}
	}
}

const mlflowAPIPath = "/api/2.0/mlflow"

// mlflowError decodes MLflow's error shape.
func mlflowError(t *testing.T, res response) string {
	t.Helper()
	var body struct {
		ErrorCode string `json:"error_code"`
		Message   string `json:"message"`
	}
	if err := json.Unmarshal(res.body, &body); err != nil || body.ErrorCode == "" {
		t.Fatalf("answer %s (status %d) is not an MLflow error: %v", res.body, res.status, err)
	}
	return body.ErrorCode
}

func TestMLflowErrors(t *testing.T) {
	e := newCastEnv(t, Config{})
	tests := []struct {
		name, method, path, body string
		status                   int
		code                     string
	}{
		{"missing experiment", "GET", "/experiments/get-by-name?experiment_name=nope", "",
			404, "RESOURCE_DOES_NOT_EXIST"},
		{"existing experiment", "POST", "/experiments/create", `{"name":"proj"}`,
			409, "RESOURCE_ALREADY_EXISTS"},
		{"missing run", "GET", "/runs/get?run_id=nope", "", 404, "RESOURCE_DOES_NOT_EXIST"},
		{"bad filter", "POST", "/runs/search",
			`{"experiment_ids":["proj"],"filter":"metrics.a >"}`, 400, "INVALID_PARAMETER_VALUE"},
		{"negative step", "POST", "/runs/log-metric",
			`{"run_id":"run1","key":"m","value":1,"step":-1}`, 400, "INVALID_PARAMETER_VALUE"},
		{"bad page token", "POST", "/runs/search",
			`{"experiment_ids":["proj"],"page_token":"x"}`, 400, "INVALID_PARAMETER_VALUE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := e.do("member", tt.method, mlflowAPIPath+tt.path, tt.body)
			if res.status != tt.status || mlflowError(t, res) != tt.code {
				t.Errorf("%s %s = %d %s, want %d %s", tt.method, tt.path, res.status,
					res.body, tt.status, tt.code)
			}
		})
	}
}

func TestMLflowPermissions(t *testing.T) {
	e := newCastEnv(t, Config{})
	reads := []string{
		"/experiments/get?experiment_id=proj",
		"/experiments/get-by-name?experiment_name=proj",
		"/runs/get?run_id=run1",
		"/metrics/get-history?run_id=run1&metric_key=m",
	}
	for _, path := range reads {
		for user, want := range map[string]int{"member": 200, "outsider": 403, "": 401} {
			if res := e.do(user, "GET", mlflowAPIPath+path, ""); res.status != want {
				t.Errorf("GET %s as %q = %d %s, want %d", path, user, res.status, res.body, want)
			}
		}
	}
}

func TestMLflowDefaultExperiment(t *testing.T) {
	e := newCastEnv(t, Config{})
	var created struct {
		Run struct {
			Info struct {
				RunID        string `json:"run_id"`
				ExperimentID string `json:"experiment_id"`
			} `json:"info"`
		} `json:"run"`
	}
	e.mustDo("member", "POST", mlflowAPIPath+"/runs/create", `{}`, 200, &created)
	if created.Run.Info.ExperimentID != "0" || len(created.Run.Info.RunID) != 32 {
		t.Errorf("runs/create without experiment = %+v, want experiment 0 and a 32-digit id",
			created.Run.Info)
	}
	e.mustDo("member", "GET", "/api/v1/projects/Default/runs/"+created.Run.Info.RunID, "",
		200, nil)
}

func TestMLflowMetricHistory(t *testing.T) {
	e := newCastEnv(t, Config{})
	var metrics string
	for step := range 5 {
		metrics += fmt.Sprintf(`{"key":"loss","value":%d,"timestamp":%d,"step":%d},`,
			10*step, 1700000000000+1000*step, step)
	}
	metrics += `{"key":"loss","value":"-Infinity","timestamp":"1700000009000","step":"9"}`
	e.mustDo("member", "POST", mlflowAPIPath+"/runs/log-batch",
		`{"run_id":"run1","metrics":[`+metrics+`]}`, 200, nil)

	type page struct {
		Metrics []struct {
			Value     any   `json:"value"`
			Timestamp int64 `json:"timestamp"`
			Step      int64 `json:"step"`
		} `json:"metrics"`
		Next string `json:"next_page_token"`
	}
	var got []int64
	token := ""
	for range 4 {
		var p page
		e.mustDo("member", "GET", mlflowAPIPath+"/metrics/get-history?run_id=run1"+
			"&metric_key=loss&max_results=4&page_token="+url.QueryEscape(token), "", 200, &p)
		for _, m := range p.Metrics {
			want := int64(1700000000000 + 1000*m.Step)
			if m.Timestamp != want {
				t.Errorf("step %d timestamp = %d, want %d", m.Step, m.Timestamp, want)
			}
			got = append(got, m.Step)
			if m.Step == 9 && m.Value != "-Infinity" {
				t.Errorf("step 9 value = %v, want \"-Infinity\"", m.Value)
			}
		}
		if token = p.Next; token == "" {
			break
		}
	}
	if fmt.Sprint(got) != "[0 1 2 3 4 9]" {
		t.Errorf("steps over pages = %v, want [0 1 2 3 4 9]", got)
	}

}
