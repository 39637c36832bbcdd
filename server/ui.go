package server

import "github.com/gin-gonic/gin"

// Stub: the UI helper fills this file (the embedded single-page app).
func (s *Server) registerUI(r *gin.Engine) {}
