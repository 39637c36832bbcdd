package query

import (
	"errors"
	"fmt"

	"github.com/sextant-ml/sextant/engine"
)

// Limits of a chart query; docs/api.md documents them.
const (
	MaxWidth        = 20_000
	DefaultWidth    = 1_000
	MaxKeys         = 100
	MaxSeries       = 10_000 // runs times keys
	MaxRawPoints    = 500_000
	MaxGaussSigma   = 200
	MaxMeanWindow   = 100_000
	DefaultEMA      = 0.6
	DefaultWindow   = 10
	DefaultSigma    = 2.0
	defaultXAxisKey = engine.KeyStep
)

// ErrTooLarge marks a query whose answer would pass a documented limit
// (mode raw past MaxRawPoints, more than MaxSeries series).
var ErrTooLarge = errors.New("too large")

// Chart modes.
const (
	ModeM4   = "m4"
	ModeLTTB = "lttb"
	ModeRaw  = "raw"
)

// ChartRequest is the body of POST .../charts.
type ChartRequest struct {
	Runs      []string   `json:"runs,omitempty"`
	Filter    string     `json:"filter,omitempty"` // used when Runs is empty
	Keys      []string   `json:"keys"`
	X         string     `json:"x,omitempty"` // _step (default), _timestamp, _runtime, or a key
	XMin      *float64   `json:"x_min,omitempty"`
	XMax      *float64   `json:"x_max,omitempty"`
	Width     *int       `json:"width,omitempty"` // pixel columns, 1 to MaxWidth
	Mode      string     `json:"mode,omitempty"`  // m4 (default), lttb or raw
	Smoothing *Smoothing `json:"smoothing,omitempty"`
	Grouping  *Grouping  `json:"grouping,omitempty"`
}

// Smoothing asks for a smoothed line beside each series, computed over the
// raw points of the visible range before downsampling.
type Smoothing struct {
	Type   string  `json:"type"`             // ema, twema, mean or gaussian
	Weight float64 `json:"weight,omitempty"` // ema and twema, in [0, 1)
	Window int     `json:"window,omitempty"` // mean: points averaged
	Sigma  float64 `json:"sigma,omitempty"`  // gaussian: in points
}

// Grouping draws one line per group of runs and key.
type Grouping struct {
	By   string `json:"by"`             // group, job_type, tag, or any field (config.KEY)
	Agg  string `json:"agg,omitempty"`  // mean (default) or median
	Band string `json:"band,omitempty"` // minmax (default), std, stderr or none
}

// ChartResult is the answer to a chart query.
type ChartResult struct {
	// XMin and XMax are the range drawn; HasRange is false when no range was
	// given and no series has a point.
	XMin, XMax float64
	HasRange   bool
	X          string
	Mode       string
	Series     []Series
	Groups     []Group
}

// Series is one run's key, downsampled. X and Y are parallel; Steps (when
// x is not _step) and Smoothed (with smoothing) are parallel to them.
type Series struct {
	Run      string
	Key      string
	X, Y     []float64
	Steps    []int64
	Smoothed []float64
	// Count is the number of points with x in range and a finite y: the
	// points the chart draws from. NonFinite counts those in range with
	// NaN or an infinite y, which are never drawn.
	Count     int
	NonFinite int

	cols []colPoint // the last point of every non-empty column, for groups
}

// colPoint is a run's last finite point in a column, smoothed when asked.
type colPoint struct {
	c    int
	x, y float64
}

// Group is the aggregate line of a group of runs for one key, over the
// columns where at least one member has a point: X is the mean x of the
// members' points, Y their mean or median, Low and High the band, N the
// number of members drawn in the column.
type Group struct {
	Name      string
	Key       string
	Runs      []string
	X, Y      []float64
	Low, High []float64
	N         []int
}

func invalid(field, format string, args ...any) error {
	return fmt.Errorf("%s: %s: %w", field, fmt.Sprintf(format, args...), engine.ErrInvalid)
}

// normalize checks a request and fills in its defaults.
func (q ChartRequest) normalize() (ChartRequest, error) {
	if len(q.Keys) == 0 {
		return q, invalid("keys", "at least one metric key is required")
	}
	if len(q.Keys) > MaxKeys {
		return q, invalid("keys", "at most %d keys", MaxKeys)
	}
	for i, k := range q.Keys {
		if k == "" || len(k) > engine.MaxKeyLen {
			return q, invalid(fmt.Sprintf("keys[%d]", i), "must be 1 to %d bytes",
				engine.MaxKeyLen)
		}
	}
	if q.X == "" {
		q.X = defaultXAxisKey
	}
	if len(q.X) > engine.MaxKeyLen {
		return q, invalid("x", "must be at most %d bytes", engine.MaxKeyLen)
	}
	if q.Width == nil {
		w := DefaultWidth
		q.Width = &w
	}
	if *q.Width < 1 || *q.Width > MaxWidth {
		return q, invalid("width", "must be 1 to %d, got %d", MaxWidth, *q.Width)
	}
	if q.XMin != nil && q.XMax != nil && *q.XMin > *q.XMax {
		return q, invalid("x_min", "must not be above x_max")
	}
	if err := q.normalizeMode(); err != nil {
		return q, err
	}
	return q, nil
}

func (q *ChartRequest) normalizeMode() error {
	switch q.Mode {
	case "":
		q.Mode = ModeM4
	case ModeM4, ModeLTTB, ModeRaw:
	default:
		return invalid("mode", "must be m4, lttb or raw, got %q", q.Mode)
	}
	if s := q.Smoothing; s != nil {
		c := *s
		if err := c.normalize(); err != nil {
			return err
		}
		q.Smoothing = &c
	}
	if g := q.Grouping; g != nil {
		c := *g
		if err := c.normalize(); err != nil {
			return err
		}
		q.Grouping = &c
	}
	return nil
}

func (s *Smoothing) normalize() error {
	switch s.Type {
	case "ema", "twema":
		if s.Weight == 0 {
			s.Weight = DefaultEMA
		}
		if s.Weight < 0 || s.Weight >= 1 {
			return invalid("smoothing.weight", "must be in [0, 1), got %g", s.Weight)
		}
	case "mean":
		if s.Window == 0 {
			s.Window = DefaultWindow
		}
		if s.Window < 1 || s.Window > MaxMeanWindow {
			return invalid("smoothing.window", "must be 1 to %d", MaxMeanWindow)
		}
	case "gaussian":
		if s.Sigma == 0 {
			s.Sigma = DefaultSigma
		}
		if !(s.Sigma > 0 && s.Sigma <= MaxGaussSigma) {
			return invalid("smoothing.sigma", "must be in (0, %d]", MaxGaussSigma)
		}
	default:
		return invalid("smoothing.type", "must be ema, twema, mean or gaussian, got %q", s.Type)
	}
	return nil
}

func (g *Grouping) normalize() error {
	if g.By == "" {
		return invalid("grouping.by", "required: group, job_type, tag or config.KEY")
	}
	switch g.Agg {
	case "":
		g.Agg = "mean"
	case "mean", "median":
	default:
		return invalid("grouping.agg", "must be mean or median, got %q", g.Agg)
	}
	switch g.Band {
	case "":
		g.Band = "minmax"
	case "minmax", "std", "stderr", "none":
	default:
		return invalid("grouping.band", "must be minmax, std, stderr or none, got %q", g.Band)
	}
	return nil
}
