package server

import (
	"strings"
	"testing"
)

func TestRunLifecycle(t *testing.T) {
	e := newCastEnv(t, Config{})
	var run map[string]any
	e.mustDo("member", "POST", "/api/v1/projects/proj/runs",
		`{"id":"r2","name":"base","group":"g","job_type":"train","tags":["a"],`+
			`"notes":"n","config":{"lr":0.1,"opt":{"name":"adam"}}}`, 201, &run)
	if run["id"] != "r2" || run["author"] != "member" || run["state"] != "running" ||
		run["job_type"] != "train" {
		t.Errorf("POST runs = %v, want id r2 by member, running, job_type train", run)
	}
	e.mustDo("member", "POST", "/api/v1/projects/proj/runs", `{"id":"r2"}`, 409, nil)
	e.mustDo("member", "POST", "/api/v1/projects/proj/runs", `{"id":"bad id"}`, 400, nil)

	var gen map[string]any
	e.mustDo("member", "POST", "/api/v1/projects/proj/runs", `{}`, 201, &gen)
	if id, _ := gen["id"].(string); id == "" {
		t.Errorf("POST runs without id = %v, want a generated id", gen)
	}

	e.mustDo("lead", "PATCH", "/api/v1/projects/proj/runs/r2",
		`{"name":"better","state":"finished","tags":["b","c"],"config":{"lr":0.2,"wd":1}}`,
		200, &run)
	cfg := run["config"].(map[string]any)
	if run["name"] != "better" || run["state"] != "finished" || cfg["lr"] != 0.2 ||
		cfg["wd"] != 1.0 || cfg["opt"] == nil || run["notes"] != "n" {
		t.Errorf("PATCH run = %v, want name, state, config merged, notes kept", run)
	}
	res := e.do("lead", "PATCH", "/api/v1/projects/proj/runs/r2", `{"state":"sleeping"}`)
	if _, msg := errorOf(t, res); res.status != 400 || !strings.Contains(msg, "state") {
		t.Errorf("PATCH bad state = %d %q, want 400 naming state", res.status, msg)
	}

	e.mustDo("outsider", "GET", "/api/v1/projects/proj/runs/r2", "", 403, nil)
	e.mustDo("member", "GET", "/api/v1/projects/proj/runs/r2", "", 200, &run)
	if run["name"] != "better" {
		t.Errorf("GET run after PATCH: name = %v, want better", run["name"])
	}
	e.mustDo("member", "DELETE", "/api/v1/projects/proj/runs/r2", "", 204, nil)
	e.mustDo("member", "GET", "/api/v1/projects/proj/runs/r2", "", 404, nil)
	e.mustDo("member", "DELETE", "/api/v1/projects/proj/runs/r2", "", 404, nil)
}
