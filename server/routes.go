package server

import (
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
)

// routes builds the router. Each feature registers its own routes through
// a register method that lives in the file of its owner (see doc.go).
func (s *Server) routes() *gin.Engine {
	r := gin.New()
	r.HandleMethodNotAllowed = true
	r.ContextWithFallback = true
	r.Use(s.recoverPanic, s.observe, s.refuseWhileDraining)

	r.GET("/healthz", s.healthz)
	r.GET("/metrics", s.metrics)

	api := r.Group("/api/v1")
	api.GET("/openapi.json", s.openAPI)
	api.POST("/session", s.handle(s.createSession))
	api.DELETE("/session", s.handle(s.deleteSession))

	g := api.Group("", s.requireUser)
	s.registerAccess(g)
	s.registerProjects(g)
	s.registerRuns(g)
	s.registerHistory(g)
	s.registerCharts(g)
	s.registerRunsList(g)
	s.registerExport(g)
	s.registerWorkspaces(g)
	s.registerViews(g)
	s.registerReports(g)

	root := &r.RouterGroup
	s.registerShared(root)
	s.registerMLflow(root)
	s.registerUI(r)

	r.NoRoute(s.noRoute)
	r.NoMethod(s.handle(s.noMethod))
	return r
}

// noMethod answers a path that exists with a method it does not take:
// 405 for a caller who holds a key. Under /api/v1/shared/ a token grants
// its report and nothing else, so every other method answers 404 there;
// elsewhere under /api/v1 the key is checked first, as on every route.
func (s *Server) noMethod(c *gin.Context) error {
	path := c.Request.URL.Path
	if strings.HasPrefix(path, "/api/v1/shared/") {
		return errNotFound("%s %s: no such share route", c.Request.Method, path)
	}
	if strings.HasPrefix(path, "/api/v1/") {
		if _, err := s.authenticate(c.Request); err != nil {
			return err
		}
	}
	return newError(http.StatusMethodNotAllowed, "method_not_allowed",
		"%s %s: method not allowed", c.Request.Method, path)
}

// noRoute answers paths that match no route: JSON 404 under the APIs, the
// UI's fallback elsewhere.
func (s *Server) noRoute(c *gin.Context) {
	path := c.Request.URL.Path
	api := strings.HasPrefix(path, "/api/") || strings.HasPrefix(path, "/ajax-api/")
	if !api && s.uiFallback != nil && c.Request.Method == http.MethodGet {
		s.uiFallback(c)
		return
	}
	s.writeError(c, errNotFound("%s: no such path", path))
}

// healthz answers 200 while the server takes requests.
func (s *Server) healthz(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
}

// refuseWhileDraining answers 503 once Drain was called.
func (s *Server) refuseWhileDraining(c *gin.Context) {
	if s.draining.Load() {
		c.Header("Connection", "close")
		s.writeError(c, errUnavailable("server is shutting down"))
		return
	}
	c.Next()
}

// recoverPanic turns a handler's panic into a logged 500 with a JSON body.
func (s *Server) recoverPanic(c *gin.Context) {
	defer func() {
		if v := recover(); v != nil {
			if err, ok := v.(error); ok && errors.Is(err, http.ErrAbortHandler) {
				panic(v)
			}
			s.writeError(c, panicError{v})
		}
	}()
	c.Next()
}
