package server

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"math"
	"net/http/httptest"
	"testing"

	"github.com/sextant-ml/sextant/engine"
)

// wsEnv is a server over an in-memory store with the cast the workspace
// tests use: ana administers team vision, bob and carl are its members,
// eve belongs to no team. Project mnist is vision's and private; eve owns
// the private project secret and the public project open.
type wsEnv struct {
	t    *testing.T
	s    *Server
	db   *engine.DB
	keys map[string]string
}

func newWSEnv(t *testing.T) *wsEnv {
	t.Helper()
	// Small heads, so that charts read sealed blocks that cross the
	// snapshot bounds of static reports.
	db, err := engine.Open(engine.Options{InMemory: true, HeadMaxPoints: 4})
	if err != nil {
		t.Fatalf("engine.Open: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	s, err := New(db, Config{}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	e := &wsEnv{t: t, s: s, db: db, keys: map[string]string{}}
	e.setup()
	return e
}

func (e *wsEnv) setup() {
	for _, name := range []string{"ana", "bob", "carl", "eve"} {
		_, key, err := e.s.access.CreateUser(name, false)
		e.must(err)
		e.keys[name] = key
	}
	_, err := e.s.access.CreateTeam("vision", "ana")
	e.must(err)
	for _, name := range []string{"bob", "carl"} {
		_, err = e.s.access.AddMember("vision", name, false)
		e.must(err)
	}
	for _, p := range []engine.Project{
		{Name: "mnist", Owner: "ana", Team: "vision", Visibility: visibilityPrivate},
		{Name: "secret", Owner: "eve", Visibility: visibilityPrivate},
		{Name: "open", Owner: "eve", Visibility: visibilityPublic},
	} {
		e.must(e.db.CreateProject(p))
	}
	for _, id := range []string{"r1", "r2"} {
		_, err = e.db.CreateRun(engine.Run{Project: "mnist", ID: id})
		e.must(err)
	}
	_, err = e.db.CreateRun(engine.Run{Project: "secret", ID: "s1"})
	e.must(err)
	e.log("mnist", "r1", 0, 10, "train/loss", "val/acc", "lr")
	e.log("mnist", "r2", 0, 10, "train/loss")
	e.log("secret", "s1", 0, 10, "train/loss")
}

func (e *wsEnv) must(err error) {
	e.t.Helper()
	if err != nil {
		e.t.Fatal(err)
	}
}

// log appends steps from..to-1 of run, each key's value being the step.
func (e *wsEnv) log(project, run string, from, to int64, keys ...string) {
	e.t.Helper()
	rows := make([]engine.Row, 0, to-from)
	for step := from; step < to; step++ {
		row := engine.Row{Step: step, Time: math.NaN()}
		for _, k := range keys {
			row.Metrics = append(row.Metrics, engine.Metric{Key: k, Value: float64(step)})
		}
		rows = append(rows, row)
	}
	_, err := e.db.Append(project, run, rows)
	e.must(err)
}

// do sends a request as user ("" sends no key) and returns the status and
// the body.
func (e *wsEnv) do(user, method, path string, body any) (int, []byte) {
	e.t.Helper()
	var rd *bytes.Reader
	switch b := body.(type) {
	case nil:
		rd = bytes.NewReader(nil)
	case string:
		rd = bytes.NewReader([]byte(b))
	default:
		data, err := json.Marshal(b)
		e.must(err)
		rd = bytes.NewReader(data)
	}
	req := httptest.NewRequest(method, path, rd)
	req.Header.Set("Content-Type", "application/json")
	if key, ok := e.keys[user]; ok {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	rec := httptest.NewRecorder()
	e.s.Handler().ServeHTTP(rec, req)
	return rec.Code, rec.Body.Bytes()
}

// want sends a request, fails unless the status is want, and decodes the
// body into out when out is not nil.
func (e *wsEnv) want(want int, user, method, path string, body, out any) []byte {
	e.t.Helper()
	code, data := e.do(user, method, path, body)
	if code != want {
		e.t.Fatalf("%s %s as %q = %d %s, want %d", method, path, user, code, data, want)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			e.t.Fatalf("%s %s: decode %s: %v", method, path, data, err)
		}
	}
	return data
}
