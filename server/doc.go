// Package server is Sextant's HTTP API: the Gin router, authentication,
// permissions, error answers, limits, metrics, and the handlers of users,
// teams, projects, runs and history ingest. Other features add their
// handlers in files of their own (see "Adding a feature" below).
//
// Terms: a user authenticates with an API key; a team groups users, some
// of them its admins; a project belongs to a user or a team and is private
// or public; a run belongs to a project; a history row is one log call of
// a run, whose metric values become points of series (run, key).
//
// # Answers and errors
//
// Handlers have the signature func(c *gin.Context) error and are wrapped by
// s.handle. They write their success answer themselves (c.JSON) and return
// an error otherwise; one place, writeError, maps it to a status and the
// body {"error": {"code", "message"}}:
//
//	engine.ErrNotFound  404 not_found        errNotFound(format, ...)
//	engine.ErrExists    409 conflict         errConflict(format, ...)
//	engine.ErrInvalid   400 invalid_argument errInvalid(format, ...)
//	                    401 unauthenticated  errUnauthenticated(format, ...)
//	                    403 permission_denied errForbidden(format, ...)
//	                    413 too_large        errTooLarge(format, ...)
//	                    429 rate_limited     errRateLimited(secs, format, ...)
//	engine.ErrClosed    503 unavailable      errUnavailable(format, ...)
//	anything else       500 internal         (cause logged, never shown)
//
// Engine errors pass their own message to the client, so wrap them with
// context that names the field. The err* helpers build a message for the
// client only; it must name the field and the problem.
//
// # Helpers for handlers
//
//	s.user(c) access.User                  the caller (routes under g only)
//	s.projectForRead(c) (engine.Project, error)   :project, readable by caller
//	s.projectForWrite(c) (engine.Project, error)  :project, writable by caller
//	s.isProjectAdmin(c, p) bool            the project's owner, an admin
//	                                       of its team, or the admin
//	s.canRead(u, p), s.canWrite(u, p) bool the same checks for any user
//	s.bindJSON(c, &v) error                JSON body, Config.MaxJSONBytes
//	                                       limit (413), 400 naming the field
//	s.requireUser                          the auth middleware, for groups
//	                                       outside g (MLflow routes)
//	newRunJSON(r *engine.Run) runJSON       the run as the API shows it
//	jsonFloat                              a float64 that marshals NaN and
//	                                       ±Inf as "NaN", "Infinity", ...
//
// Path parameters are named :project, :run, :team, :user, :id and :token
// everywhere, so that the helpers above find them.
//
// # Adding a feature
//
// routes.go calls one register method per feature; each lives in its
// owner's file (charts.go, runs_list.go, export.go, workspaces.go,
// views.go, reports.go, shared.go, mlflow.go, ui.go). The group g handed
// to most of them is /api/v1 behind requireUser. registerShared and
// registerMLflow get the root group and register full paths
// ("/api/v1/shared/:token", "/api/2.0/mlflow/...", "/ajax-api/2.0/mlflow/...");
// share links take no key, MLflow routes add s.requireUser themselves.
// registerUI may set s.uiFallback, which answers GET paths that match no
// route outside /api/ (the single-page app's own routes).
//
// Every new route must also get:
//
//   - a row in the table of server/access_matrix_test.go, giving the
//     status each role gets (admin, team admin, member, outsider, no key,
//     wrong key); the test walks every route of the router and fails on a
//     route without a row;
//   - its description in an OpenAPI fragment of its own,
//     server/openapi/FEATURE.json, {"paths": {...}, "components":
//     {"schemas": {...}}}, merged into openapi.json and served at
//     GET /api/v1/openapi.json; a test fails on an /api/v1 route that the
//     document does not describe.
//
// # Limits
//
// Config holds them; docs/api.md lists their defaults. History bodies are
// bounded by MaxBodyBytes and MaxRows (413), other bodies by MaxJSONBytes
// (413), metric keys by engine.MaxKeyLen (400), and each project's ingest
// by a token bucket of points per second (429 with Retry-After and
// RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset).
package server
