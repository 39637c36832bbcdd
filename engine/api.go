package engine

import (
	"errors"
	"fmt"
	"time"

	"github.com/sextant-ml/sextant/engine/block"
)

// Errors the engine returns. Callers test them with errors.Is; the server
// maps them to HTTP status codes.
var (
	// ErrNotFound: the project, run or series does not exist.
	ErrNotFound = errors.New("not found")
	// ErrExists: a project or run with that name or id exists already.
	ErrExists = errors.New("already exists")
	// ErrInvalid: the caller's input breaks a documented rule (empty or
	// over-long key, negative step, unknown state). The wrapping error names
	// the field.
	ErrInvalid = errors.New("invalid argument")
	// ErrCorrupt: stored bytes do not decode. Never caused by user input.
	ErrCorrupt = errors.New("corrupt data")
	// ErrClosed: the DB was closed.
	ErrClosed = errors.New("engine closed")
)

// Limits on what a caller may store. They are part of the API contract and
// documented in docs/api.md.
const (
	MaxKeyLen      = 256 // bytes in a metric key
	MaxIDLen       = 128 // bytes in a project name or run id
	MaxRowsPerCall = 100_000
)

// Reserved series that every row writes besides its metrics.
const (
	KeyStep      = "_step"      // the x-axis of a row; not stored as a series
	KeyTimestamp = "_timestamp" // wall time of the row, seconds since the epoch
	KeyRuntime   = "_runtime"   // seconds since the run's first row
)

// Run states.
const (
	StateRunning  = "running"
	StateFinished = "finished"
	StateFailed   = "failed"
	StateCrashed  = "crashed"
)

// Options configure Open. The zero value of every field but Dir picks a
// measured default.
type Options struct {
	// Dir holds the Badger files. Ignored when InMemory is set.
	Dir string
	// InMemory keeps everything in memory, for tests.
	InMemory bool
	// HeadMaxPoints seals a series' head into a block once it holds this
	// many points, and is the most points a block holds (default 8,192, at
	// most block.MaxPoints).
	HeadMaxPoints int
	// IdleSeal seals the heads of a run that received no point for this
	// long (default 1 minute).
	IdleSeal time.Duration
	// CacheBytes bounds the block cache, which holds decoded blocks and
	// block summaries in the Go heap (default DefaultCacheBytes). A chart
	// of a long series reads every summary and a few points of most blocks
	// of the range, so the cache should hold the series charted often:
	// about 8 bytes a point plus 2 a point for summaries and block.Cuts
	// when steps are evenly spaced, 16 plus 2 otherwise.
	CacheBytes int
	// WALSegmentBytes rotates a write-ahead log segment past this size
	// (default 64 MiB).
	WALSegmentBytes int64
	// BlockStore holds the bytes of sealed blocks (default: the engine's
	// Badger database, NewBadgerBlockStore). It must hold the same blocks
	// at every Open of the same Dir.
	BlockStore BlockStore
	// SweepAfter is how long the engine waits to delete the blocks that an
	// unclean shutdown or a failed seal round may have left unnamed (see
	// DB.SweepOrphans; default DefaultSweepAfter; negative: never).
	SweepAfter time.Duration
}

// Project is a named collection of runs, owned by a user or a team.
type Project struct {
	Name       string    `json:"name"`
	Owner      string    `json:"owner"`          // the user who created it
	Team       string    `json:"team,omitempty"` // owning team, if any
	Visibility string    `json:"visibility"`     // "private" or "public"
	Created    time.Time `json:"created"`
}

// Run is one training run of a project and everything known about it
// besides its history.
type Run struct {
	Project   string         `json:"project"`
	ID        string         `json:"id"`
	Name      string         `json:"name"`
	Group     string         `json:"group"`
	JobType   string         `json:"job_type"`
	Tags      []string       `json:"tags"`
	Notes     string         `json:"notes"`
	Config    map[string]any `json:"config"`
	State     string         `json:"state"`
	Author    string         `json:"author"`
	Created   time.Time      `json:"created"`
	Heartbeat time.Time      `json:"heartbeat"`
	// Summary holds, per metric key, its latest point and its extremes.
	// It is kept current on ingest, never rebuilt by scanning history.
	Summary map[string]MetricSummary `json:"summary"`
	// LastStep is the largest step written so far, -1 before the first row.
	LastStep int64 `json:"last_step"`
	// Incarnation is a random number drawn when the run is created, which
	// tells it from an earlier, deleted run of the same id.
	Incarnation uint64 `json:"-"`
	// WriteGen counts the batches written to the run's points, rewrites
	// and the write-ahead log's replay included. With Incarnation it names
	// the run's history: two snapshots with both equal hold the same points,
	// also across a clean restart (see docs/format/keys.md).
	WriteGen uint64 `json:"-"`
}

// MetricSummary is the run table's view of one series: the value at the
// largest step, and the smallest and largest finite values. Min and Max
// cover every value ever written to the series, overwritten ones included
// (they are kept on ingest, never recomputed from history), and are NaN
// while the series has no finite value. Run.Summary has one per series,
// _timestamp and _runtime included.
type MetricSummary struct {
	Last float64 `json:"last"`
	Step int64   `json:"step"`
	Min  float64 `json:"min"`
	Max  float64 `json:"max"`
}

// RunPatch changes the fields that are set; Config is merged key by key
// into the run's config.
type RunPatch struct {
	Name    *string
	Group   *string
	JobType *string
	Notes   *string
	State   *string
	Tags    *[]string
	Config  map[string]any
}

// Metric is one key and value of a history row.
type Metric struct {
	Key   string
	Value float64
}

// Row is one log call of a run: metrics at a step.
type Row struct {
	// Step of the row; negative means the run's last step + 1.
	Step int64
	// Time in seconds since the epoch; NaN means the server's clock.
	Time    float64
	Metrics []Metric
}

// AppendResult counts what an Append stored.
type AppendResult struct {
	Rows   int `json:"rows"`
	Points int `json:"points"` // metric points, not counting _timestamp and _runtime
}

// Points is a columnar run of points of one series in increasing step.
type Points struct {
	Steps  []int64
	Values []float64
}

// Len returns the number of points.
func (p Points) Len() int { return len(p.Steps) }

// Chunk is a piece of a series handed to a reader by Scan: either a sealed
// block, whose statistics and summary pyramid are known without decoding its
// points, or points still in the head (Pyramid is nil then). A sealed
// block's Pyramid is shared with the block cache and must not be written.
type Chunk struct {
	Stats   block.Stats
	Pyramid []block.Bucket
	// Coarse is a coarser level over Pyramid, kept in memory only: bucket
	// k folds Pyramid[CoarseSpan*k : CoarseSpan*(k+1)] (fewer at the end).
	// Only a bucket whose points are all finite (Finite == Count) holds
	// their First, Last, Min and Max; nil when Pyramid is.
	Coarse []block.Bucket
	// Extremes and CoarseExtremes are the smallest and largest values of
	// the buckets of Pyramid and Coarse, one per bucket, apart from the
	// rest of their summaries (see Extreme); nil when Pyramid is.
	Extremes, CoarseExtremes []Extreme

	load func() (*decodedBlock, error)
	blk  *decodedBlock // nil until loaded
	// cuts is the block's answer to this chunk's first Cuts call, which
	// every later call repeats (nil or the table).
	cuts      []block.Cuts
	cutsAsked bool
}

// Points returns a copy of the chunk's points, which the caller owns.
func (c *Chunk) Points() (Points, error) {
	s, err := c.whole()
	if err != nil {
		return Points{}, err
	}
	return s.AppendTo(Points{Steps: make([]int64, 0, s.Len()),
		Values: make([]float64, 0, s.Len())}), nil
}

// Span returns points [i, j) of the chunk, by position, without copying:
// point i of a sealed block is point i%block.PyramidSpan of its bucket
// i/block.PyramidSpan. A sealed block is decoded once, through the block
// cache, however many spans are taken of it.
func (c *Chunk) Span(i, j int) (Span, error) {
	s, err := c.whole()
	if err != nil {
		return Span{}, err
	}
	if i < 0 || j < i || j > s.Len() {
		return Span{}, fmt.Errorf("span [%d, %d) of a chunk of %d points: %w",
			i, j, s.Len(), ErrInvalid)
	}
	return s.Slice(i, j), nil
}

// Cuts returns the Cuts of the chunk's buckets, one per bucket of Pyramid,
// shared with the block cache (they must not be written), or nil when the
// cache has not built them yet: it builds a decoded block's table the
// second time a chunk of it asks (a chunk is one read of the block), and
// the first reader scans; a block put there by its seal has them from the
// start. Every call on one chunk gives the same answer. A bucket's
// Cuts say something only when its values are all finite.
func (c *Chunk) Cuts() ([]block.Cuts, error) {
	if c.cutsAsked {
		return c.cuts, nil
	}
	if err := c.ensure(); err != nil {
		return nil, err
	}
	c.cuts, c.cutsAsked = c.blk.cutTable(), true
	return c.cuts, nil
}

// Again returns a new chunk over the same block, as the next read of the
// block gets: it shares the cached points and their Cuts, and asks for
// the Cuts anew. Tests of readers that meet a block more than once use it.
func (c *Chunk) Again() *Chunk {
	return &Chunk{Stats: c.Stats, Pyramid: c.Pyramid, Coarse: c.Coarse, Extremes: c.Extremes,
		CoarseExtremes: c.CoarseExtremes, load: c.load, blk: c.blk}
}

// whole returns the span of every point of the chunk, loading it once.
func (c *Chunk) whole() (Span, error) {
	if err := c.ensure(); err != nil {
		return Span{}, err
	}
	return c.blk.span, nil
}

// ensure loads the chunk's points once.
func (c *Chunk) ensure() error {
	if c.blk != nil {
		return nil
	}
	b, err := c.load()
	if err != nil {
		return err
	}
	if b.span.Len() != c.Stats.Count {
		return fmt.Errorf("chunk holds %d points, its stats say %d: %w",
			b.span.Len(), c.Stats.Count, ErrCorrupt)
	}
	c.blk = b
	return nil
}

// NewChunk builds a chunk from already decoded points, which it shares;
// query tests and the head use it.
func NewChunk(p Points) *Chunk {
	stats, pyramid := block.Summarize(p.Steps, p.Values)
	s := newDecodedSummary(stats, pyramid)
	c := s.chunk()
	c.blk = &decodedBlock{span: compactSpan(p)}
	return c
}
