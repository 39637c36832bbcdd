package workspace

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"github.com/sextant-ml/sextant/engine"
)

// Report modes.
const (
	// ModeStatic keeps the data the report showed when it was saved: each
	// panels block records its snapshot bound (see Snapshot).
	ModeStatic = "static"
	// ModeDynamic draws live data: its charts see every new point.
	ModeDynamic = "dynamic"
)

// Block types.
const (
	BlockText   = "text"   // Markdown
	BlockPanels = "panels" // a section of panels over its own run set
)

// MaxBlocks bounds the blocks of one report.
const MaxBlocks = 200

// Report is a page of text blocks and panel sections, each section with
// its own run set, that can be shared by a view-only link.
type Report struct {
	// ID is chosen by the store on creation.
	ID string `json:"id"`
	// Version of the panel format the blocks use; 0 on input means Version.
	Version int `json:"version"`
	// Title heads the page.
	Title string `json:"title"`
	// Blocks in display order.
	Blocks []Block `json:"blocks"`
	// Mode is ModeStatic or ModeDynamic (when empty on input).
	Mode      string    `json:"mode"`
	CreatedBy string    `json:"created_by"`
	UpdatedBy string    `json:"updated_by"`
	Created   time.Time `json:"created"`
	Updated   time.Time `json:"updated"`
}

// Block is one part of a report: text, or a section of panels.
type Block struct {
	// Type is BlockText or BlockPanels.
	Type string `json:"type"`
	// Markdown is a text block's content.
	Markdown string `json:"markdown,omitempty"`
	// Name titles a panels block.
	Name string `json:"name,omitempty"`
	// Runs selects the runs a panels block draws.
	Runs *RunSet `json:"runs,omitempty"`
	// Panels of a panels block, as in a workspace section.
	Panels []Panel `json:"panels,omitempty"`
	// Snapshot is set by the server on a static report's panels blocks;
	// whatever a client sends here is replaced.
	Snapshot *Snapshot `json:"snapshot,omitempty"`
}

// RunSet is the runs of a panels block: a list of run ids, or a runs
// filter expression (see docs/api.md), not both. With neither, an empty
// filter, it selects every run of the project. It also decodes from a bare
// JSON list of ids.
type RunSet struct {
	IDs    []string `json:"ids,omitempty"`
	Filter string   `json:"filter,omitempty"`
}

// UnmarshalJSON accepts {"ids": [...]}, {"filter": "..."} and [...].
func (rs *RunSet) UnmarshalJSON(data []byte) error {
	if t := bytes.TrimSpace(data); len(t) > 0 && t[0] == '[' {
		rs.Filter = ""
		return json.Unmarshal(t, &rs.IDs)
	}
	type plain RunSet
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	return dec.Decode((*plain)(rs))
}

// Snapshot is what a static report's panels block froze at its last
// save: the runs its run set selected then, and for each run and key the
// largest step stored then, the snapshot bound. Its chart queries read
// only the runs listed and, of each series, the points at steps up to the
// bound; a series without a bound had no point and draws nothing.
type Snapshot struct {
	// Taken is when the report was saved.
	Taken time.Time `json:"taken"`
	// Runs are the run ids the run set selected.
	Runs []string `json:"runs"`
	// Bounds maps a run id and a metric key to the snapshot bound.
	Bounds map[string]map[string]int64 `json:"bounds"`
}

// Bound returns the largest step of the series (run, key) that the
// snapshot shows, and false when it shows no point of it.
func (sn *Snapshot) Bound(run, key string) (int64, bool) {
	step, ok := sn.Bounds[run][key]
	return step, ok
}

// DecodeReport reads a report as a client sends it, refusing unknown
// fields, and checks it. Server-set fields in it are kept for the store to
// overwrite.
func DecodeReport(data []byte) (Report, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var r Report
	if err := dec.Decode(&r); err != nil {
		return Report{}, invalid("report", "%v", err)
	}
	if r.Version == 0 {
		r.Version = Version
	}
	if r.Mode == "" {
		r.Mode = ModeDynamic
	}
	if err := r.Validate(); err != nil {
		return Report{}, err
	}
	return r, nil
}

// Validate checks every field of r; the error names the first bad one.
func (r *Report) Validate() error {
	if r.Version != Version {
		return invalid("version", "got %d, want %d", r.Version, Version)
	}
	if err := checkName("title", r.Title); err != nil {
		return err
	}
	if err := checkOneOf("mode", r.Mode, "", ModeStatic, ModeDynamic); err != nil {
		return err
	}
	if len(r.Blocks) > MaxBlocks {
		return invalid("blocks", "%d blocks, more than %d", len(r.Blocks), MaxBlocks)
	}
	ids := make(map[string]string)
	for i := range r.Blocks {
		if err := r.Blocks[i].validate(fmt.Sprintf("blocks[%d]", i), ids); err != nil {
			return err
		}
	}
	return nil
}

func (b *Block) validate(field string, ids map[string]string) error {
	switch b.Type {
	case BlockText:
		if b.Runs != nil || len(b.Panels) > 0 || b.Name != "" {
			return invalid(field, "a text block has only markdown")
		}
		if len(b.Markdown) > MaxTextLen {
			return invalid(field+".markdown", "%d bytes, more than %d", len(b.Markdown),
				MaxTextLen)
		}
		return nil
	case BlockPanels:
		return b.validatePanels(field, ids)
	}
	return invalid(field+".type", "%q is not one of text, panels", b.Type)
}

func (b *Block) validatePanels(field string, ids map[string]string) error {
	if b.Markdown != "" {
		return invalid(field+".markdown", "not a field of panels blocks")
	}
	if len(b.Name) > MaxNameLen {
		return invalid(field+".name", "%d bytes, more than %d", len(b.Name), MaxNameLen)
	}
	if err := b.Runs.validate(field + ".runs"); err != nil {
		return err
	}
	if len(b.Panels) > MaxPanels {
		return invalid(field+".panels", "%d panels, more than %d", len(b.Panels), MaxPanels)
	}
	return validatePanels(field, b.Panels, ids)
}

func (rs *RunSet) validate(field string) error {
	switch {
	case rs == nil:
		return invalid(field, "missing: give ids or a filter")
	case len(rs.IDs) > 0 && rs.Filter != "":
		return invalid(field, "both ids and filter: give one")
	case len(rs.Filter) > MaxTextLen:
		return invalid(field+".filter", "%d bytes, more than %d", len(rs.Filter), MaxTextLen)
	case len(rs.IDs) > MaxKnownKeys:
		return invalid(field+".ids", "%d runs, more than %d", len(rs.IDs), MaxKnownKeys)
	}
	for i, id := range rs.IDs {
		if err := checkRunID(fmt.Sprintf("%s.ids[%d]", field, i), id); err != nil {
			return err
		}
	}
	return nil
}

// Keys returns the metric keys the panels of b read, x-axes included,
// without repeats: all that a share link lets a chart query of b read.
func (b *Block) Keys() []string {
	var keys []string
	for i := range b.Panels {
		keys = append(keys, b.Panels[i].MetricKeys()...)
	}
	return dedup(keys)
}

// Resolver returns the runs a run set selects now, summaries included.
type Resolver func(RunSet) ([]*engine.Run, error)

// Freeze resolves the run set of every panels block, so that a bad one is
// refused at save time whatever the mode, and sets the snapshot of each
// panels block of a static report from the runs resolve selects now; a
// dynamic report keeps none.
func (r *Report) Freeze(resolve Resolver, now time.Time) error {
	for i := range r.Blocks {
		b := &r.Blocks[i]
		b.Snapshot = nil
		if b.Type != BlockPanels {
			continue
		}
		runs, err := resolve(*b.Runs)
		if err != nil {
			return fmt.Errorf("blocks[%d].runs: %w", i, err)
		}
		if r.Mode == ModeStatic {
			b.Snapshot = snapshotOf(runs, b.Keys(), now)
		}
	}
	return nil
}

func snapshotOf(runs []*engine.Run, keys []string, now time.Time) *Snapshot {
	sn := &Snapshot{Taken: now.UTC(), Runs: make([]string, 0, len(runs)),
		Bounds: make(map[string]map[string]int64, len(runs))}
	for _, run := range runs {
		sn.Runs = append(sn.Runs, run.ID)
		bounds := make(map[string]int64, len(keys))
		for _, k := range keys {
			if sum, ok := run.Summary[k]; ok {
				bounds[k] = sum.Step
			}
		}
		sn.Bounds[run.ID] = bounds
	}
	return sn
}
