package server

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/sextant-ml/sextant/engine"
)

func TestToAPIError(t *testing.T) {
	tests := []struct {
		err     error
		status  int
		code    string
		message string
	}{
		{fmt.Errorf("run %q: %w", "r1", engine.ErrNotFound), 404, "not_found", `run "r1": not found`},
		{fmt.Errorf("run: %w", engine.ErrExists), 409, "conflict", "run: already exists"},
		{fmt.Errorf("key: %w", engine.ErrInvalid), 400, "invalid_argument", "key: invalid argument"},
		{engine.ErrClosed, 503, "unavailable", "server is shutting down"},
		{errors.New("disk on fire"), 500, "internal", "internal error"},
		{fmt.Errorf("block 7: %w", engine.ErrCorrupt), 500, "internal", "internal error"},
		{errTooLarge("body: big"), 413, "too_large", "body: big"},
		{errRateLimited(0, "slow down"), 429, "rate_limited", "slow down"},
		{errForbidden("nope"), 403, "permission_denied", "nope"},
		{errUnauthenticated("who"), 401, "unauthenticated", "who"},
		{fmt.Errorf("wrapped: %w", errConflict("taken")), 409, "conflict", "taken"},
	}
	for _, tt := range tests {
		t.Run(tt.err.Error(), func(t *testing.T) {
			got := toAPIError(tt.err)
			if got.status != tt.status || got.code != tt.code || got.message != tt.message {
				t.Errorf("toAPIError(%v) = %d %s %q, want %d %s %q", tt.err,
					got.status, got.code, got.message, tt.status, tt.code, tt.message)
			}
		})
	}
}

func TestErrorAnswers(t *testing.T) {
	e := newCastEnv(t, Config{})
	tests := []struct {
		name, user, method, path, body string
		status                         int
		code, inMessage                string
	}{
		{"no key", "", "GET", "/api/v1/me", "", 401, "unauthenticated", "Bearer"},
		{"wrong key", "sx_nobody", "GET", "/api/v1/me", "", 401, "unauthenticated", "unknown"},
		{"unknown api path", "admin", "GET", "/api/v1/nothing", "", 404, "not_found", "no such"},
		{"wrong method", "admin", "PUT", "/api/v1/me", "", 405, "method_not_allowed", "PUT"},
		{"wrong method, no key", "", "PUT", "/api/v1/me", "", 401, "unauthenticated",
			"Bearer"},
		{"wrong method on a share link", "", "DELETE", "/api/v1/shared/tok", "", 404,
			"not_found", "share"},
		{"malformed body", "admin", "POST", "/api/v1/users", `{"name":`, 400,
			"invalid_argument", "truncated"},
		{"wrong field type", "admin", "POST", "/api/v1/users", `{"name":3}`, 400,
			"invalid_argument", "name"},
		{"unknown project", "admin", "GET", "/api/v1/projects/nope", "", 404, "not_found",
			"nope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := e.do(tt.user, tt.method, tt.path, tt.body)
			code, msg := errorOf(t, res)
			if res.status != tt.status || code != tt.code || !strings.Contains(msg, tt.inMessage) {
				t.Errorf("%s %s = %d %s %q, want %d %s with %q", tt.method, tt.path,
					res.status, code, msg, tt.status, tt.code, tt.inMessage)
			}
		})
	}
}

func TestJSONBodyLimit(t *testing.T) {
	e := newEnv(t, Config{MaxJSONBytes: 64})
	body := `{"name":"` + strings.Repeat("a", 100) + `"}`
	res := e.do("admin", "POST", "/api/v1/users", body)
	if code, _ := errorOf(t, res); res.status != 413 || code != "too_large" {
		t.Errorf("POST /api/v1/users with %d bytes over a 64-byte limit = %d %s, want 413",
			len(body), res.status, code)
	}
}

func TestHealthzAndDrain(t *testing.T) {
	e := newEnv(t, Config{})
	e.mustDo("", "GET", "/healthz", "", http.StatusOK, nil)
	e.srv.Drain()
	for _, path := range []string{"/healthz", "/api/v1/me"} {
		res := e.do("admin", "GET", path, "")
		if code, _ := errorOf(t, res); res.status != 503 || code != "unavailable" {
			t.Errorf("GET %s after Drain = %d %s, want 503 unavailable", path, res.status, code)
		}
	}
}

func TestSessionCookie(t *testing.T) {
	e := newEnv(t, Config{})
	e.mustDo("", "POST", "/api/v1/session", `{"api_key":"wrong"}`, 401, nil)
	res := e.mustDo("", "POST", "/api/v1/session", `{"api_key":"admin-key"}`, 200, nil)
	cookie := res.header.Get("Set-Cookie")
	if !strings.Contains(cookie, "HttpOnly") || !strings.Contains(cookie, "SameSite=Strict") {
		t.Fatalf("POST /api/v1/session Set-Cookie = %q, want HttpOnly and SameSite=Strict",
			cookie)
	}
	value := strings.SplitN(strings.SplitN(cookie, ";", 2)[0], "=", 2)[1]
	res = e.do("", "GET", "/api/v1/me", "", "Cookie", sessionCookie+"="+value)
	if res.status != 200 || !strings.Contains(string(res.body), `"admin"`) {
		t.Errorf("GET /api/v1/me with the session cookie = %d %s, want 200 admin",
			res.status, res.body)
	}
}
