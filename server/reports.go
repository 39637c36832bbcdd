package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/sextant-ml/sextant/engine"
	"github.com/sextant-ml/sextant/query/filter"
	"github.com/sextant-ml/sextant/workspace"
)

// registerReports adds a project's reports and their share links. Readers
// see reports; writers create, change, delete and share them.
func (s *Server) registerReports(g *gin.RouterGroup) {
	r := g.Group("/projects/:project/reports")
	r.GET("", s.handle(s.listReports))
	r.POST("", s.handle(s.createReport))
	r.GET("/:id", s.handle(s.getReport))
	r.PUT("/:id", s.handle(s.putReport))
	r.DELETE("/:id", s.handle(s.deleteReport))
	r.POST("/:id/charts", s.handle(s.projectReportCharts))
	r.POST("/:id/share", s.handle(s.shareReport))
	r.DELETE("/:id/share/:token", s.handle(s.revokeShare))
}

func (s *Server) listReports(c *gin.Context) error {
	p, err := s.projectForRead(c)
	if err != nil {
		return err
	}
	reports, err := s.workspaces().Reports(p.Name)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"reports": reports})
	return nil
}

// bindReport reads a report from the request, checks it and, when it is
// static, freezes the data each section shows now.
func (s *Server) bindReport(c *gin.Context, project string) (workspace.Report, error) {
	var raw json.RawMessage
	if err := s.bindJSON(c, &raw); err != nil {
		return workspace.Report{}, err
	}
	if len(raw) == 0 {
		return workspace.Report{}, errInvalid("body: missing; send a report")
	}
	r, err := workspace.DecodeReport(raw)
	if err != nil {
		return workspace.Report{}, err
	}
	if err := r.Freeze(s.runResolver(project, true), time.Now()); err != nil {
		return workspace.Report{}, err
	}
	return r, nil
}

// runResolver selects the runs of a run set in project. A strict one
// refuses ids of runs that do not exist; a lenient one skips them, for
// reports whose runs were deleted since.
func (s *Server) runResolver(project string, strict bool) workspace.Resolver {
	return func(rs workspace.RunSet) ([]*engine.Run, error) {
		if len(rs.IDs) == 0 {
			return s.filterRuns(project, rs.Filter)
		}
		runs := make([]*engine.Run, 0, len(rs.IDs))
		for i, id := range rs.IDs {
			r, err := s.db.Run(project, id)
			switch {
			case errors.Is(err, engine.ErrNotFound) && strict:
				return nil, fmt.Errorf("ids[%d]: no run %q in project %q: %w",
					i, id, project, engine.ErrInvalid)
			case errors.Is(err, engine.ErrNotFound):
				continue
			case err != nil:
				return nil, err
			}
			runs = append(runs, r)
		}
		return runs, nil
	}
}

// filterRuns returns the runs of project that expr passes.
func (s *Server) filterRuns(project, expr string) ([]*engine.Run, error) {
	f, err := filter.Parse(expr)
	if err != nil {
		return nil, fmt.Errorf("filter: %w", err)
	}
	all, err := s.db.Runs(project)
	if err != nil {
		return nil, err
	}
	var runs []*engine.Run
	for _, r := range all {
		if f.Match(r) {
			runs = append(runs, r)
		}
	}
	return runs, nil
}

func (s *Server) createReport(c *gin.Context) error {
	p, err := s.projectForWrite(c)
	if err != nil {
		return err
	}
	r, err := s.bindReport(c, p.Name)
	if err != nil {
		return err
	}
	r, err = s.workspaces().CreateReport(p.Name, s.user(c).Name, r)
	if err != nil {
		return err
	}
	c.JSON(http.StatusCreated, r)
	return nil
}

func (s *Server) getReport(c *gin.Context) error {
	p, err := s.projectForRead(c)
	if err != nil {
		return err
	}
	r, err := s.workspaces().Report(p.Name, c.Param("id"))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, r)
	return nil
}

// projectReportCharts answers a project reader's chart query for a
// report, with the same runs, keys and snapshot bound as its share links.
func (s *Server) projectReportCharts(c *gin.Context) error {
	p, err := s.projectForRead(c)
	if err != nil {
		return err
	}
	r, err := s.workspaces().Report(p.Name, c.Param("id"))
	if err != nil {
		return err
	}
	return s.reportCharts(c, p.Name, &r)
}

// putReport replaces a report's title, mode and blocks. A static report
// is frozen anew: its snapshot is the data as of its last save. A body
// with updated is refused (409) when the report was saved since.
func (s *Server) putReport(c *gin.Context) error {
	p, err := s.projectForWrite(c)
	if err != nil {
		return err
	}
	if _, err := s.workspaces().Report(p.Name, c.Param("id")); err != nil {
		return err
	}
	r, err := s.bindReport(c, p.Name)
	if err != nil {
		return err
	}
	r, err = s.workspaces().UpdateReport(p.Name, c.Param("id"), s.user(c).Name, r)
	if err != nil {
		return workspaceError(err)
	}
	c.JSON(http.StatusOK, r)
	return nil
}

// deleteReport removes a report and revokes its share links.
func (s *Server) deleteReport(c *gin.Context) error {
	p, err := s.projectForWrite(c)
	if err != nil {
		return err
	}
	if err := s.workspaces().DeleteReport(p.Name, c.Param("id")); err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}

// shareReport makes a view-only link to a report. The token is shown only
// in this answer; the store keeps its hash.
func (s *Server) shareReport(c *gin.Context) error {
	p, err := s.projectForWrite(c)
	if err != nil {
		return err
	}
	token, err := s.workspaces().CreateShare(p.Name, c.Param("id"), s.user(c).Name)
	if err != nil {
		return err
	}
	c.JSON(http.StatusCreated, gin.H{"token": token, "url": sharedURL(c.Request, token)})
	return nil
}

// sharedURL is the absolute address of a share link's report, on the
// host the request came to.
func sharedURL(r *http.Request, token string) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + "/api/v1/shared/" + token
}

func (s *Server) revokeShare(c *gin.Context) error {
	p, err := s.projectForWrite(c)
	if err != nil {
		return err
	}
	err = s.workspaces().RevokeShare(p.Name, c.Param("id"), c.Param("token"))
	if err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}
