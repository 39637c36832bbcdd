package server

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/sextant-ml/sextant/server/access"
)

func (s *Server) registerAccess(g *gin.RouterGroup) {
	g.GET("/me", s.handle(s.me))
	g.POST("/users", s.handle(s.createUser))
	g.POST("/teams", s.handle(s.createTeam))
	g.GET("/teams/:team", s.handle(s.getTeam))
	g.POST("/teams/:team/members", s.handle(s.addMember))
}

// me answers who the caller is and which teams they belong to.
func (s *Server) me(c *gin.Context) error {
	u := s.user(c)
	teams := s.access.Memberships(u.Name)
	if teams == nil {
		teams = []access.Membership{}
	}
	c.JSON(http.StatusOK, gin.H{"name": u.Name, "admin": u.Admin, "teams": teams})
	return nil
}

// createUser makes a user and answers its API key, the only time it is
// ever shown. Only the admin may.
func (s *Server) createUser(c *gin.Context) error {
	if !s.user(c).Admin {
		return errForbidden("users: only the admin creates users")
	}
	var req struct {
		Name string `json:"name"`
	}
	if err := s.bindJSON(c, &req); err != nil {
		return err
	}

	u, key, err := s.access.CreateUser(req.Name, false)
	if err != nil {
		return err
	}
	c.JSON(http.StatusCreated, gin.H{"name": u.Name, "api_key": key})
	return nil
}
