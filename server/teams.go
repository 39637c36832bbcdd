package server

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// createTeam makes a team whose admin is the caller.
func (s *Server) createTeam(c *gin.Context) error {
	var req struct {
		Name string `json:"name"`
	}
	if err := s.bindJSON(c, &req); err != nil {
		return err
	}

	t, err := s.access.CreateTeam(req.Name, s.user(c).Name)
	if err != nil {
		return err
	}
	members, err := s.access.Members(t.Name)
	if err != nil {
		return err
	}
	c.JSON(http.StatusCreated, gin.H{"name": t.Name, "created": t.Created, "members": members})
	return nil
}

// getTeam answers a team and its members, to its members and the admin.
func (s *Server) getTeam(c *gin.Context) error {
	name := c.Param("team")
	t, err := s.access.Team(name)
	if err != nil {
		return err
	}
	u := s.user(c)
	if member, _ := s.access.Member(name, u.Name); !member && !u.Admin {
		return errForbidden("team %q: %q is not a member", name, u.Name)
	}

	members, err := s.access.Members(name)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"name": t.Name, "created": t.Created, "members": members})
	return nil
}

// addMember adds a user to a team; only the team's admins (and the admin)
// may. With "admin": true the user becomes a team admin too.
func (s *Server) addMember(c *gin.Context) error {
	team := c.Param("team")
	if _, err := s.access.Team(team); err != nil {
		return err
	}
	u := s.user(c)
	if _, admin := s.access.Member(team, u.Name); !admin && !u.Admin {
		return errForbidden("team %q: only its admins add members", team)
	}
	var req struct {
		User  string `json:"user"`
		Admin bool   `json:"admin"`
	}
	if err := s.bindJSON(c, &req); err != nil {
		return err
	}
	if req.User == "" {
		return errInvalid("user: missing")
	}

	m, err := s.access.AddMember(team, req.User, req.Admin)
	if err != nil {
		return err
	}
	c.JSON(http.StatusCreated, m)
	return nil
}
