package server

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// createSession checks an API key and sets it as the browser's session
// cookie (HttpOnly, SameSite=Strict), so that the web UI needs no header.
func (s *Server) createSession(c *gin.Context) error {
	var req struct {
		APIKey string `json:"api_key"`
	}
	if err := s.bindJSON(c, &req); err != nil {
		return err
	}
	u, err := s.access.Authenticate(req.APIKey)
	if err != nil {
		return errUnauthenticated("api_key: unknown api key")
	}

	http.SetCookie(c.Writer, &http.Cookie{
		Name:     sessionCookie,
		Value:    req.APIKey,
		Path:     "/",
		HttpOnly: true,
		SameSite: http.SameSiteStrictMode,
		MaxAge:   30 * 24 * 3600,
	})
	c.JSON(http.StatusOK, gin.H{"name": u.Name, "admin": u.Admin})
	return nil
}

// deleteSession clears the session cookie.
func (s *Server) deleteSession(c *gin.Context) error {
	http.SetCookie(c.Writer, &http.Cookie{
		Name: sessionCookie, Path: "/", MaxAge: -1, HttpOnly: true,
		SameSite: http.SameSiteStrictMode,
	})
	c.Status(http.StatusNoContent)
	return nil
}
