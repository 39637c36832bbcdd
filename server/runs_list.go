package server

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/sextant-ml/sextant/engine"
	"github.com/sextant-ml/sextant/query"
)

func (s *Server) registerRunsList(g *gin.RouterGroup) {
	g.GET("/projects/:project/runs", s.handle(s.listRuns))
}

// runsPage is the answer of GET .../runs; Next is "" on the last page.
type runsPage struct {
	Runs []runJSON `json:"runs"`
	Next string    `json:"next"`
}

// listRuns pages through the runs a filter passes, in the order asked
// for; with ?format=csv or an Arrow Accept header it exports the whole
// table instead (every run the filter passes, sorted, no paging).
func (s *Server) listRuns(c *gin.Context) error {
	p, err := s.projectForRead(c)
	if err != nil {
		return err
	}
	q, err := runsQuery(c)
	if err != nil {
		return err
	}
	runs, err := s.db.Runs(p.Name)
	if err != nil {
		return err
	}
	format := c.Query("format")
	if wantsArrow(c) || format == "csv" {
		return s.exportRuns(c, runs, q, format == "csv")
	}
	page, err := query.SelectRuns(runs, q)
	if err != nil {
		return err
	}
	out := runsPage{Runs: make([]runJSON, len(page.Runs)), Next: page.Next}
	for i, r := range page.Runs {
		out.Runs[i] = newRunJSON(r)
	}
	c.JSON(http.StatusOK, out)
	return nil
}

// runsQuery reads filter, sort, order, limit and cursor (also accepted as
// next). Without sort the
// newest runs come first; sort=-FIELD without order sorts descending.
func runsQuery(c *gin.Context) (query.RunsQuery, error) {
	q := query.RunsQuery{Filter: c.Query("filter"), Sort: c.Query("sort"),
		Cursor: c.Query("cursor")}
	if q.Cursor == "" {
		q.Cursor = c.Query("next") // the name the answer gives it
	}
	minus := strings.HasPrefix(q.Sort, "-")
	q.Sort = strings.TrimPrefix(q.Sort, "-")
	switch c.Query("order") {
	case "":
		q.Desc = q.Sort == "" || minus
	case "asc":
	case "desc":
		q.Desc = true
	default:
		return q, errInvalid("order: must be asc or desc, got %q", c.Query("order"))
	}
	if l := c.Query("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > query.MaxRunsLimit {
			return q, errInvalid("limit: must be 1 to %d, got %q", query.MaxRunsLimit, l)
		}
		q.Limit = n
	}
	return q, nil
}

// exportRuns writes the runs table of every matching run as CSV or Arrow.
func (s *Server) exportRuns(c *gin.Context, runs []*engine.Run, q query.RunsQuery,
	csv bool) error {
	q.All = true
	page, err := query.SelectRuns(runs, q)
	if err != nil {
		return err
	}
	picked := page.Runs
	if csv {
		c.Header("Content-Type", "text/csv; charset=utf-8")
		c.Header("Content-Disposition", `attachment; filename="runs.csv"`)
		c.Status(http.StatusOK)
		return s.streamed(c, query.WriteRunsCSV(c.Writer, picked))
	}
	c.Header("Content-Type", arrowMIME)
	c.Status(http.StatusOK)
	return s.streamed(c, query.WriteRunsArrow(c.Writer, picked))
}
