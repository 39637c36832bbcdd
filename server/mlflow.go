package server

import "github.com/gin-gonic/gin"

// Stub: the clients helper fills this file (MLflow REST, bearer key).
func (s *Server) registerMLflow(root *gin.RouterGroup) {}
