package server

import (
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/sextant-ml/sextant/query"
)

func (s *Server) registerExport(g *gin.RouterGroup) {
	g.GET("/projects/:project/runs/:run/history", s.handle(s.getHistory))
}

// getHistory streams a run's history at full resolution: JSON by default,
// CSV with ?format=csv, Arrow with the Arrow Accept header (or
// ?format=arrow). Without keys it exports every series of the run,
// _timestamp and _runtime included.
func (s *Server) getHistory(c *gin.Context) error {
	p, err := s.projectForRead(c)
	if err != nil {
		return err
	}
	run, err := s.db.Run(p.Name, c.Param("run"))
	if err != nil {
		return err
	}
	q := query.HistoryQuery{Project: p.Name, Run: run.ID, MaxStep: math.MaxInt64}
	if q.Keys, err = s.historyKeys(c, p.Name, run.ID); err != nil {
		return err
	}
	if q.MinStep, err = stepParam(c, "min_step", 0); err != nil {
		return err
	}
	if q.MaxStep, err = stepParam(c, "max_step", math.MaxInt64); err != nil {
		return err
	}
	switch format := c.Query("format"); {
	case wantsArrow(c):
		c.Header("Content-Type", arrowMIME)
		c.Status(http.StatusOK)
		return s.streamed(c, query.WriteHistoryArrow(c.Writer, s.db, q))
	case format == "csv":
		c.Header("Content-Type", "text/csv; charset=utf-8")
		c.Header("Content-Disposition", `attachment; filename="history.csv"`)
		c.Status(http.StatusOK)
		return s.streamed(c, query.WriteHistoryCSV(c.Writer, s.db, q))
	case format == "" || format == "json":
		c.Header("Content-Type", "application/json; charset=utf-8")
		c.Status(http.StatusOK)
		return s.streamed(c, query.WriteHistoryJSON(c.Writer, s.db, q))
	default:
		return errInvalid("format: must be json, csv or arrow, got %q", format)
	}
}

// historyKeys reads ?keys=a,b (also repeated keys=), or lists the run's
// series when there is none (no series: an empty export).
func (s *Server) historyKeys(c *gin.Context, project, run string) ([]string, error) {
	var keys []string
	for _, v := range c.QueryArray("keys") {
		for _, k := range strings.Split(v, ",") {
			if k != "" {
				keys = append(keys, k)
			}
		}
	}
	if len(keys) > 0 {
		return keys, nil
	}
	keys, err := s.db.Keys(project, run)
	if err != nil {
		return nil, err
	}
	if len(keys) > query.MaxKeys {
		return nil, errInvalid("keys: the run has %d series; name at most %d",
			len(keys), query.MaxKeys)
	}
	return keys, nil
}

// stepParam reads an optional integer step parameter.
func stepParam(c *gin.Context, name string, def int64) (int64, error) {
	v := c.Query(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, errInvalid("%s: must be an integer step of 0 or more, got %q", name, v)
	}
	return n, nil
}
