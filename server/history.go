package server

import (
	"bytes"
	"errors"
	"io"
	"math"
	"mime"
	"net/http"
	"regexp"
	"strconv"
	"sync"

	"github.com/gin-gonic/gin"
	"github.com/klauspost/compress/gzip"

	"github.com/sextant-ml/sextant/engine"
	"github.com/sextant-ml/sextant/server/ingest"
)

func (s *Server) registerHistory(g *gin.RouterGroup) {
	g.POST("/projects/:project/runs/:run/history", s.handle(s.appendHistory))
}

// parsers and bodies keep the ingest buffers warm between requests.
var (
	parsers = sync.Pool{New: func() any { return ingest.NewParser() }}
	bodies  = sync.Pool{New: func() any { return new(bytes.Buffer) }}
)

// appendHistory stores a batch of rows and answers only once the engine
// has made it durable. A batch is stored whole or not at all: every row is
// parsed and checked before the engine sees any.
func (s *Server) appendHistory(c *gin.Context) error {
	p, err := s.projectForWrite(c)
	if err != nil {
		return err
	}
	body := bodies.Get().(*bytes.Buffer)
	defer bodies.Put(body)
	if err := s.readBody(c.Request, body); err != nil {
		return err
	}
	format, err := historyFormat(c.GetHeader("Content-Type"), body.Bytes())
	if err != nil {
		return err
	}
	parser := parsers.Get().(*ingest.Parser)
	defer parsers.Put(parser)
	rows, err := parser.Parse(body.Bytes(), format, s.cfg.MaxRows)
	if err != nil {
		return ingestError(err)
	}

	if err := s.admit(c, p.Name, countPoints(rows)); err != nil {
		return err
	}
	res, err := s.db.Append(p.Name, c.Param("run"), rows)
	if err != nil {
		return err
	}
	s.stats.ingestBatches.Add(1)
	s.stats.ingestRows.Add(uint64(res.Rows))
	s.stats.ingestPoints.Add(uint64(res.Points))
	s.stats.ingestBytes.Add(uint64(body.Len()))
	c.JSON(http.StatusOK, res)
	return nil
}

// historyFormat picks the framing from the Content-Type: NDJSON for
// application/x-ndjson (and its aliases), JSON for application/json. A
// body sent without a type of its own (none, text/plain, octet-stream, or
// the form type curl -d sends) is told by its start: {"rows": or [ is
// JSON, anything else NDJSON. Other types answer 400.
func historyFormat(contentType string, body []byte) (ingest.Format, error) {
	if contentType == "" {
		return sniffFormat(body), nil
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return 0, errInvalid("content-type: %q: %v", contentType, err)
	}
	switch mt {
	case "application/x-ndjson", "application/ndjson", "application/jsonl",
		"application/x-jsonlines", "application/jsonlines":
		return ingest.FormatNDJSON, nil
	case "application/json":
		return ingest.FormatJSON, nil
	case "text/plain", "application/octet-stream", "application/x-www-form-urlencoded":
		return sniffFormat(body), nil
	}
	return 0, errInvalid("content-type: %q: want application/json or "+
		"application/x-ndjson", mt)
}

// firstRows matches the start of {"rows": ...} after white space.
var firstRows = regexp.MustCompile(`^\s*(\[|\{\s*"rows"\s*:)`)

func sniffFormat(body []byte) ingest.Format {
	if firstRows.Match(body) {
		return ingest.FormatJSON
	}
	return ingest.FormatNDJSON
}

// readBody reads the request body, gunzipped when its Content-Encoding is
// gzip, into buf; past Config.MaxBodyBytes it answers 413.
func (s *Server) readBody(r *http.Request, buf *bytes.Buffer) error {
	limit := s.cfg.MaxBodyBytes
	if r.ContentLength > limit {
		return errTooLarge("body: %d bytes, over the limit of %d", r.ContentLength, limit)
	}
	buf.Reset()
	var src io.Reader = r.Body
	switch enc := r.Header.Get("Content-Encoding"); enc {
	case "", "identity":
		if r.ContentLength > 0 {
			buf.Grow(int(r.ContentLength))
		}
	case "gzip":
		zr, err := gzip.NewReader(r.Body)
		if err != nil {
			return errInvalid("content-encoding: gzip body: %v", err)
		}
		defer func() { _ = zr.Close() }() // a read error was reported already
		src = zr
	default:
		return errInvalid("content-encoding: %q: want gzip or none", enc)
	}

	n, err := buf.ReadFrom(io.LimitReader(src, limit+1))
	switch {
	case n > limit:
		return errTooLarge("body: over the limit of %d bytes", limit)
	case err != nil:
		return errInvalid("body: reading: %v", err)
	}
	return nil
}

// ingestError maps a refused batch to 400, or 413 when it has too many
// rows. The parser's message names the row and the key.
func ingestError(err error) error {
	if errors.Is(err, ingest.ErrTooManyRows) {
		return errTooLarge("%s", err)
	}
	return errInvalid("%s", err)
}

func countPoints(rows []engine.Row) int {
	n := 0
	for _, r := range rows {
		n += len(r.Metrics)
	}
	return n
}

// admit charges the batch to the project's ingest budget, setting the
// RateLimit-* headers, and answers 429 when the budget is spent.
func (s *Server) admit(c *gin.Context, project string, points int) error {
	a := s.limits.admit(project, points)
	if a.limit == 0 {
		return nil // no limit configured
	}
	c.Header("RateLimit-Limit", strconv.FormatFloat(a.limit, 'f', 0, 64))
	c.Header("RateLimit-Remaining", strconv.FormatFloat(math.Floor(a.remaining), 'f', 0, 64))
	c.Header("RateLimit-Reset", strconv.FormatFloat(math.Ceil(a.reset), 'f', 0, 64))
	if a.ok {
		return nil
	}
	s.stats.rateLimited.Add(1)
	return errRateLimited(int(math.Ceil(a.retryAfter)),
		"project %q: ingest over %.0f points/s; retry after %.1f s",
		project, s.cfg.IngestRate, a.retryAfter)
}
