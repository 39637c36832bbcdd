package server

import "github.com/gin-gonic/gin"

// Stub: the workspace helper fills this file.
func (s *Server) registerReports(g *gin.RouterGroup) {}
