package server

import (
	"maps"
	"strings"
	"testing"
)

// Roles of the access matrix, in the order their requests are sent: those
// that must be refused first, so that their requests change nothing that
// later roles see.
var matrixRoles = [...]string{"nokey", "badkey", "outsider", "member", "lead", "admin"}

// matrixCase is what every role gets from one route.
type matrixCase struct {
	// body is sent by every role; "{role}" in it becomes the role's name,
	// so that creations do not collide.
	body string
	// want is the status per role: admin, team admin ("lead"), team member,
	// outsider, no key, wrong key.
	want [6]int
	// freshRun makes :run a run created for each role just before its
	// request, for routes that destroy the run.
	freshRun bool
	// setup, when set, runs before each role's request (as the admin, say)
	// and returns path parameters to use instead of the defaults, such as
	// the :id of a view it created.
	setup func(e *env, role string) map[string]string
}

// allowed returns the statuses of a route open to the project's members
// and closed to others: ok for admin, lead and member.
func allowed(ok int) [6]int { return [6]int{ok, ok, ok, 403, 401, 401} }

// anyone returns the statuses of a route every caller gets alike.
func anyone(status int) [6]int { return [6]int{status, status, status, status, status, status} }

// accessMatrix holds one row per route of the router, "METHOD PATH" as
// gin registers it. The fixture is newCastEnv's: project "proj" is a
// private project of team "vision" (admin "lead", member "member"); path
// parameters are :project=proj, :run=run1, :team=vision, :user=member,
// :id=x, :token=x.
//
// Every helper who adds a route adds its row here; TestAccessMatrix fails
// on a route without one.
var accessMatrix = map[string]matrixCase{
	"GET /healthz":             {want: anyone(200)},
	"GET /metrics":             {want: anyone(200)},
	"GET /api/v1/openapi.json": {want: anyone(200)},
	"POST /api/v1/session":     {body: `{"api_key":"wrong"}`, want: anyone(401)},
	"DELETE /api/v1/session":   {want: anyone(204)},
	"GET /api/v1/me":           {want: [6]int{200, 200, 200, 200, 401, 401}},
	"POST /api/v1/users": {body: `{"name":"u-{role}"}`,
		want: [6]int{201, 403, 403, 403, 401, 401}},
	"POST /api/v1/teams": {body: `{"name":"t-{role}"}`,
		want: [6]int{201, 201, 201, 201, 401, 401}},
	"GET /api/v1/teams/:team":       {want: allowed(200)},
	"POST /api/v1/projects":         {body: `{"name":"p-{role}","team":"vision"}`, want: allowed(201)},
	"GET /api/v1/projects":          {want: [6]int{200, 200, 200, 200, 401, 401}},
	"GET /api/v1/projects/:project": {want: allowed(200)},
	"POST /api/v1/teams/:team/members": {body: `{"user":"outsider"}`,
		want: [6]int{201, 201, 403, 403, 401, 401}},
	"POST /api/v1/projects/:project/runs":        {body: `{"id":"r-{role}"}`, want: allowed(201)},
	"GET /api/v1/projects/:project/runs/:run":    {want: allowed(200)},
	"PATCH /api/v1/projects/:project/runs/:run":  {body: `{"notes":"{role}"}`, want: allowed(200)},
	"DELETE /api/v1/projects/:project/runs/:run": {want: allowed(204), freshRun: true},
	"POST /api/v1/projects/:project/runs/:run/history": {body: `{"rows":[{"a":1}]}`,
		want: allowed(200)},
	"POST /api/v1/projects/:project/charts": {body: `{"runs":["run1"],"keys":["a"]}`,
		want: allowed(200)},
	"GET /api/v1/projects/:project/runs":              {want: allowed(200)},
	"GET /api/v1/projects/:project/runs/:run/history": {want: allowed(200)},
}

// TestAccessMatrix walks every route of the router with every role and
// checks the status each gets.
func TestAccessMatrix(t *testing.T) {
	routes := newEnv(t, Config{}).srv.router.Routes()
	seen := map[string]bool{}
	for _, r := range routes {
		name := r.Method + " " + r.Path
		seen[name] = true
		tc, ok := accessMatrix[name]
		if !ok {
			t.Errorf("route %s has no row in accessMatrix (server/access_matrix_test.go)", name)
			continue
		}
		t.Run(name, func(t *testing.T) { checkRoute(t, r.Method, r.Path, tc) })
	}
	for name := range accessMatrix {
		if !seen[name] {
			t.Errorf("accessMatrix row %s names no route of the router", name)
		}
	}
}

func checkRoute(t *testing.T, method, path string, tc matrixCase) {
	e := newCastEnv(t, Config{})
	e.keys["badkey"] = "sx_wrong"
	index := map[string]int{"admin": 0, "lead": 1, "member": 2, "outsider": 3,
		"nokey": 4, "badkey": 5}
	for _, role := range matrixRoles {
		params := map[string]string{"project": "proj", "run": "run1", "team": "vision",
			"user": "member", "id": "x", "token": "x"}
		if tc.freshRun {
			params["run"] = "f-" + role
			e.mustDo("admin", "POST", "/api/v1/projects/proj/runs",
				`{"id":"f-`+role+`"}`, 201, nil)
		}
		if tc.setup != nil {
			maps.Copy(params, tc.setup(e, role))
		}
		user := role
		if role == "nokey" {
			user = ""
		}
		body := strings.ReplaceAll(tc.body, "{role}", role)
		url := fillParams(path, params)
		res := e.do(user, method, url, body)
		if want := tc.want[index[role]]; res.status != want {
			t.Errorf("%s %s as %s = %d %.200s, want %d", method, url, role, res.status,
				res.body, want)
		}
	}
}

// fillParams replaces :name and *name segments of a gin path.
func fillParams(path string, params map[string]string) string {
	parts := strings.Split(path, "/")
	for i, p := range parts {
		if strings.HasPrefix(p, ":") || strings.HasPrefix(p, "*") {
			parts[i] = params[p[1:]]
		}
	}
	return strings.Join(parts, "/")
}
