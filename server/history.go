package server

import "github.com/gin-gonic/gin"

func (s *Server) registerHistory(g *gin.RouterGroup) {}
