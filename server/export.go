package server

import "github.com/gin-gonic/gin"

// Stub: the query helper fills this file.
func (s *Server) registerExport(g *gin.RouterGroup) {}
