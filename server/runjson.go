package server

import (
	"math"
	"strconv"
	"time"

	"github.com/sextant-ml/sextant/engine"
)

// jsonFloat is a float64 that marshals NaN, +Inf and -Inf as the strings
// "NaN", "Infinity" and "-Infinity", which JSON numbers cannot hold.
type jsonFloat float64

// MarshalJSON writes the shortest form that parses back to the same bits.
func (f jsonFloat) MarshalJSON() ([]byte, error) {
	return appendJSONFloat(nil, float64(f)), nil
}

// appendJSONFloat appends v as a JSON value, non-finite values quoted.
func appendJSONFloat(dst []byte, v float64) []byte {
	switch {
	case math.IsNaN(v):
		return append(dst, `"NaN"`...)
	case math.IsInf(v, 1):
		return append(dst, `"Infinity"`...)
	case math.IsInf(v, -1):
		return append(dst, `"-Infinity"`...)
	}
	return strconv.AppendFloat(dst, v, 'g', -1, 64)
}

// summaryJSON is engine.MetricSummary as the API shows it.
type summaryJSON struct {
	Last jsonFloat `json:"last"`
	Step int64     `json:"step"`
	Min  jsonFloat `json:"min"`
	Max  jsonFloat `json:"max"`
}

// runJSON is a run as the API shows it.
type runJSON struct {
	ID        string                 `json:"id"`
	Project   string                 `json:"project"`
	Name      string                 `json:"name"`
	Group     string                 `json:"group"`
	JobType   string                 `json:"job_type"`
	Tags      []string               `json:"tags"`
	Notes     string                 `json:"notes"`
	Config    map[string]any         `json:"config"`
	State     string                 `json:"state"`
	Author    string                 `json:"author"`
	Created   time.Time              `json:"created"`
	Heartbeat time.Time              `json:"heartbeat"`
	LastStep  int64                  `json:"last_step"`
	Summary   map[string]summaryJSON `json:"summary"`
}

// newRunJSON converts a run for an answer; nil tags, config and summary
// become empty, so that clients always find a list and objects.
func newRunJSON(r *engine.Run) runJSON {
	out := runJSON{
		ID: r.ID, Project: r.Project, Name: r.Name, Group: r.Group,
		JobType: r.JobType, Tags: r.Tags, Notes: r.Notes, Config: r.Config,
		State: r.State, Author: r.Author, Created: r.Created,
		Heartbeat: r.Heartbeat, LastStep: r.LastStep,
		Summary: make(map[string]summaryJSON, len(r.Summary)),
	}
	if out.Tags == nil {
		out.Tags = []string{}
	}
	if out.Config == nil {
		out.Config = map[string]any{}
	}
	for k, m := range r.Summary {
		out.Summary[k] = summaryJSON{
			Last: jsonFloat(m.Last), Step: m.Step,
			Min: jsonFloat(m.Min), Max: jsonFloat(m.Max),
		}
	}
	return out
}
