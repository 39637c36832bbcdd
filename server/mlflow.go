package server

import (
	"cmp"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"math"
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

// Experiments.

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

// Runs.

func (m *mlflowAPI) createRun(c *gin.Context) error {
	var req struct {
		ExperimentID string          `json:"experiment_id"`
		StartTime    mlflowmap.Int   `json:"start_time"`
		RunName      string          `json:"run_name"`
		Tags         []mlflowmap.Tag `json:"tags"`
	}
	if err := m.s.bindJSON(c, &req); err != nil {
		return err
	}
	p, err := m.experimentProject(c, cmp.Or(req.ExperimentID, mlflowmap.DefaultExperimentID),
		true)
	if err != nil {
		return err
	}
	tags := tagMap(req.Tags)
	run := engine.Run{
		Project: p.Name, ID: newMLflowRunID(), Name: cmp.Or(req.RunName, tags[mlflowmap.RunNameTag]),
		Tags: mlflowmap.RunTags(tags), Notes: tags[mlflowmap.NoteTag],
		Config: map[string]any{}, Author: m.s.user(c).Name,
	}
	if len(tags) > 0 {
		run.Config[mlflowmap.TagsKey] = tagsConfig(tags)
	}
	if req.StartTime > 0 {
		run.Created = time.UnixMilli(int64(req.StartTime)).UTC()
	}
	created, err := m.s.db.CreateRun(run)
	if err != nil {
		return err
	}
	m.runProject.Store(created.ID, p.Name)
	c.JSON(http.StatusOK, gin.H{"run": mlflowRun(&created)})
	return nil
}

func (m *mlflowAPI) getRun(c *gin.Context) error {
	id := cmp.Or(c.Query("run_id"), c.Query("run_uuid"))
	r, err := m.findRun(c, id, false)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"run": mlflowRun(r)})
	return nil
}

func (m *mlflowAPI) updateRun(c *gin.Context) error {
	var req struct {
		runRef
		Status  string `json:"status"`
		RunName string `json:"run_name"`
	}
	if err := m.s.bindJSON(c, &req); err != nil {
		return err
	}
	r, err := m.findRun(c, req.id(), true)
	if err != nil {
		return err
	}
	var patch engine.RunPatch
	if req.Status != "" {
		state := mlflowmap.State(req.Status)
		patch.State = &state
	}
	if req.RunName != "" {
		patch.Name = &req.RunName
	}
	updated, err := m.s.db.UpdateRun(r.Project, r.ID, patch)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"run_info": mlflowRun(&updated).Info})
	return nil
}

func (m *mlflowAPI) deleteRun(c *gin.Context) error {
	var req runRef
	if err := m.s.bindJSON(c, &req); err != nil {
		return err
	}
	r, err := m.findRun(c, req.id(), true)
	if err != nil {
		return err
	}
	if err := m.s.db.DeleteRun(r.Project, r.ID); err != nil {
		return err
	}
	m.runProject.Delete(r.ID)
	c.JSON(http.StatusOK, gin.H{})
	return nil
}

func (m *mlflowAPI) searchRuns(c *gin.Context) error {
	var req struct {
		ExperimentIDs []string      `json:"experiment_ids"`
		Filter        string        `json:"filter"`
		MaxResults    mlflowmap.Int `json:"max_results"`
		OrderBy       []string      `json:"order_by"`
		PageToken     string        `json:"page_token"`
	}
	if err := m.s.bindJSON(c, &req); err != nil {
		return err
	}
	filter, order, err := parseSearch(req.Filter, req.OrderBy)
	if err != nil {
		return err
	}
	var runs []mlflowmap.Run
	var views []mlflowmap.RunView
	for _, id := range req.ExperimentIDs {
		p, err := m.experimentProject(c, id, false)
		if err != nil {
			return err
		}
		all, err := m.s.db.Runs(p.Name)
		if err != nil {
			return err
		}
		for _, r := range all {
			run := mlflowRun(r)
			if view := runView(run); filter.Match(view) {
				runs, views = append(runs, run), append(views, view)
			}
		}
	}
	sortByViews(runs, views, order)
	page, next, err := paginate(len(runs), req.PageToken, int(req.MaxResults), 1000)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"runs": runs[page[0]:page[1]], "next_page_token": next})
	return nil
}

// runRef is the run a write names; old clients send run_uuid.
type runRef struct {
	RunID   string `json:"run_id"`
	RunUUID string `json:"run_uuid"`
}

func (r runRef) id() string { return cmp.Or(r.RunID, r.RunUUID) }

// findRun returns the run with this id from whichever project holds it,
// checked for reading or writing.
func (m *mlflowAPI) findRun(c *gin.Context, id string, write bool) (*engine.Run, error) {
	if id == "" {
		return nil, errInvalid("run_id: must not be empty")
	}
	if project, ok := m.runProject.Load(id); ok {
		if r, err := m.s.db.Run(project.(string), id); err == nil {
			return r, m.checkRunAccess(c, r, write)
		}
	}
	projects, err := m.s.db.Projects()
	if err != nil {
		return nil, err
	}
	for _, p := range projects {
		if r, err := m.s.db.Run(p.Name, id); err == nil {
			m.runProject.Store(id, p.Name)
			return r, m.checkRunAccess(c, r, write)
		}
	}
	return nil, errNotFound("run_id: no run %q", id)
}

func (m *mlflowAPI) checkRunAccess(c *gin.Context, r *engine.Run, write bool) error {
	p, err := m.s.db.Project(r.Project)
	if err != nil {
		return err
	}
	return m.checkAccess(c, p, write)
}

// mlflowRun shows a run as MLflow does: its latest metrics, its config as
// params, its MLflow tags (and its name as mlflow.runName).
func mlflowRun(r *engine.Run) mlflowmap.Run {
	info := mlflowmap.RunInfo{
		RunID: r.ID, RunUUID: r.ID, RunName: r.Name,
		ExperimentID: mlflowmap.ExperimentID(r.Project), UserID: r.Author,
		Status: mlflowmap.Status(r.State), StartTime: mlflowmap.Int(r.Created.UnixMilli()),
		LifecycleStage: "active",
	}
	if r.State != engine.StateRunning {
		info.EndTime = mlflowmap.Int(r.Heartbeat.UnixMilli())
	}
	data := mlflowmap.RunData{Metrics: []mlflowmap.Metric{}, Params: []mlflowmap.Tag{}}
	for key, s := range r.Summary {
		data.Metrics = append(data.Metrics, mlflowmap.Metric{Key: key,
			Value: mlflowmap.Float(s.Last), Step: mlflowmap.Int(s.Step),
			Timestamp: mlflowmap.Int(r.Heartbeat.UnixMilli())})
	}
	sort.Slice(data.Metrics, func(i, j int) bool { return data.Metrics[i].Key < data.Metrics[j].Key })
	for key, v := range r.Config {
		if key != mlflowmap.TagsKey {
			data.Params = append(data.Params, mlflowmap.Tag{Key: key, Value: mlflowmap.ParamValue(v)})
		}
	}
	sort.Slice(data.Params, func(i, j int) bool { return data.Params[i].Key < data.Params[j].Key })
	data.Tags = tagList(runTags(r))
	return mlflowmap.Run{Info: info, Data: data}
}

// runTags returns a run's MLflow tags, with its name and notes.
func runTags(r *engine.Run) map[string]string {
	tags := storedTags(r)
	if r.Name != "" {
		tags[mlflowmap.RunNameTag] = r.Name
	}
	if r.Notes != "" {
		tags[mlflowmap.NoteTag] = r.Notes
	}
	return tags
}

func runView(run mlflowmap.Run) mlflowmap.RunView {
	v := mlflowmap.RunView{
		Metrics: map[string]float64{}, Params: tagMap(run.Data.Params),
		Tags: tagMap(run.Data.Tags),
		Attributes: map[string]any{
			"run_id": run.Info.RunID, "run_name": run.Info.RunName,
			"status": run.Info.Status, "user_id": run.Info.UserID,
			"start_time": float64(run.Info.StartTime), "end_time": float64(run.Info.EndTime),
		},
	}
	for _, mt := range run.Data.Metrics {
		v.Metrics[mt.Key] = float64(mt.Value)
	}
	return v
}

// Logging.

func (m *mlflowAPI) logMetric(c *gin.Context) error {
	var req struct {
		runRef
		mlflowmap.Metric
	}
	if err := m.s.bindJSON(c, &req); err != nil {
		return err
	}
	r, err := m.findRun(c, req.id(), true)
	if err != nil {
		return err
	}
	if err := m.appendMetrics(c, r, []mlflowmap.Metric{req.Metric}); err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{})
	return nil
}

func (m *mlflowAPI) logBatch(c *gin.Context) error {
	var req struct {
		runRef
		Metrics []mlflowmap.Metric `json:"metrics"`
		Params  []mlflowmap.Tag    `json:"params"`
		Tags    []mlflowmap.Tag    `json:"tags"`
	}
	if err := m.s.bindJSON(c, &req); err != nil {
		return err
	}
	r, err := m.findRun(c, req.id(), true)
	if err != nil {
		return err
	}
	if err := m.setParams(r, req.Params); err != nil {
		return err
	}
	if err := m.setTags(r, req.Tags); err != nil {
		return err
	}
	if err := m.appendMetrics(c, r, req.Metrics); err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{})
	return nil
}

func (m *mlflowAPI) logParam(c *gin.Context) error {
	var req struct {
		runRef
		mlflowmap.Tag
	}
	if err := m.s.bindJSON(c, &req); err != nil {
		return err
	}
	r, err := m.findRun(c, req.id(), true)
	if err != nil {
		return err
	}
	if err := m.setParams(r, []mlflowmap.Tag{req.Tag}); err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{})
	return nil
}

func (m *mlflowAPI) setTag(c *gin.Context) error {
	var req struct {
		runRef
		mlflowmap.Tag
	}
	if err := m.s.bindJSON(c, &req); err != nil {
		return err
	}
	r, err := m.findRun(c, req.id(), true)
	if err != nil {
		return err
	}
	if err := m.setTags(r, []mlflowmap.Tag{req.Tag}); err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{})
	return nil
}

// setParams merges params into the run's config.
func (m *mlflowAPI) setParams(r *engine.Run, params []mlflowmap.Tag) error {
	if len(params) == 0 {
		return nil
	}
	config := make(map[string]any, len(params))
	for _, p := range params {
		if p.Key == "" || p.Key == mlflowmap.TagsKey {
			return errInvalid("params: key %q is empty or reserved", p.Key)
		}
		config[p.Key] = p.Value
	}
	_, err := m.s.db.UpdateRun(r.Project, r.ID, engine.RunPatch{Config: config})
	return err
}

// setTags merges tags into the run's MLflow tags; mlflow.runName and
// mlflow.note.content also set the run's name and notes.
func (m *mlflowAPI) setTags(r *engine.Run, tags []mlflowmap.Tag) error {
	if len(tags) == 0 {
		return nil
	}
	m.tagsMu.Lock()
	defer m.tagsMu.Unlock()
	current, err := m.s.db.Run(r.Project, r.ID)
	if err != nil {
		return err
	}
	merged := storedTags(current)
	for _, t := range tags {
		if t.Key == "" {
			return errInvalid("tags: empty key")
		}
		merged[t.Key] = t.Value
	}
	runTags := mlflowmap.RunTags(merged)
	patch := engine.RunPatch{Tags: &runTags,
		Config: map[string]any{mlflowmap.TagsKey: tagsConfig(merged)}}
	if name, ok := merged[mlflowmap.RunNameTag]; ok && name != "" {
		patch.Name = &name
	}
	if note, ok := merged[mlflowmap.NoteTag]; ok {
		patch.Notes = &note
	}
	_, err = m.s.db.UpdateRun(r.Project, r.ID, patch)
	return err
}

// appendMetrics stores metrics as history rows, one per step; a row's
// wall time is the latest timestamp of its metrics.
func (m *mlflowAPI) appendMetrics(c *gin.Context, r *engine.Run, metrics []mlflowmap.Metric) error {
	if len(metrics) == 0 {
		return nil
	}
	byStep := map[int64]*engine.Row{}
	var rows []*engine.Row
	for _, mt := range metrics {
		if mt.Step < 0 {
			return errInvalid("metrics: key %q: step %d is negative", mt.Key, mt.Step)
		}
		row := byStep[int64(mt.Step)]
		if row == nil {
			row = &engine.Row{Step: int64(mt.Step), Time: math.NaN()}
			byStep[int64(mt.Step)] = row
			rows = append(rows, row)
		}
		if mt.Timestamp > 0 {
			row.Time = math.Max(nanAsZero(row.Time), float64(mt.Timestamp)/1000)
		}
		row.Metrics = append(row.Metrics, engine.Metric{Key: mt.Key, Value: float64(mt.Value)})
	}
	if err := m.s.admit(c, r.Project, len(metrics)); err != nil {
		return err
	}
	batch := make([]engine.Row, len(rows))
	for i, row := range rows {
		batch[i] = *row
	}
	_, err := m.s.db.Append(r.Project, r.ID, batch)
	return err
}

func (m *mlflowAPI) getMetricHistory(c *gin.Context) error {
	key, err := requiredQuery(c, "metric_key")
	if err != nil {
		return err
	}
	r, err := m.findRun(c, cmp.Or(c.Query("run_id"), c.Query("run_uuid")), false)
	if err != nil {
		return err
	}
	points, err := m.s.db.Read(r.Project, r.ID, key, 0, math.MaxInt64)
	if errors.Is(err, engine.ErrNotFound) {
		points, err = engine.Points{}, nil
	}
	if err != nil {
		return err
	}
	maxResults, _ := strconv.Atoi(c.Query("max_results"))
	page, next, err := paginate(points.Len(), c.Query("page_token"), maxResults, 25000)
	if err != nil {
		return err
	}
	metrics, err := m.historyMetrics(r, key, points, page)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"metrics": metrics, "next_page_token": next})
	return nil
}

// historyMetrics returns points[page[0]:page[1]] as MLflow metrics, each
// with the wall time of its row.
func (m *mlflowAPI) historyMetrics(r *engine.Run, key string, points engine.Points,
	page [2]int) ([]mlflowmap.Metric, error) {
	out := make([]mlflowmap.Metric, 0, page[1]-page[0])
	if page[0] == page[1] {
		return out, nil
	}
	steps := points.Steps[page[0]:page[1]]
	times, err := m.s.db.Read(r.Project, r.ID, engine.KeyTimestamp, steps[0], steps[len(steps)-1])
	if err != nil && !errors.Is(err, engine.ErrNotFound) {
		return nil, err
	}
	t := 0
	for i, step := range steps {
		for t < times.Len() && times.Steps[t] < step {
			t++
		}
		var ms int64
		if t < times.Len() && times.Steps[t] == step {
			ms = int64(math.Round(times.Values[t] * 1000))
		}
		out = append(out, mlflowmap.Metric{Key: key, Value: mlflowmap.Float(points.Values[page[0]+i]),
			Step: mlflowmap.Int(step), Timestamp: mlflowmap.Int(ms)})
	}
	return out, nil
}

// Helpers.

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

// storedTags returns the MLflow tags kept in a run's config.
func storedTags(r *engine.Run) map[string]string {
	tags := map[string]string{}
	stored, _ := r.Config[mlflowmap.TagsKey].(map[string]any)
	for k, v := range stored {
		tags[k] = mlflowmap.ParamValue(v)
	}
	return tags
}

// tagsConfig returns tags as a config value: a JSON object, which the
// engine keeps as map[string]any.
func tagsConfig(tags map[string]string) map[string]any {
	out := make(map[string]any, len(tags))
	for k, v := range tags {
		out[k] = v
	}
	return out
}

func tagMap(tags []mlflowmap.Tag) map[string]string {
	m := make(map[string]string, len(tags))
	for _, t := range tags {
		m[t.Key] = t.Value
	}
	return m
}

func tagList(tags map[string]string) []mlflowmap.Tag {
	out := make([]mlflowmap.Tag, 0, len(tags))
	for k, v := range tags {
		out = append(out, mlflowmap.Tag{Key: k, Value: v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// newMLflowRunID returns 32 hex digits, the form of MLflow's run ids.
func newMLflowRunID() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func nanAsZero(v float64) float64 {
	if math.IsNaN(v) {
		return 0
	}
	return v
}
