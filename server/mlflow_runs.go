package server

import (
	"cmp"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"sort"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/sextant-ml/sextant/client/mlflowmap"
	"github.com/sextant-ml/sextant/engine"
)

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
		Project: p.Name,
		ID:      newMLflowRunID(),
		Name:    cmp.Or(req.RunName, tags[mlflowmap.RunNameTag]),
		Tags:    mlflowmap.RunTags(tags), Notes: tags[mlflowmap.NoteTag],
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
	sort.Slice(data.Metrics, func(i, j int) bool {
		return data.Metrics[i].Key < data.Metrics[j].Key
	})
	for key, v := range r.Config {
		if key != mlflowmap.TagsKey && key != mlflowmap.SummaryKey {
			param := mlflowmap.Tag{Key: key, Value: mlflowmap.ParamValue(v)}
			data.Params = append(data.Params, param)
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
