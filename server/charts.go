package server

import (
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"

	"github.com/sextant-ml/sextant/query"
)

// arrowMIME is the media type of Arrow IPC streams, asked for with Accept.
const arrowMIME = "application/vnd.apache.arrow.stream"

func (s *Server) registerCharts(g *gin.RouterGroup) {
	g.POST("/projects/:project/charts", s.handle(s.postChart))
}

// postChart answers a chart query over a readable project.
func (s *Server) postChart(c *gin.Context) error {
	p, err := s.projectForRead(c)
	if err != nil {
		return err
	}
	var req query.ChartRequest
	if err := s.bindJSON(c, &req); err != nil {
		return err
	}
	return s.answerChart(c, p.Name, req)
}

// chartBuffers recycles the buffers JSON answers are built in.
var chartBuffers = sync.Pool{New: func() any { return new([]byte) }}

// answerChart answers a chart query as JSON, or as Arrow when the request
// accepts it, from the answer cache when it can. Share links call it too,
// once they have checked that the query is part of the shared report.
//
// A computed answer enters the cache only after it is sent, with its
// length given so that the client knows it has all of it before the
// handler returns: the copy into the cache is then off the client's
// clock.
func (s *Server) answerChart(c *gin.Context, project string, req query.ChartRequest) error {
	mime := "application/json; charset=utf-8"
	arrow := wantsArrow(c)
	if arrow {
		mime = arrowMIME
	}
	buf := chartBuffers.Get().(*[]byte)
	defer chartBuffers.Put(buf)
	a, err := s.charts.Answer((*buf)[:0], project, req, arrow)
	if err != nil {
		return queryError(err)
	}
	*buf = a.Bytes
	c.Header("Content-Length", strconv.Itoa(len(a.Bytes)))
	c.Data(http.StatusOK, mime, a.Bytes)
	c.Writer.Flush()
	a.Remember()
	return nil
}

// wantsArrow reports whether the request asks for an Arrow IPC stream.
func wantsArrow(c *gin.Context) bool {
	return strings.Contains(c.GetHeader("Accept"), arrowMIME) || c.Query("format") == "arrow"
}

// queryError maps the query layer's own error kinds; engine errors pass
// through to the common mapping.
func queryError(err error) error {
	if errors.Is(err, query.ErrTooLarge) {
		return errTooLarge("%s", strings.TrimSuffix(err.Error(), ": too large"))
	}
	return err
}

// streamed handles the error of an answer written as it is made: before
// the first byte it becomes the usual error answer; after it the answer is
// cut short, which the client sees as a broken stream, and the cause is
// logged.
func (s *Server) streamed(c *gin.Context, err error) error {
	if err == nil {
		return nil
	}
	if c.Writer.Size() <= 0 {
		c.Writer.Header().Del("Content-Type")
		return queryError(err)
	}
	s.log.LogAttrs(c.Request.Context(), slog.LevelError, "stream cut short",
		slog.String("path", c.Request.URL.Path), slog.String("err", err.Error()))
	c.Abort()
	return nil
}
