package server

import "github.com/gin-gonic/gin"

// Stub: the workspace helper fills this file (/api/v1/shared/:token/..., no key).
func (s *Server) registerShared(root *gin.RouterGroup) {}
