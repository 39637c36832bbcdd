package server

import (
	"github.com/gin-gonic/gin"

	"github.com/sextant-ml/sextant/engine"
	"github.com/sextant-ml/sextant/server/access"
)

// Visibility of a project.
const (
	visibilityPrivate = "private"
	visibilityPublic  = "public"
)

// projectForRead loads the project named by the :project path parameter
// and checks that the caller may read it: 404 when it does not exist, 403
// when it is private and the caller is neither its owner nor a member of
// its team.
func (s *Server) projectForRead(c *gin.Context) (engine.Project, error) {
	p, err := s.db.Project(c.Param("project"))
	if err != nil {
		return engine.Project{}, err
	}
	if !s.canRead(s.user(c), p) {
		return engine.Project{}, errForbidden("project %q: not readable by %q",
			p.Name, s.user(c).Name)
	}
	return p, nil
}

// projectForWrite is projectForRead for changes: the caller must own the
// project or belong to its team (or be the admin). Public projects are
// readable by all but writable by those only.
func (s *Server) projectForWrite(c *gin.Context) (engine.Project, error) {
	p, err := s.db.Project(c.Param("project"))
	if err != nil {
		return engine.Project{}, err
	}
	if !s.canWrite(s.user(c), p) {
		return engine.Project{}, errForbidden("project %q: not writable by %q",
			p.Name, s.user(c).Name)
	}
	return p, nil
}

// isProjectAdmin tells whether the caller administers p: its owner (the
// user who created it, with or without a team), an admin of its team, or
// the built-in admin. Project admins set the default workspace.
func (s *Server) isProjectAdmin(c *gin.Context, p engine.Project) bool {
	return isAdminOf(s.access, s.user(c), p)
}

func (s *Server) canRead(u access.User, p engine.Project) bool {
	return p.Visibility == visibilityPublic || s.canWrite(u, p)
}

func (s *Server) canWrite(u access.User, p engine.Project) bool {
	if u.Admin || p.Owner == u.Name && p.Team == "" {
		return true
	}
	member, _ := s.access.Member(p.Team, u.Name)
	return p.Team != "" && member
}

func isAdminOf(st *access.Store, u access.User, p engine.Project) bool {
	if u.Admin || p.Owner == u.Name {
		return true
	}
	_, admin := st.Member(p.Team, u.Name)
	return p.Team != "" && admin
}
