package server

import "github.com/gin-gonic/gin"

func (s *Server) registerRuns(g *gin.RouterGroup) {}
