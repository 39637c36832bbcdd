package filter

import (
	"fmt"
	"strings"

	"github.com/sextant-ml/sextant/engine"
)

// Field reads one field of a run; see the package doc for the paths.
type Field struct {
	Path string
	get  func(r *engine.Run) Value
}

// Value returns the field of r.
func (f Field) Value(r *engine.Run) Value { return f.get(r) }

// ParseField resolves a field path, as a sort key or a grouping.
func ParseField(path string) (Field, error) {
	get, err := fieldGetter(path)
	if err != nil {
		return Field{}, err
	}
	return Field{Path: path, get: get}, nil
}

func str(s string) Value { return Value{Kind: String, Str: s} }

func timeValue(sec float64, zero bool) Value {
	if zero {
		return Value{}
	}
	return Value{Kind: Time, Num: sec}
}

var plainFields = map[string]func(r *engine.Run) Value{
	"name":     func(r *engine.Run) Value { return str(r.Name) },
	"id":       func(r *engine.Run) Value { return str(r.ID) },
	"group":    func(r *engine.Run) Value { return str(r.Group) },
	"job_type": func(r *engine.Run) Value { return str(r.JobType) },
	"state":    func(r *engine.Run) Value { return str(r.State) },
	"notes":    func(r *engine.Run) Value { return str(r.Notes) },
	"author":   func(r *engine.Run) Value { return str(r.Author) },
	"tags":     func(r *engine.Run) Value { return Value{Kind: List, Strs: r.Tags} },
	"created": func(r *engine.Run) Value {
		return timeValue(float64(r.Created.UnixNano())/1e9, r.Created.IsZero())
	},
	"heartbeat": func(r *engine.Run) Value {
		return timeValue(float64(r.Heartbeat.UnixNano())/1e9, r.Heartbeat.IsZero())
	},
	"last_step": func(r *engine.Run) Value { return Value{Kind: Number, Num: float64(r.LastStep)} },
}

// isTimeField reports whether a path holds times, so that string literals
// compared with it are read as times.
func isTimeField(path string) bool { return path == "created" || path == "heartbeat" }

func fieldGetter(path string) (func(r *engine.Run) Value, error) {
	if get, ok := plainFields[path]; ok {
		return get, nil
	}
	if rest, ok := strings.CutPrefix(path, "config."); ok && rest != "" {
		return func(r *engine.Run) Value {
			v, found := lookup(r.Config, rest)
			if !found {
				return Value{}
			}
			return fromAny(v)
		}, nil
	}
	if rest, ok := strings.CutPrefix(path, "summary."); ok && rest != "" {
		return summaryGetter(rest), nil
	}
	return nil, &FieldError{Path: path}
}

// FieldError is a path that names no field. It wraps engine.ErrInvalid.
type FieldError struct {
	Path string
}

func (e *FieldError) Error() string {
	return fmt.Sprintf("unknown field %q: expected name, id, group, job_type, "+
		"state, notes, author, tags, created, heartbeat, last_step, config.KEY "+
		"or summary.KEY", e.Path)
}

// Unwrap makes an unknown field an invalid argument.
func (e *FieldError) Unwrap() error { return engine.ErrInvalid }

// lookup finds a dotted path in nested maps, trying the whole remaining
// path as a literal key before splitting it at each dot.
func lookup(m map[string]any, path string) (any, bool) {
	if v, ok := m[path]; ok {
		return v, true
	}
	for i := 0; i < len(path); i++ {
		if path[i] != '.' {
			continue
		}
		sub, ok := m[path[:i]].(map[string]any)
		if !ok {
			continue
		}
		if v, ok := lookup(sub, path[i+1:]); ok {
			return v, true
		}
	}
	return nil, false
}

func summaryGetter(key string) func(r *engine.Run) Value {
	agg := ""
	base := key
	if i := strings.LastIndexByte(key, '.'); i > 0 {
		switch key[i+1:] {
		case "min", "max", "last", "step":
			agg, base = key[i+1:], key[:i]
		}
	}
	return func(r *engine.Run) Value {
		if agg != "" {
			if s, ok := r.Summary[base]; ok {
				return Value{Kind: Number, Num: aggregate(s, agg)}
			}
		}
		if s, ok := r.Summary[key]; ok {
			return Value{Kind: Number, Num: s.Last}
		}
		return Value{}
	}
}

func aggregate(s engine.MetricSummary, agg string) float64 {
	switch agg {
	case "min":
		return s.Min
	case "max":
		return s.Max
	case "step":
		return float64(s.Step)
	}
	return s.Last
}
