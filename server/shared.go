package server

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/sextant-ml/sextant/engine"
	"github.com/sextant-ml/sextant/query"
	"github.com/sextant-ml/sextant/workspace"
)

// registerShared adds the share-link routes, which take no key: the token
// in the path grants read-only access to one report and to the chart data
// of its sections, nothing else. An unknown or revoked token answers 404,
// as does any other path under /api/v1/shared/.
func (s *Server) registerShared(root *gin.RouterGroup) {
	root.GET("/api/v1/shared/:token", s.handle(s.getShared))
	root.POST("/api/v1/shared/:token/charts", s.handle(s.sharedCharts))
}

// sharedReport loads what the request's token links to: 404 when the
// token is unknown or revoked, or its report or project is gone.
func (s *Server) sharedReport(c *gin.Context) (workspace.Share, workspace.Report, error) {
	sh, err := s.workspaces().Share(c.Param("token"))
	if err != nil {
		return sh, workspace.Report{}, errNotFound("token: no such share link")
	}
	if _, err := s.db.Project(sh.Project); err != nil {
		return sh, workspace.Report{}, errNotFound("token: the shared project is gone")
	}
	r, err := s.workspaces().Report(sh.Project, sh.Report)
	if err != nil {
		return sh, workspace.Report{}, errNotFound("token: the shared report is gone")
	}
	return sh, r, nil
}

// sharedRun is what a share link shows of a run besides its charts.
type sharedRun struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Group   string `json:"group"`
	JobType string `json:"job_type"`
	State   string `json:"state"`
}

// sharedAnswer is the report of a share link, with the project it belongs
// to and, per block, the runs a panels block draws (null for text).
type sharedAnswer struct {
	workspace.Report
	Project   string        `json:"project"`
	BlockRuns [][]sharedRun `json:"block_runs"`
}

// getShared answers the report a share link names.
func (s *Server) getShared(c *gin.Context) error {
	sh, r, err := s.sharedReport(c)
	if err != nil {
		return err
	}
	ans := sharedAnswer{Report: r, Project: sh.Project,
		BlockRuns: make([][]sharedRun, len(r.Blocks))}
	for i, b := range r.Blocks {
		if b.Type != workspace.BlockPanels {
			continue
		}
		if ans.BlockRuns[i], err = s.sharedRuns(sh.Project, &r, i); err != nil {
			return err
		}
	}
	c.JSON(http.StatusOK, ans)
	return nil
}

// sharedRuns lists the runs block i of r draws.
func (s *Server) sharedRuns(project string, r *workspace.Report, i int) ([]sharedRun, error) {
	sc, err := r.Scope(i, project, s.db, s.runResolver(project, false))
	if err != nil {
		return nil, err
	}
	runs, err := sc.Runs(project)
	if err != nil {
		return nil, err
	}
	out := make([]sharedRun, 0, len(runs))
	for _, run := range runs {
		out = append(out, sharedRun{ID: run.ID, Name: run.Name, Group: run.Group,
			JobType: run.JobType, State: run.State})
	}
	return out, nil
}

// reportChartRequest is a chart query (as POST .../charts takes it) that
// may name the report block it draws for; without one, the first panels
// block whose runs and keys hold the query's is used.
type reportChartRequest struct {
	query.ChartRequest
	Block *int `json:"block"`
}

// sharedCharts answers a chart query through a share link, under the
// rules of reportCharts.
func (s *Server) sharedCharts(c *gin.Context) error {
	sh, r, err := s.sharedReport(c)
	if err != nil {
		return err
	}
	return s.reportCharts(c, sh.Project, &r)
}

// reportCharts answers the request's chart query over the runs and keys of
// one panels block of report r of project, clamped to its snapshot when
// static and live when dynamic. A run or key outside the report answers
// 404. Share links and project readers viewing a report both use it, so
// that a report draws the same data wherever it is seen.
func (s *Server) reportCharts(c *gin.Context, project string, r *workspace.Report) error {
	var req reportChartRequest
	if err := s.bindJSON(c, &req); err != nil {
		return err
	}
	if req.Filter != "" {
		// A filter over the report's runs would let a link's reader probe
		// their config and summaries, which the report does not show.
		return errInvalid("filter: not taken by a report's charts; name runs or none")
	}
	sc, err := s.reportScope(project, r, req)
	if err != nil {
		return err
	}

	eng := query.NewEngine(sc, query.Options{CacheBytes: -1})
	res, err := eng.Chart(project, req.ChartRequest)
	if errors.Is(err, query.ErrTooLarge) {
		return errTooLarge("%v", err)
	}
	if err != nil {
		return err
	}
	c.Data(http.StatusOK, "application/json", res.AppendJSON(nil))
	return nil
}

// reportScope picks the block a report chart query draws for and checks
// that the query stays inside it.
func (s *Server) reportScope(project string, r *workspace.Report,
	req reportChartRequest) (*workspace.Scope, error) {
	resolve := s.runResolver(project, false)
	if req.Block != nil {
		sc, err := r.Scope(*req.Block, project, s.db, resolve)
		if err != nil {
			return nil, errNotFound("block: %d is not a panels block of the report", *req.Block)
		}
		return sc, inScope(sc, req.ChartRequest)
	}
	var first error
	for i, b := range r.Blocks {
		if b.Type != workspace.BlockPanels {
			continue
		}
		sc, err := r.Scope(i, project, s.db, resolve)
		if err != nil {
			return nil, err
		}
		err = inScope(sc, req.ChartRequest)
		if err == nil {
			return sc, nil
		}
		if first == nil {
			first = err
		}
	}
	if first == nil {
		first = errNotFound("block: the report has no panels block")
	}
	return nil, first
}

// inScope refuses, with 404, a query that names a run or key the scope
// does not show.
func inScope(sc *workspace.Scope, q query.ChartRequest) error {
	for i, run := range q.Runs {
		if !sc.HasRun(run) {
			return errNotFound("runs[%d]: %q is not in the report", i, run)
		}
	}
	for i, key := range q.Keys {
		if !sc.HasKey(key) {
			return errNotFound("keys[%d]: %q is not in the report", i, key)
		}
	}
	if x := q.X; x != "" && x != engine.KeyStep && !sc.HasKey(x) {
		return errNotFound("x: %q is not in the report", x)
	}
	return nil
}
