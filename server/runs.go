package server

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/sextant-ml/sextant/engine"
)

func (s *Server) registerRuns(g *gin.RouterGroup) {
	g.POST("/projects/:project/runs", s.handle(s.createRun))
	g.GET("/projects/:project/runs/:run", s.handle(s.getRun))
	g.PATCH("/projects/:project/runs/:run", s.handle(s.patchRun))
	g.DELETE("/projects/:project/runs/:run", s.handle(s.deleteRun))
}

// createRun makes a run whose author is the caller; the engine generates
// its id when absent.
func (s *Server) createRun(c *gin.Context) error {
	p, err := s.projectForWrite(c)
	if err != nil {
		return err
	}
	var req struct {
		ID      string         `json:"id"`
		Name    string         `json:"name"`
		Group   string         `json:"group"`
		JobType string         `json:"job_type"`
		Tags    []string       `json:"tags"`
		Notes   string         `json:"notes"`
		Config  map[string]any `json:"config"`
	}
	if err := s.bindJSON(c, &req); err != nil {
		return err
	}
	if req.ID != "" {
		if err := validID("id", req.ID); err != nil {
			return err
		}
	}

	r, err := s.db.CreateRun(engine.Run{
		Project: p.Name, ID: req.ID, Name: req.Name, Group: req.Group,
		JobType: req.JobType, Tags: req.Tags, Notes: req.Notes,
		Config: req.Config, Author: s.user(c).Name,
	})
	if err != nil {
		return err
	}
	c.JSON(http.StatusCreated, newRunJSON(&r))
	return nil
}

func (s *Server) getRun(c *gin.Context) error {
	p, err := s.projectForRead(c)
	if err != nil {
		return err
	}
	r, err := s.db.Run(p.Name, c.Param("run"))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, newRunJSON(r))
	return nil
}

// patchRun changes the fields present in the body and merges config key by
// key; a field absent from the body keeps its value.
func (s *Server) patchRun(c *gin.Context) error {
	p, err := s.projectForWrite(c)
	if err != nil {
		return err
	}
	var req struct {
		Name    *string        `json:"name"`
		Group   *string        `json:"group"`
		JobType *string        `json:"job_type"`
		Notes   *string        `json:"notes"`
		State   *string        `json:"state"`
		Tags    *[]string      `json:"tags"`
		Config  map[string]any `json:"config"`
	}
	if err := s.bindJSON(c, &req); err != nil {
		return err
	}

	r, err := s.db.UpdateRun(p.Name, c.Param("run"), engine.RunPatch{
		Name: req.Name, Group: req.Group, JobType: req.JobType, Notes: req.Notes,
		State: req.State, Tags: req.Tags, Config: req.Config,
	})
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, newRunJSON(&r))
	return nil
}

func (s *Server) deleteRun(c *gin.Context) error {
	p, err := s.projectForWrite(c)
	if err != nil {
		return err
	}
	if err := s.db.DeleteRun(p.Name, c.Param("run")); err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}
