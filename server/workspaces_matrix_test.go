package server

import "maps"

// The access matrix rows of the workspace routes; init adds them to
// accessMatrix. Setups run as the admin and give each role a fresh object
// of its own, so that one role's request never decides another's status.
func init() { maps.Copy(accessMatrix, workspaceMatrix) }

const (
	matrixSpec   = `{"revision":0,"spec":{"version":3}}`
	matrixWS     = "/api/v1/projects/proj/workspaces"
	matrixReport = `{"title":"r","blocks":[{"type":"panels","runs":["run1"],` +
		`"panels":[{"id":"p","kind":"line","keys":["a"]}]}]}`
	matrixViewNew = `{"name":"v","spec":{"version":3}}`
)

// wsOwnerOnly is what PUT on a workspace named by its owner ("member")
// answers: only the member, its owner, may.
var wsOwnerOnly = [6]int{403, 403, 200, 403, 401, 401}

var workspaceMatrix = map[string]matrixCase{
	"GET /api/v1/projects/:project/workspaces":    {want: allowed(200)},
	"GET /api/v1/projects/:project/workspaces/me": {want: allowed(200)},
	"PUT /api/v1/projects/:project/workspaces/me": {body: matrixSpec, want: allowed(200)},
	"POST /api/v1/projects/:project/workspaces/me/undo": {want: allowed(200),
		setup: savedTwice},
	"POST /api/v1/projects/:project/workspaces/me/redo": {want: allowed(200),
		setup: func(e *env, role string) map[string]string {
			savedTwice(e, role)
			e.do(role, "POST", matrixWS+"/me/undo", "")
			return nil
		}},
	"POST /api/v1/projects/:project/workspaces/me/copy": {body: `{"from":"member"}`,
		want: allowed(200), setup: memberWorkspace},
	"GET /api/v1/projects/:project/workspaces/default": {want: allowed(200)},
	"PUT /api/v1/projects/:project/workspaces/default": {body: matrixSpec,
		want: [6]int{200, 200, 403, 403, 401, 401}, setup: freshProject},
	"GET /api/v1/projects/:project/workspaces/:user": {want: allowed(200),
		setup: memberWorkspace},
	"PUT /api/v1/projects/:project/workspaces/:user": {body: matrixSpec, want: wsOwnerOnly},

	"GET /api/v1/projects/:project/views": {want: allowed(200)},
	"POST /api/v1/projects/:project/views": {body: `{"name":"v-{role}","spec":{"version":3}}`,
		want: allowed(201)},
	"GET /api/v1/projects/:project/views/:id": {want: allowed(200), setup: newView},
	"PUT /api/v1/projects/:project/views/:id": {body: `{"name":"n"}`, want: allowed(200),
		setup: newView},
	"DELETE /api/v1/projects/:project/views/:id": {want: allowed(204), setup: newView},

	"GET /api/v1/projects/:project/reports":     {want: allowed(200)},
	"POST /api/v1/projects/:project/reports":    {body: matrixReport, want: allowed(201)},
	"GET /api/v1/projects/:project/reports/:id": {want: allowed(200), setup: newReport},
	"PUT /api/v1/projects/:project/reports/:id": {body: matrixReport, want: allowed(200),
		setup: newReport},
	"DELETE /api/v1/projects/:project/reports/:id": {want: allowed(204), setup: newReport},
	"POST /api/v1/projects/:project/reports/:id/share": {want: allowed(201),
		setup: newReport},
	"DELETE /api/v1/projects/:project/reports/:id/share/:token": {want: allowed(204),
		setup: newShare},

	// Share links take no key: whatever the caller sends, the token decides.
	"GET /api/v1/shared/:token": {want: anyone(200), setup: newShare},
	"POST /api/v1/shared/:token/charts": {body: `{"keys":["a"]}`, want: anyone(200),
		setup: newShare},
}

// savedTwice gives role a workspace with one change to undo.
func savedTwice(e *env, role string) map[string]string {
	e.do(role, "PUT", matrixWS+"/me", matrixSpec)
	e.do(role, "PUT", matrixWS+"/me", `{"revision":1,"spec":{"version":3,"auto":false}}`)
	return nil
}

// memberWorkspace makes the workspace of "member", the :user of the rows.
func memberWorkspace(e *env, _ string) map[string]string {
	e.mustDo("member", "GET", matrixWS+"/me", "", 200, nil)
	return nil
}

// freshProject gives role a project of team vision with no default
// workspace yet.
func freshProject(e *env, role string) map[string]string {
	name := "ws-" + role
	e.mustDo("admin", "POST", "/api/v1/projects",
		`{"name":"`+name+`","team":"vision","visibility":"private"}`, 201, nil)
	return map[string]string{"project": name}
}

func newView(e *env, _ string) map[string]string {
	var v struct{ ID string }
	e.mustDo("admin", "POST", "/api/v1/projects/proj/views", matrixViewNew, 201, &v)
	return map[string]string{"id": v.ID}
}

func newReport(e *env, _ string) map[string]string {
	var r struct{ ID string }
	e.mustDo("admin", "POST", "/api/v1/projects/proj/reports", matrixReport, 201, &r)
	return map[string]string{"id": r.ID}
}

func newShare(e *env, role string) map[string]string {
	params := newReport(e, role)
	var s struct{ Token string }
	e.mustDo("admin", "POST", "/api/v1/projects/proj/reports/"+params["id"]+"/share", "",
		201, &s)
	params["token"] = s.Token
	return params
}
