package server

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/sextant-ml/sextant/engine"
)

// env is a server over an in-memory engine, served by httptest, with the
// cast of the access tests: the admin, a team admin of team "vision", a
// member of it, and an outsider; project "proj" belongs to "vision" and
// is private, and holds run "run1".
type env struct {
	t    *testing.T
	srv  *Server
	http *httptest.Server
	keys map[string]string // user -> api key
}

func newEnv(t *testing.T, cfg Config) *env {
	t.Helper()
	db, err := engine.Open(engine.Options{InMemory: true})
	if err != nil {
		t.Fatalf("engine.Open: %v", err)
	}
	srv, err := New(db, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(func() {
		hs.Close()
		db.Close()
	})
	e := &env{t: t, srv: srv, http: hs, keys: map[string]string{}}
	e.keys["admin"] = "admin-key"
	if _, err := srv.Access().EnsureAdmin("admin-key"); err != nil {
		t.Fatalf("EnsureAdmin: %v", err)
	}
	return e
}

// newCastEnv is newEnv with the cast and project "proj" in place.
func newCastEnv(t *testing.T, cfg Config) *env {
	e := newEnv(t, cfg)
	for _, u := range []string{"lead", "member", "outsider"} {
		var out struct {
			APIKey string `json:"api_key"`
		}
		e.mustDo("admin", "POST", "/api/v1/users", `{"name":"`+u+`"}`, 201, &out)
		e.keys[u] = out.APIKey
	}
	e.mustDo("lead", "POST", "/api/v1/teams", `{"name":"vision"}`, 201, nil)
	e.mustDo("lead", "POST", "/api/v1/teams/vision/members", `{"user":"member"}`, 201, nil)
	e.mustDo("lead", "POST", "/api/v1/projects",
		`{"name":"proj","team":"vision","visibility":"private"}`, 201, nil)
	e.mustDo("member", "POST", "/api/v1/projects/proj/runs", `{"id":"run1"}`, 201, nil)
	return e
}

// response is an answer as a test sees it.
type response struct {
	status int
	header http.Header
	body   []byte
}

// do sends a request as user (no Authorization header when user is "";
// the raw key when user is not in the cast).
func (e *env) do(user, method, path, body string, header ...string) response {
	e.t.Helper()
	req, err := http.NewRequest(method, e.http.URL+path, bytes.NewBufferString(body))
	if err != nil {
		e.t.Fatalf("NewRequest(%s %s): %v", method, path, err)
	}
	if user != "" {
		key, ok := e.keys[user]
		if !ok {
			key = user
		}
		req.Header.Set("Authorization", "Bearer "+key)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := e.http.Client().Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		e.t.Fatalf("%s %s: read body: %v", method, path, err)
	}
	return response{status: res.StatusCode, header: res.Header, body: b}
}

// mustDo sends a request, checks its status and decodes the answer into
// out when out is not nil.
func (e *env) mustDo(user, method, path, body string, want int, out any) response {
	e.t.Helper()
	res := e.do(user, method, path, body)
	if res.status != want {
		e.t.Fatalf("%s %s as %q with %.200s: status %d, want %d; body %s",
			method, path, user, body, res.status, want, res.body)
	}
	if out != nil {
		if err := json.Unmarshal(res.body, out); err != nil {
			e.t.Fatalf("%s %s: decode %s: %v", method, path, res.body, err)
		}
	}
	return res
}

// errorOf decodes an error answer.
func errorOf(t *testing.T, res response) (code, message string) {
	t.Helper()
	var body errorBody
	if err := json.Unmarshal(res.body, &body); err != nil || body.Error.Code == "" {
		t.Fatalf("error answer %q (status %d) is not {\"error\": {...}}: %v",
			res.body, res.status, err)
	}
	return body.Error.Code, body.Error.Message
}
