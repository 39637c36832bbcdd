package server

import (
	"fmt"
	"log/slog"
	"net/http"
	"sync/atomic"

	"github.com/gin-gonic/gin"

	"github.com/sextant-ml/sextant/engine"
	"github.com/sextant-ml/sextant/query"
	"github.com/sextant-ml/sextant/server/access"
)

// Config holds the server's limits. The zero value of each field picks the
// default documented beside it (and in docs/api.md).
type Config struct {
	// MaxBodyBytes bounds a history request body, after decompression.
	// Default 64 MiB.
	MaxBodyBytes int64
	// MaxJSONBytes bounds every other JSON request body. Default 8 MiB.
	MaxJSONBytes int64
	// MaxRows bounds the rows of one history request. Default
	// engine.MaxRowsPerCall.
	MaxRows int
	// IngestRate is each project's sustained ingest budget in points per
	// second. Default 5,000,000. Negative disables the limit.
	IngestRate float64
	// IngestBurst is how many points a project may send at once above the
	// rate. Default twice IngestRate.
	IngestBurst float64
}

// withDefaults fills the zero fields of c.
func (c Config) withDefaults() Config {
	if c.MaxBodyBytes <= 0 {
		c.MaxBodyBytes = 64 << 20
	}
	if c.MaxJSONBytes <= 0 {
		c.MaxJSONBytes = 8 << 20
	}
	if c.MaxRows <= 0 {
		c.MaxRows = engine.MaxRowsPerCall
	}
	if c.IngestRate == 0 {
		c.IngestRate = 5_000_000
	}
	if c.IngestBurst <= 0 {
		c.IngestBurst = 2 * c.IngestRate
	}
	return c
}

// Server is the HTTP API over one engine.DB.
type Server struct {
	db     *engine.DB
	access *access.Store
	cfg    Config
	log    *slog.Logger
	router *gin.Engine
	stats  *stats
	limits *ingestLimiter
	// charts answers chart queries; its answer cache is shared by every
	// request.
	charts *query.Engine

	// uiFallback, when set by registerUI, answers GET requests that match
	// no route outside /api/, so that the single-page app can route them.
	uiFallback gin.HandlerFunc

	draining atomic.Bool
}

func init() { gin.SetMode(gin.ReleaseMode) }

// New builds the server over db. The access records live in db's Badger
// database, under keys that start with "a/".
func New(db *engine.DB, cfg Config, log *slog.Logger) (*Server, error) {
	st, err := access.Open(db.Badger())
	if err != nil {
		return nil, fmt.Errorf("open access store: %w", err)
	}
	cfg = cfg.withDefaults()
	s := &Server{
		db:     db,
		access: st,
		cfg:    cfg,
		log:    log,
		stats:  newStats(),
		limits: newIngestLimiter(cfg.IngestRate, cfg.IngestBurst),
		charts: query.NewEngine(db, query.Options{}),
	}
	s.router = s.routes()
	return s, nil
}

// Handler returns the HTTP handler of every route.
func (s *Server) Handler() http.Handler { return s.router }

// Access returns the users, teams and keys store.
func (s *Server) Access() *access.Store { return s.access }

// Figures are the server's totals since it started, for lifecycle logs.
type Figures struct {
	Requests     uint64 // requests answered
	IngestRows   uint64 // history rows stored
	IngestPoints uint64 // metric points stored
}

// Figures returns the totals since the server started.
func (s *Server) Figures() Figures {
	return Figures{
		Requests:     s.stats.requestsTotal.Load(),
		IngestRows:   s.stats.ingestRows.Load(),
		IngestPoints: s.stats.ingestPoints.Load(),
	}
}

// Drain makes every request from now on answer 503, while those in
// flight finish. Call it before http.Server.Shutdown.
func (s *Server) Drain() { s.draining.Store(true) }
