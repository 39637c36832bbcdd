package server

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/sextant-ml/sextant/workspace"
)

// registerViews adds the saved views of a project: named layouts that its
// readers see and its writers create, change and delete. A change that
// names the version it was made from (its updated time) is refused when
// another came after it; one that names none wins over any.
func (s *Server) registerViews(g *gin.RouterGroup) {
	v := g.Group("/projects/:project/views")
	v.GET("", s.handle(s.listViews))
	v.POST("", s.handle(s.createView))
	v.GET("/:id", s.handle(s.getView))
	v.PUT("/:id", s.handle(s.putView))
	v.DELETE("/:id", s.handle(s.deleteView))
}

// viewRequest is the body of a view POST or PUT.
type viewRequest struct {
	Name *string         `json:"name"`
	Spec json.RawMessage `json:"spec"`
	// Updated, on PUT, is the updated time of the view the change was made
	// from; a view saved since answers 409. Left out, nothing is checked.
	Updated *time.Time `json:"updated"`
}

func (s *Server) listViews(c *gin.Context) error {
	p, err := s.projectForRead(c)
	if err != nil {
		return err
	}
	views, err := s.workspaces().Views(p.Name)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"views": views})
	return nil
}

func (s *Server) createView(c *gin.Context) error {
	p, err := s.projectForWrite(c)
	if err != nil {
		return err
	}
	var req viewRequest
	if err := s.bindJSON(c, &req); err != nil {
		return err
	}
	if req.Name == nil {
		return errInvalid("name: missing")
	}
	spec, err := decodeSpec(req.Spec)
	if err != nil {
		return err
	}

	v, err := s.workspaces().CreateView(p.Name, s.user(c).Name,
		workspace.View{Name: *req.Name, Spec: spec})
	if err != nil {
		return err
	}
	c.JSON(http.StatusCreated, v)
	return nil
}

func (s *Server) getView(c *gin.Context) error {
	p, err := s.projectForRead(c)
	if err != nil {
		return err
	}
	v, err := s.workspaces().View(p.Name, c.Param("id"))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, v)
	return nil
}

// putView changes a view's name, spec or both; a field left out keeps its
// value. With updated, it is refused when the view was saved since.
func (s *Server) putView(c *gin.Context) error {
	p, err := s.projectForWrite(c)
	if err != nil {
		return err
	}
	var req viewRequest
	if err := s.bindJSON(c, &req); err != nil {
		return err
	}
	old, err := s.workspaces().View(p.Name, c.Param("id"))
	if err != nil {
		return err
	}

	name, spec := old.Name, old.Spec
	if req.Name != nil {
		name = *req.Name
	}
	if len(req.Spec) > 0 {
		if spec, err = decodeSpec(req.Spec); err != nil {
			return err
		}
	}
	var since time.Time
	if req.Updated != nil {
		since = *req.Updated
	}
	v, err := s.workspaces().UpdateView(p.Name, old.ID, s.user(c).Name, name, spec, since)
	if err != nil {
		return workspaceError(err)
	}
	c.JSON(http.StatusOK, v)
	return nil
}

func (s *Server) deleteView(c *gin.Context) error {
	p, err := s.projectForWrite(c)
	if err != nil {
		return err
	}
	if err := s.workspaces().DeleteView(p.Name, c.Param("id")); err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}
