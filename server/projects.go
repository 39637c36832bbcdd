package server

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/sextant-ml/sextant/engine"
	"github.com/sextant-ml/sextant/server/access"
)

func (s *Server) registerProjects(g *gin.RouterGroup) {
	g.POST("/projects", s.handle(s.createProject))
	g.GET("/projects", s.handle(s.listProjects))
	g.GET("/projects/:project", s.handle(s.getProject))
}

// createProject makes a project owned by the caller, or by a team the
// caller belongs to.
func (s *Server) createProject(c *gin.Context) error {
	var req struct {
		Name       string `json:"name"`
		Team       string `json:"team"`
		Visibility string `json:"visibility"`
	}
	if err := s.bindJSON(c, &req); err != nil {
		return err
	}
	p := engine.Project{
		Name:       req.Name,
		Owner:      s.user(c).Name,
		Team:       req.Team,
		Visibility: req.Visibility,
		Created:    time.Now().UTC(),
	}
	if err := s.checkNewProject(s.user(c), &p); err != nil {
		return err
	}

	if err := s.db.CreateProject(p); err != nil {
		return err
	}
	c.JSON(http.StatusCreated, p)
	return nil
}

func (s *Server) checkNewProject(u access.User, p *engine.Project) error {
	if err := validID("name", p.Name); err != nil {
		return err
	}
	switch p.Visibility {
	case "":
		p.Visibility = visibilityPrivate
	case visibilityPrivate, visibilityPublic:
	default:
		return errInvalid("visibility: %q is neither %q nor %q",
			p.Visibility, visibilityPrivate, visibilityPublic)
	}
	if p.Team == "" {
		return nil
	}
	if _, err := s.access.Team(p.Team); err != nil {
		return err
	}
	if member, _ := s.access.Member(p.Team, u.Name); !member && !u.Admin {
		return errForbidden("team: %q is not a member of %q", u.Name, p.Team)
	}
	return nil
}

// listProjects answers the projects the caller may read.
func (s *Server) listProjects(c *gin.Context) error {
	all, err := s.db.Projects()
	if err != nil {
		return err
	}
	visible := make([]engine.Project, 0, len(all))
	for _, p := range all {
		if s.canRead(s.user(c), p) {
			visible = append(visible, p)
		}
	}
	c.JSON(http.StatusOK, gin.H{"projects": visible})
	return nil
}

// getProject answers one project, with what the caller may do in it.
func (s *Server) getProject(c *gin.Context) error {
	p, err := s.projectForRead(c)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{
		"name":       p.Name,
		"owner":      p.Owner,
		"team":       p.Team,
		"visibility": p.Visibility,
		"created":    p.Created,
		"can_write":  s.canWrite(s.user(c), p),
		"can_admin":  s.isProjectAdmin(c, p),
	})
	return nil
}

// validID checks a project name or run id: 1 to engine.MaxIDLen bytes of
// letters, digits, '_', '.', '-'; no leading '.'. They appear in URL paths.
func validID(field, id string) error {
	if id == "" || len(id) > engine.MaxIDLen {
		return errInvalid("%s: must be 1 to %d bytes", field, engine.MaxIDLen)
	}
	if id[0] == '.' {
		return errInvalid("%s: %q may not start with '.'", field, id)
	}
	for _, ch := range []byte(id) {
		ok := ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' ||
			ch == '_' || ch == '.' || ch == '-'
		if !ok {
			return errInvalid("%s: %q holds %q; allowed are letters, digits, '_', '.', '-'",
				field, id, ch)
		}
	}
	return nil
}
