package workspace

// Version is the spec version this package writes. Older specs are
// migrated on decode (see migrate.go); newer ones are refused.
const Version = 3

// Panel kinds.
const (
	KindLine     = "line"     // metric keys against an x-axis
	KindScalar   = "scalar"   // one number per run: a key's summary
	KindBar      = "bar"      // a key's summary per run, as bars
	KindTable    = "table"    // runs as rows, keys as columns
	KindMarkdown = "markdown" // free text
)

// DefaultSection is the name of the section that holds the panels of keys
// without a "/" prefix.
const DefaultSection = "Charts"

// Spec is a workspace document: the run-table state and sections of
// panels. Saved views and the panel sections of reports reuse its parts.
type Spec struct {
	// Version of the document; Decode migrates older ones to Version.
	Version int `json:"version"`
	// Sections in display order.
	Sections []Section `json:"sections"`
	// Runs is the state of the runs table.
	Runs RunState `json:"runs"`
	// Auto is true while the layout follows the automatic layout of the
	// project's keys: new keys are inserted in key order. False once the
	// user arranged panels by hand: new keys are appended to their section.
	Auto bool `json:"auto"`
	// KnownKeys are the metric keys the layout has already seen, sorted.
	// A project key missing from it is new and gets a panel on read.
	KnownKeys []string `json:"known_keys"`
}

// Section is a titled, collapsible group of panels.
type Section struct {
	// ID is unique within the spec; automatic sections use "auto:NAME".
	ID string `json:"id"`
	// Name is shown as the section's title.
	Name string `json:"name"`
	// Collapsed hides the section's panels.
	Collapsed bool `json:"collapsed"`
	// Panels in display order.
	Panels []Panel `json:"panels"`
}

// Panel is one chart, table or text box. Which options apply depends on
// Kind; Validate refuses an option set on a kind that ignores it.
type Panel struct {
	// ID is unique within the spec; automatic panels use "auto:KEY".
	ID string `json:"id"`
	// Kind is one of the Kind constants.
	Kind string `json:"kind"`
	// Title overrides the default title (the keys, joined).
	Title string `json:"title,omitempty"`
	// Keys are the metric keys shown: line, bar (one or more), scalar
	// (exactly one), table (columns, may be empty).
	Keys []string `json:"keys,omitempty"`
	// X is the x-axis of a line panel: "_step" (when empty), "_timestamp",
	// "_runtime" or a metric key.
	X string `json:"x,omitempty"`
	// XMin and XMax pin a line panel's x range; absent means the data's.
	XMin *float64 `json:"x_min,omitempty"`
	XMax *float64 `json:"x_max,omitempty"`
	// Smoothing of a line panel's series; absent means none.
	Smoothing *Smoothing `json:"smoothing,omitempty"`
	// Grouping of a line panel's runs; absent means one line per run.
	Grouping *Grouping `json:"grouping,omitempty"`
	// LogX and LogY draw a line panel's axes on a log scale.
	LogX bool `json:"log_x,omitempty"`
	LogY bool `json:"log_y,omitempty"`
	// Summary is the statistic of a scalar or bar panel: "last" (when
	// empty), "min" or "max" of each run's series.
	Summary string `json:"summary,omitempty"`
	// Text is a markdown panel's content.
	Text string `json:"text,omitempty"`
}

// Smoothing types.
const (
	SmoothEMA      = "ema"      // debiased exponential moving average
	SmoothTimeEMA  = "twema"    // EMA weighted by the x distance
	SmoothMean     = "mean"     // running mean over a window of points
	SmoothGaussian = "gaussian" // Gaussian kernel, its width in points
)

// Synonyms that specs may hold, as the web UI first wrote them; they mean
// the same as the names chart queries take (twema, tag, std).
const (
	smoothTimeEMAAlias = "time_ema"
	groupTagsAlias     = "tags"
	bandStdAlias       = "stddev"
)

// Smoothing is a line panel's smoothing, with the fields and meanings of a
// chart query's smoothing (docs/api.md). Version 2 specs held a bare EMA
// weight instead.
type Smoothing struct {
	// Type is one of the Smooth constants.
	Type string `json:"type"`
	// Weight, for ema and twema, in [0, 1): 0 leaves the data as it is.
	Weight float64 `json:"weight,omitempty"`
	// Window, for mean, in points, at least 1; for gaussian, when Sigma is
	// not set, the width of the kernel, four sigmas.
	Window int `json:"window,omitempty"`
	// Sigma, for gaussian, in points, above 0.
	Sigma float64 `json:"sigma,omitempty"`
}

// Grouping draws one line per group of runs.
type Grouping struct {
	// By is "group", "job_type", "tag" or "config.KEY".
	By string `json:"by"`
	// Agg is the line drawn: "mean" (when empty) or "median".
	Agg string `json:"agg,omitempty"`
	// Band is the shaded range: "minmax" (when empty), "std" (standard
	// deviation), "stderr" (standard error) or "none".
	Band string `json:"band,omitempty"`
}

// RunState is the runs table of a workspace: which runs are drawn, in
// which colors, and how the table is filtered, grouped and sorted.
type RunState struct {
	// Visible maps a run ID to whether its lines are drawn. Runs not in
	// the map are drawn. Version 1 specs held a "hidden" list instead.
	Visible map[string]bool `json:"visible,omitempty"`
	// Colors maps a run ID to its color, "#rrggbb".
	Colors map[string]string `json:"colors,omitempty"`
	// Filter is a runs filter expression (see docs/api.md); empty keeps
	// every run.
	Filter string `json:"filter,omitempty"`
	// GroupBy groups the table's rows: "", "group", "job_type", "tag" or
	// "config.KEY".
	GroupBy string `json:"group_by,omitempty"`
	// Sort orders the table; absent means by creation time, newest first.
	Sort *Sort `json:"sort,omitempty"`
	// Columns of the table besides the run's name, in order: "state",
	// "created", "config.KEY", "summary.KEY" and the like.
	Columns []string `json:"columns,omitempty"`
}

// Sort is a runs table order.
type Sort struct {
	// Key is a column, as in RunState.Columns.
	Key string `json:"key"`
	// Order is "asc" or "desc".
	Order string `json:"order"`
}

// MetricKeys returns the metric keys that p reads, X included when it is a
// metric, in order and without repeats.
func (p *Panel) MetricKeys() []string {
	keys := make([]string, 0, len(p.Keys)+1)
	keys = append(keys, p.Keys...)
	if p.X != "" && !reservedKey(p.X) {
		keys = append(keys, p.X)
	}
	return dedup(keys)
}

// dedup removes repeats from keys, keeping the first of each.
func dedup(keys []string) []string {
	seen := make(map[string]bool, len(keys))
	out := keys[:0]
	for _, k := range keys {
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	return out
}
