package server

import (
	"cmp"
	"errors"
	"math"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/sextant-ml/sextant/client/mlflowmap"
	"github.com/sextant-ml/sextant/engine"
)

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

func (m *mlflowAPI) logParam(c *gin.Context) error { return m.setOne(c, m.setParams) }

func (m *mlflowAPI) setTag(c *gin.Context) error { return m.setOne(c, m.setTags) }

// setOne answers log-parameter and set-tag, which take the same body: a run
// and one key and value, stored by set.
func (m *mlflowAPI) setOne(c *gin.Context,
	set func(*engine.Run, []mlflowmap.Tag) error) error {
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
	if err := set(r, []mlflowmap.Tag{req.Tag}); err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{})
	return nil
}

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
		out = append(out, mlflowmap.Metric{
			Key:       key,
			Value:     mlflowmap.Float(points.Values[page[0]+i]),
			Step:      mlflowmap.Int(step),
			Timestamp: mlflowmap.Int(ms),
		})
	}
	return out, nil
}

func nanAsZero(v float64) float64 {
	if math.IsNaN(v) {
		return 0
	}
	return v
}
