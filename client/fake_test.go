package client

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// fakeServer keeps what a Sextant server would of the calls a Run makes:
// projects, runs with their state and config, and points by (key, step).
// While down, it answers 503 to everything.
type fakeServer struct {
	*httptest.Server

	mu       sync.Mutex
	down     bool
	runs     map[string]*fakeRun
	projects map[string]bool
	posts    int
}

type fakeRun struct {
	State  string
	Config map[string]any
	Points map[string]map[int64]any
	Last   int64
}

func newFakeServer(t *testing.T) *fakeServer {
	f := &fakeServer{runs: map[string]*fakeRun{}, projects: map[string]bool{}}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeServer) setDown(down bool) {
	f.mu.Lock()
	f.down = down
	f.mu.Unlock()
}

func (f *fakeServer) run(id string) *fakeRun {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.runs[id]
}

func (f *fakeServer) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.down {
		writeFakeError(w, http.StatusServiceUnavailable, "unavailable")
		return
	}
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/api/v1/"), "/")
	switch {
	case r.Method == "POST" && len(parts) == 1:
		f.createProject(w, r)
	case r.Method == "POST" && len(parts) == 3:
		f.createRun(w, r)
	case r.Method == "GET" && len(parts) == 4:
		run := f.runs[parts[3]]
		json.NewEncoder(w).Encode(map[string]any{"id": parts[3], "last_step": run.Last})
	case r.Method == "PATCH" && len(parts) == 4:
		f.patchRun(w, r, f.runs[parts[3]])
	case r.Method == "POST" && len(parts) == 5:
		f.appendRows(w, r, f.runs[parts[3]])
	default:
		writeFakeError(w, http.StatusNotFound, "no route")
	}
}

func (f *fakeServer) createProject(w http.ResponseWriter, r *http.Request) {
	var p Project
	json.NewDecoder(r.Body).Decode(&p)
	if f.projects[p.Name] {
		writeFakeError(w, http.StatusConflict, "exists")
		return
	}
	f.projects[p.Name] = true
	w.WriteHeader(http.StatusCreated)
}

func (f *fakeServer) createRun(w http.ResponseWriter, r *http.Request) {
	var spec RunSpec
	json.NewDecoder(r.Body).Decode(&spec)
	if f.runs[spec.ID] != nil {
		writeFakeError(w, http.StatusConflict, "exists")
		return
	}
	f.runs[spec.ID] = &fakeRun{State: "running", Config: spec.Config,
		Points: map[string]map[int64]any{}, Last: -1}
	w.WriteHeader(http.StatusCreated)
	json.NewEncoder(w).Encode(map[string]any{"id": spec.ID, "last_step": -1})
}

func (f *fakeServer) patchRun(w http.ResponseWriter, r *http.Request, run *fakeRun) {
	var p struct {
		State  string         `json:"state"`
		Config map[string]any `json:"config"`
	}
	json.NewDecoder(r.Body).Decode(&p)
	if p.State != "" {
		run.State = p.State
	}
	for k, v := range p.Config {
		if run.Config == nil {
			run.Config = map[string]any{}
		}
		run.Config[k] = v
	}
	w.Write([]byte(`{}`))
}

func (f *fakeServer) appendRows(w http.ResponseWriter, r *http.Request, run *fakeRun) {
	f.posts++
	var rows, points int
	sc := bufio.NewScanner(r.Body)
	for sc.Scan() {
		var row map[string]any
		d := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		d.UseNumber()
		if err := d.Decode(&row); err != nil {
			writeFakeError(w, http.StatusBadRequest, err.Error())
			return
		}
		step, _ := row["_step"].(json.Number).Int64()
		for k, v := range row {
			if strings.HasPrefix(k, "_") {
				continue
			}
			if run.Points[k] == nil {
				run.Points[k] = map[int64]any{}
			}
			run.Points[k][step] = v
			points++
		}
		run.Last = max(run.Last, step)
		rows++
	}
	json.NewEncoder(w).Encode(AppendResult{Rows: rows, Points: points})
}

func writeFakeError(w http.ResponseWriter, status int, msg string) {
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"error": map[string]string{
		"code": http.StatusText(status), "message": msg}})
}
