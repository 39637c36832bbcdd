package server

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/sextant-ml/sextant/server/access"
)

// ctxUser is the gin context key holding the authenticated access.User.
const ctxUser = "sextant.user"

// sessionCookie holds the browser's API key, set by POST /api/v1/session.
const sessionCookie = "sextant_session"

// requireUser is the middleware that authenticates a request by its
// "Authorization: Bearer KEY" header (or, for the browser, the session
// cookie) and puts the user in the context. It answers 401 otherwise.
func (s *Server) requireUser(c *gin.Context) {
	u, err := s.authenticate(c.Request)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.Set(ctxUser, u)
	c.Next()
}

func (s *Server) authenticate(r *http.Request) (access.User, error) {
	key, err := requestKey(r)
	if err != nil {
		return access.User{}, err
	}
	u, err := s.access.Authenticate(key)
	if err != nil {
		return access.User{}, errUnauthenticated("authorization: unknown api key")
	}
	return u, nil
}

// requestKey returns the key a request carries: the bearer token first,
// else the session cookie.
func requestKey(r *http.Request) (string, error) {
	h := r.Header.Get("Authorization")
	if h != "" {
		scheme, key, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(key) == "" {
			return "", errUnauthenticated("authorization: want \"Bearer KEY\"")
		}
		return strings.TrimSpace(key), nil
	}
	if ck, err := r.Cookie(sessionCookie); err == nil && ck.Value != "" {
		return ck.Value, nil
	}
	return "", errUnauthenticated("authorization: missing \"Bearer KEY\" header")
}

// user returns the authenticated caller. It panics on a route outside the
// authenticated groups, which is a bug in route registration.
func (s *Server) user(c *gin.Context) access.User {
	v, ok := c.Get(ctxUser)
	if !ok {
		panic("server: user() called on a route without requireUser")
	}
	return v.(access.User)
}
