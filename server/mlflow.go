package server

import (
	"errors"
	"log/slog"
	"net/http"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/sextant-ml/sextant/client/mlflowmap"
	"github.com/sextant-ml/sextant/engine"
)

// The MLflow-compatible REST subset, so that MLflow clients and framework
// callbacks log to Sextant unchanged (MLFLOW_TRACKING_URI=http://HOST:PORT,
// MLFLOW_TRACKING_TOKEN=API_KEY). Package mlflowmap says how experiments,
// runs, params, tags and metrics map onto projects, runs, config and
// history. Answers and errors take MLflow's shapes ({"error_code",
// "message"}), since MLflow clients read the error code: a missing
// experiment must be RESOURCE_DOES_NOT_EXIST for set_experiment to create
// it.

// mlflowPrefixes are the two roots MLflow clients and its web UI call.
var mlflowPrefixes = []string{"/api/2.0/mlflow", "/ajax-api/2.0/mlflow"}

// mlflowAPI serves the MLflow routes. MLflow names a run by its id alone;
// runProject remembers in which project each run was last found.
type mlflowAPI struct {
	s *Server

	runProject sync.Map   // run id -> project name
	tagsMu     sync.Mutex // serialises read-modify-write of a run's MLflow tags
}

func (s *Server) registerMLflow(root *gin.RouterGroup) {
	m := &mlflowAPI{s: s}
	for _, prefix := range mlflowPrefixes {
		g := root.Group(prefix, s.requireUser)
		g.POST("/experiments/create", m.handle(m.createExperiment))
		g.GET("/experiments/get", m.handle(m.getExperiment))
		g.GET("/experiments/get-by-name", m.handle(m.getExperimentByName))
		g.POST("/experiments/search", m.handle(m.searchExperiments))
		g.POST("/runs/create", m.handle(m.createRun))
		g.GET("/runs/get", m.handle(m.getRun))
		g.POST("/runs/update", m.handle(m.updateRun))
		g.POST("/runs/delete", m.handle(m.deleteRun))
		g.POST("/runs/search", m.handle(m.searchRuns))
		g.POST("/runs/log-metric", m.handle(m.logMetric))
		g.POST("/runs/log-batch", m.handle(m.logBatch))
		g.POST("/runs/log-parameter", m.handle(m.logParam))
		g.POST("/runs/set-tag", m.handle(m.setTag))
		g.GET("/metrics/get-history", m.handle(m.getMetricHistory))
	}
}

// handle adapts fn like s.handle, answering errors in MLflow's shape.
func (m *mlflowAPI) handle(fn handlerFunc) gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := fn(c); err != nil {
			m.writeError(c, err)
		}
	}
}

// mlflowCodes maps statuses to MLflow's error codes.
var mlflowCodes = map[int]string{
	http.StatusBadRequest:            "INVALID_PARAMETER_VALUE",
	http.StatusUnauthorized:          "UNAUTHENTICATED",
	http.StatusForbidden:             "PERMISSION_DENIED",
	http.StatusNotFound:              "RESOURCE_DOES_NOT_EXIST",
	http.StatusConflict:              "RESOURCE_ALREADY_EXISTS",
	http.StatusRequestEntityTooLarge: "RESOURCE_EXHAUSTED",
	http.StatusTooManyRequests:       "REQUEST_LIMIT_EXCEEDED",
	http.StatusServiceUnavailable:    "TEMPORARILY_UNAVAILABLE",
}

func (m *mlflowAPI) writeError(c *gin.Context, err error) {
	ae := toAPIError(err)
	code, ok := mlflowCodes[ae.status]
	if !ok {
		code = "INTERNAL_ERROR"
		m.s.log.LogAttrs(c.Request.Context(), slog.LevelError, "request failed",
			slog.String("method", c.Request.Method),
			slog.String("path", c.Request.URL.Path),
			slog.Int("status", ae.status),
			slog.String("err", err.Error()))
	}
	if ae.retryAfter > 0 {
		c.Header("Retry-After", strconv.Itoa(ae.retryAfter))
	}
	c.AbortWithStatusJSON(ae.status, gin.H{"error_code": code, "message": ae.message})
}

func (m *mlflowAPI) createExperiment(c *gin.Context) error {
	var req struct {
		Name string `json:"name"`
	}
	if err := m.s.bindJSON(c, &req); err != nil {
		return err
	}
	if req.Name == "" {
		return errInvalid("name: must not be empty")
	}
	p, err := m.createProject(c, mlflowmap.ProjectName(req.Name))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"experiment_id": mlflowmap.ExperimentID(p.Name)})
	return nil
}

func (m *mlflowAPI) createProject(c *gin.Context, name string) (engine.Project, error) {
	p := engine.Project{Name: name, Owner: m.s.user(c).Name, Created: time.Now().UTC()}
	if err := m.s.checkNewProject(m.s.user(c), &p); err != nil {
		return p, err
	}
	return p, m.s.db.CreateProject(p)
}

func (m *mlflowAPI) getExperiment(c *gin.Context) error {
	id, err := requiredQuery(c, "experiment_id")
	if err != nil {
		return err
	}
	p, err := m.experimentProject(c, id, false)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"experiment": mlflowExperiment(p)})
	return nil
}

func (m *mlflowAPI) getExperimentByName(c *gin.Context) error {
	name, err := requiredQuery(c, "experiment_name")
	if err != nil {
		return err
	}
	p, err := m.readableProject(c, mlflowmap.ProjectName(name))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"experiment": mlflowExperiment(p)})
	return nil
}

func (m *mlflowAPI) searchExperiments(c *gin.Context) error {
	var req struct {
		MaxResults mlflowmap.Int `json:"max_results"`
		Filter     string        `json:"filter"`
		OrderBy    []string      `json:"order_by"`
		PageToken  string        `json:"page_token"`
	}
	if err := m.s.bindJSON(c, &req); err != nil {
		return err
	}
	filter, order, err := parseSearch(req.Filter, req.OrderBy)
	if err != nil {
		return err
	}
	all, err := m.s.db.Projects()
	if err != nil {
		return err
	}
	var views []mlflowmap.RunView
	var exps []mlflowmap.Experiment
	for _, p := range all {
		view := experimentView(p)
		if m.s.canRead(m.s.user(c), p) && filter.Match(view) {
			views, exps = append(views, view), append(exps, mlflowExperiment(p))
		}
	}
	sortByViews(exps, views, order)
	page, next, err := paginate(len(exps), req.PageToken, int(req.MaxResults), 1000)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"experiments": exps[page[0]:page[1]], "next_page_token": next})
	return nil
}

// experimentProject returns the project of an experiment id, checked for
// reading or writing. Experiment "0" always exists for MLflow clients, so
// project "Default" is created for the caller when it is missing.
func (m *mlflowAPI) experimentProject(c *gin.Context, id string,
	write bool) (engine.Project, error) {
	name := mlflowmap.Project(id)
	p, err := m.s.db.Project(name)
	if errors.Is(err, engine.ErrNotFound) && id == mlflowmap.DefaultExperimentID {
		p, err = m.createProject(c, name)
		if errors.Is(err, engine.ErrExists) {
			p, err = m.s.db.Project(name)
		}
	}
	if err != nil {
		return p, err
	}
	return p, m.checkAccess(c, p, write)
}

func (m *mlflowAPI) readableProject(c *gin.Context, name string) (engine.Project, error) {
	p, err := m.s.db.Project(name)
	if err != nil {
		return p, err
	}
	return p, m.checkAccess(c, p, false)
}

func (m *mlflowAPI) checkAccess(c *gin.Context, p engine.Project, write bool) error {
	u := m.s.user(c)
	if write && !m.s.canWrite(u, p) {
		return errForbidden("experiment %q: not writable by %q", p.Name, u.Name)
	}
	if !m.s.canRead(u, p) {
		return errForbidden("experiment %q: not readable by %q", p.Name, u.Name)
	}
	return nil
}

func mlflowExperiment(p engine.Project) mlflowmap.Experiment {
	created := mlflowmap.Int(p.Created.UnixMilli())
	return mlflowmap.Experiment{
		ExperimentID: mlflowmap.ExperimentID(p.Name), Name: p.Name,
		LifecycleStage: "active", CreationTime: created, LastUpdateTime: created,
		Tags: []mlflowmap.Tag{},
	}
}

func experimentView(p engine.Project) mlflowmap.RunView {
	return mlflowmap.RunView{Attributes: map[string]any{
		"name": p.Name, "experiment_id": mlflowmap.ExperimentID(p.Name),
		"creation_time": float64(p.Created.UnixMilli()),
	}}
}

func parseSearch(filter string, orderBy []string) (mlflowmap.Filter, mlflowmap.Order, error) {
	f, err := mlflowmap.ParseFilter(filter)
	if err != nil {
		return nil, nil, errInvalid("filter: %v", err)
	}
	o, err := mlflowmap.ParseOrder(orderBy)
	if err != nil {
		return nil, nil, errInvalid("order_by: %v", err)
	}
	return f, o, nil
}

// sortByViews sorts items in the order of their views.
func sortByViews[T any](items []T, views []mlflowmap.RunView, order mlflowmap.Order) {
	idx := make([]int, len(items))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return order.Less(views[idx[a]], views[idx[b]]) })
	sorted := make([]T, len(items))
	for i, j := range idx {
		sorted[i] = items[j]
	}
	copy(items, sorted)
}

// paginate returns the [start, end) of a page of n items and the token of
// the next page: the offset, as MLflow's tokens are opaque to clients.
func paginate(n int, token string, maxResults, defaultMax int) ([2]int, string, error) {
	start := 0
	if token != "" {
		v, err := strconv.Atoi(token)
		if err != nil || v < 0 {
			return [2]int{}, "", errInvalid("page_token: %q is not a token of this server", token)
		}
		start = min(v, n)
	}
	if maxResults <= 0 {
		maxResults = defaultMax
	}
	end := min(n, start+maxResults)
	next := ""
	if end < n {
		next = strconv.Itoa(end)
	}
	return [2]int{start, end}, next, nil
}

func requiredQuery(c *gin.Context, name string) (string, error) {
	v := c.Query(name)
	if v == "" {
		return "", errInvalid("%s: missing query parameter", name)
	}
	return v, nil
}
