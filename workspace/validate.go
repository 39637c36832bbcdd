package workspace

import (
	"fmt"
	"math"
	"strings"

	"github.com/sextant-ml/sextant/engine"
)

// Limits on a spec, so that one document stays small enough to store as a
// single Badger value and to draw.
const (
	MaxSections  = 200
	MaxPanels    = 2000 // over all sections
	MaxPanelKeys = 100
	MaxKnownKeys = 100_000
	MaxColumns   = 500
	MaxIDLen     = 128
	MaxNameLen   = 256
	MaxTextLen   = 64 << 10
	MaxWindow    = 100_000
	MaxSigma     = 200
)

// invalid returns an ErrInvalid error whose message starts with field.
func invalid(field, format string, args ...any) error {
	return fmt.Errorf("%s: %s: %w", field, fmt.Sprintf(format, args...), ErrInvalid)
}

// Validate checks every field of s against the rules documented in
// docs/format/workspace.md. The error names the first bad field, as a path
// such as "sections[2].panels[0].keys[1]", and wraps ErrInvalid.
func (s *Spec) Validate() error {
	if s.Version != Version {
		return invalid("version", "got %d, want %d", s.Version, Version)
	}
	if err := validateSections(s.Sections); err != nil {
		return err
	}
	if err := s.Runs.validate("runs"); err != nil {
		return err
	}
	if len(s.KnownKeys) > MaxKnownKeys {
		return invalid("known_keys", "%d keys, more than %d", len(s.KnownKeys), MaxKnownKeys)
	}
	for i, k := range s.KnownKeys {
		if err := checkKey(fmt.Sprintf("known_keys[%d]", i), k); err != nil {
			return err
		}
	}
	return nil
}

func validateSections(sections []Section) error {
	if len(sections) > MaxSections {
		return invalid("sections", "%d sections, more than %d", len(sections), MaxSections)
	}
	ids := make(map[string]string)
	panels := 0
	for i := range sections {
		field := fmt.Sprintf("sections[%d]", i)
		sec := &sections[i]
		if err := checkID(field+".id", sec.ID, ids); err != nil {
			return err
		}
		if err := checkName(field+".name", sec.Name); err != nil {
			return err
		}
		panels += len(sec.Panels)
		if panels > MaxPanels {
			return invalid(field+".panels", "more than %d panels in the spec", MaxPanels)
		}
		if err := validatePanels(field, sec.Panels, ids); err != nil {
			return err
		}
	}
	return nil
}

func validatePanels(section string, panels []Panel, ids map[string]string) error {
	for j := range panels {
		field := fmt.Sprintf("%s.panels[%d]", section, j)
		if err := checkID(field+".id", panels[j].ID, ids); err != nil {
			return err
		}
		if err := panels[j].Validate(field); err != nil {
			return err
		}
	}
	return nil
}

// checkID refuses an empty, over-long or repeated id; ids maps the ids
// seen so far to their field.
func checkID(field, id string, ids map[string]string) error {
	switch {
	case id == "":
		return invalid(field, "empty")
	case len(id) > MaxIDLen:
		return invalid(field, "%d bytes, more than %d", len(id), MaxIDLen)
	case ids[id] != "":
		return invalid(field, "%q repeats the id of %s", id, ids[id])
	}
	ids[id] = field
	return nil
}

func checkName(field, name string) error {
	switch {
	case strings.TrimSpace(name) == "":
		return invalid(field, "empty")
	case len(name) > MaxNameLen:
		return invalid(field, "%d bytes, more than %d", len(name), MaxNameLen)
	}
	return nil
}

// checkKey refuses what cannot be a metric key.
func checkKey(field, key string) error {
	switch {
	case key == "":
		return invalid(field, "empty")
	case len(key) > engine.MaxKeyLen:
		return invalid(field, "%d bytes, more than %d", len(key), engine.MaxKeyLen)
	case key == engine.KeyStep:
		return invalid(field, "%q is the x-axis, not a metric", key)
	}
	return nil
}

// Validate checks p; field is its path in the document, for messages.
func (p *Panel) Validate(field string) error {
	if len(p.Title) > MaxNameLen {
		return invalid(field+".title", "%d bytes, more than %d", len(p.Title), MaxNameLen)
	}
	if err := p.validateKeys(field); err != nil {
		return err
	}
	if err := p.validateUnused(field); err != nil {
		return err
	}
	switch p.Kind {
	case KindLine:
		return p.validateLine(field)
	case KindScalar, KindBar:
		return checkOneOf(field+".summary", p.Summary, "", "last", "min", "max")
	case KindMarkdown:
		if len(p.Text) > MaxTextLen {
			return invalid(field+".text", "%d bytes, more than %d", len(p.Text), MaxTextLen)
		}
	}
	return nil
}

// keyCounts holds, per kind, the fewest and most keys a panel may name.
var keyCounts = map[string][2]int{
	KindLine:     {1, MaxPanelKeys},
	KindScalar:   {1, 1},
	KindBar:      {1, MaxPanelKeys},
	KindTable:    {0, MaxPanelKeys},
	KindMarkdown: {0, 0},
}

func (p *Panel) validateKeys(field string) error {
	counts, ok := keyCounts[p.Kind]
	if !ok {
		return invalid(field+".kind", "%q is not one of line, scalar, bar, table, markdown",
			p.Kind)
	}
	if n := len(p.Keys); n < counts[0] || n > counts[1] {
		return invalid(field+".keys", "%s panel with %d keys, want %d to %d",
			p.Kind, n, counts[0], counts[1])
	}
	for i, k := range p.Keys {
		if err := checkKey(fmt.Sprintf("%s.keys[%d]", field, i), k); err != nil {
			return err
		}
	}
	return nil
}

// validateUnused refuses options that p's kind ignores, so that a client
// learns of its mistake instead of seeing the option lost.
func (p *Panel) validateUnused(field string) error {
	line := p.Kind == KindLine
	summary := p.Kind == KindScalar || p.Kind == KindBar
	checks := []struct {
		name    string
		set     bool
		allowed bool
	}{
		{"x", p.X != "", line},
		{"x_min", p.XMin != nil, line},
		{"x_max", p.XMax != nil, line},
		{"smoothing", p.Smoothing != nil, line},
		{"grouping", p.Grouping != nil, line},
		{"log_x", p.LogX, line},
		{"log_y", p.LogY, line},
		{"summary", p.Summary != "", summary},
		{"text", p.Text != "", p.Kind == KindMarkdown},
	}
	for _, c := range checks {
		if c.set && !c.allowed {
			return invalid(field+"."+c.name, "not an option of %s panels", p.Kind)
		}
	}
	return nil
}

func (p *Panel) validateLine(field string) error {
	switch p.X {
	case "", engine.KeyStep, engine.KeyTimestamp, engine.KeyRuntime:
	default:
		if err := checkKey(field+".x", p.X); err != nil {
			return err
		}
	}
	if err := checkRange(field, p.XMin, p.XMax); err != nil {
		return err
	}
	if p.Smoothing != nil {
		if err := p.Smoothing.validate(field + ".smoothing"); err != nil {
			return err
		}
	}
	if p.Grouping != nil {
		return p.Grouping.validate(field + ".grouping")
	}
	return nil
}

func checkRange(field string, lo, hi *float64) error {
	for _, b := range []struct {
		name string
		v    *float64
	}{{"x_min", lo}, {"x_max", hi}} {
		if b.v != nil && (math.IsNaN(*b.v) || math.IsInf(*b.v, 0)) {
			return invalid(field+"."+b.name, "not a finite number")
		}
	}
	if lo != nil && hi != nil && *lo > *hi {
		return invalid(field+".x_min", "%g is above x_max %g", *lo, *hi)
	}
	return nil
}

func (sm *Smoothing) validate(field string) error {
	set := map[string]bool{"weight": sm.Weight != 0, "window": sm.Window != 0,
		"sigma": sm.Sigma != 0}
	own := map[string]bool{}
	switch sm.Type {
	case SmoothEMA, SmoothTimeEMA, smoothTimeEMAAlias:
		own["weight"] = true
		if !(sm.Weight >= 0 && sm.Weight < 1) {
			return invalid(field+".weight", "%g is outside [0, 1)", sm.Weight)
		}
	case SmoothMean:
		own["window"] = true
		if sm.Window < 1 || sm.Window > MaxWindow {
			return invalid(field+".window", "%d is outside [1, %d]", sm.Window, MaxWindow)
		}
	case SmoothGaussian:
		own["sigma"], own["window"] = true, true
		if err := sm.validateGaussian(field); err != nil {
			return err
		}
	default:
		return invalid(field+".type", "%q is not one of ema, twema, mean, gaussian", sm.Type)
	}
	for _, name := range []string{"weight", "window", "sigma"} {
		if set[name] && !own[name] {
			return invalid(field+"."+name, "not an option of %s smoothing", sm.Type)
		}
	}
	return nil
}

// validateGaussian wants a sigma, or a window whose quarter is the sigma.
func (sm *Smoothing) validateGaussian(field string) error {
	switch {
	case sm.Sigma == 0 && sm.Window == 0:
		return invalid(field+".sigma", "missing: give sigma or window")
	case sm.Sigma != 0 && !(sm.Sigma > 0 && sm.Sigma <= MaxSigma):
		return invalid(field+".sigma", "%g is outside (0, %d]", sm.Sigma, MaxSigma)
	case sm.Window != 0 && (sm.Window < 1 || sm.Window > 4*MaxSigma):
		return invalid(field+".window", "%d is outside [1, %d]", sm.Window, 4*MaxSigma)
	}
	return nil
}

func (g *Grouping) validate(field string) error {
	if g.By == "" {
		return invalid(field+".by", "empty")
	}
	if err := checkGroupBy(field+".by", g.By); err != nil {
		return err
	}
	if err := checkOneOf(field+".agg", g.Agg, "", "mean", "median"); err != nil {
		return err
	}
	return checkOneOf(field+".band", g.Band, "", "minmax", "std", "stderr", "none",
		bandStdAlias)
}

// checkGroupBy accepts the run fields that runs can be grouped by.
func checkGroupBy(field, by string) error {
	switch {
	case by == "" || by == "group" || by == "job_type" || by == "tag" || by == groupTagsAlias:
		return nil
	case strings.HasPrefix(by, "config.") && len(by) > len("config."):
		return nil
	}
	return invalid(field, "%q is not one of group, job_type, tag, config.KEY", by)
}

func checkOneOf(field, v string, allowed ...string) error {
	for _, a := range allowed {
		if v == a {
			return nil
		}
	}
	return invalid(field, "%q is not one of %s", v, strings.Join(allowed[1:], ", "))
}

func (r *RunState) validate(field string) error {
	for run := range r.Visible {
		if err := checkRunID(field+".visible", run); err != nil {
			return err
		}
	}
	for run, color := range r.Colors {
		if err := checkRunID(field+".colors", run); err != nil {
			return err
		}
		if !isColor(color) {
			return invalid(field+".colors."+run, "%q is not a #rrggbb color", color)
		}
	}
	if len(r.Filter) > MaxTextLen {
		return invalid(field+".filter", "%d bytes, more than %d", len(r.Filter), MaxTextLen)
	}
	if err := checkGroupBy(field+".group_by", r.GroupBy); err != nil {
		return err
	}
	if r.Sort != nil {
		if err := r.Sort.validate(field + ".sort"); err != nil {
			return err
		}
	}
	return checkColumns(field+".columns", r.Columns)
}

func checkRunID(field, run string) error {
	if run == "" || len(run) > engine.MaxIDLen {
		return invalid(field, "run id %q is empty or longer than %d bytes", run, engine.MaxIDLen)
	}
	return nil
}

func (s *Sort) validate(field string) error {
	if s.Key == "" {
		return invalid(field+".key", "empty")
	}
	return checkOneOf(field+".order", s.Order, "", "asc", "desc")
}

func checkColumns(field string, cols []string) error {
	if len(cols) > MaxColumns {
		return invalid(field, "%d columns, more than %d", len(cols), MaxColumns)
	}
	for i, c := range cols {
		if c == "" || len(c) > MaxNameLen+len("summary.") {
			return invalid(fmt.Sprintf("%s[%d]", field, i), "empty or too long")
		}
	}
	return nil
}

// isColor accepts "#rgb" and "#rrggbb" in either case.
func isColor(s string) bool {
	if len(s) != 4 && len(s) != 7 || s[0] != '#' {
		return false
	}
	for _, c := range s[1:] {
		hex := c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
		if !hex {
			return false
		}
	}
	return true
}
