package workspace

import (
	"errors"
	"strings"
	"testing"
)

// validSpecJSON is a spec with one panel of every kind.
const validSpecJSON = `{
  "version": 3, "auto": false, "known_keys": ["acc", "train/loss"],
  "sections": [
    {"id": "s1", "name": "train", "collapsed": true, "panels": [
      {"id": "p1", "kind": "line", "keys": ["train/loss"], "x": "_runtime",
       "x_min": 0, "x_max": 10, "smoothing": {"type": "ema", "weight": 0.6},
       "grouping": {"by": "config.lr", "agg": "median", "band": "std"},
       "log_y": true},
      {"id": "p2", "kind": "scalar", "keys": ["acc"], "summary": "max"},
      {"id": "p3", "kind": "bar", "keys": ["acc", "train/loss"]},
      {"id": "p4", "kind": "table", "keys": ["acc"]},
      {"id": "p5", "kind": "markdown", "text": "# notes"}
    ]}
  ],
  "runs": {"visible": {"r1": false}, "colors": {"r2": "#a0b1C2"}, "filter": "state = running",
           "group_by": "job_type", "sort": {"key": "summary.acc", "order": "desc"},
           "columns": ["state", "config.lr"]}
}`

func TestDecodeValid(t *testing.T) {
	s, err := Decode([]byte(validSpecJSON))
	if err != nil {
		t.Fatalf("Decode(valid spec) = %v, want nil", err)
	}
	if got := len(s.Sections[0].Panels); got != 5 {
		t.Errorf("Decode(valid spec): %d panels, want 5", got)
	}
	if s.Sections[0].Panels[0].Smoothing.Weight != 0.6 {
		t.Errorf("Decode(valid spec): smoothing %+v, want ema 0.6",
			s.Sections[0].Panels[0].Smoothing)
	}
}

// TestDecodeInvalid changes one field of the valid spec per case and wants
// an ErrInvalid naming that field.
func TestDecodeInvalid(t *testing.T) {
	tests := []struct {
		name, old, new, field string
	}{
		{"future version", `"version": 3`, `"version": 4`, "version"},
		{"no version", `"version": 3,`, ``, "version"},
		{"unknown field", `"auto": false`, `"auto": false, "zoom": 2`, `"zoom"`},
		{"wrong type", `"collapsed": true`, `"collapsed": "yes"`, "spec.sections.collapsed"},
		{"empty section id", `"id": "s1"`, `"id": ""`, "sections[0].id"},
		{"empty section name", `"name": "train"`, `"name": " "`, "sections[0].name"},
		{"repeated id", `"id": "p2"`, `"id": "p1"`, "sections[0].panels[1].id"},
		{"panel id = section id", `"id": "p2"`, `"id": "s1"`, "sections[0].panels[1].id"},
		{"unknown kind", `"kind": "bar"`, `"kind": "pie"`, "sections[0].panels[2].kind"},
		{"line without keys", `"keys": ["train/loss"], "x"`, `"keys": [], "x"`,
			"sections[0].panels[0].keys"},
		{"scalar with two keys", `"keys": ["acc"], "summary"`, `"keys": ["acc", "b"], "summary"`,
			"sections[0].panels[1].keys"},
		{"empty key", `"keys": ["acc", "train/loss"]`, `"keys": ["acc", ""]`,
			"sections[0].panels[2].keys[1]"},
		{"_step as key", `"keys": ["acc", "train/loss"]`, `"keys": ["_step"]`,
			"sections[0].panels[2].keys[0]"},
		{"x_min above x_max", `"x_min": 0`, `"x_min": 11`, "sections[0].panels[0].x_min"},
		{"bad weight", `"weight": 0.6`, `"weight": 1`, "sections[0].panels[0].smoothing.weight"},
		{"bad smoothing", `"type": "ema"`, `"type": "spline"`,
			"sections[0].panels[0].smoothing.type"},
		{"mean without window", `"type": "ema", "weight": 0.6`, `"type": "mean"`,
			"sections[0].panels[0].smoothing.window"},
		{"gaussian with weight", `"type": "ema"`, `"type": "gaussian", "sigma": 2`,
			"sections[0].panels[0].smoothing.weight"},
		{"gaussian without sigma", `"type": "ema", "weight": 0.6`, `"type": "gaussian"`,
			"sections[0].panels[0].smoothing.sigma"},
		{"mean with sigma", `"type": "ema", "weight": 0.6`,
			`"type": "mean", "window": 3, "sigma": 1`,
			"sections[0].panels[0].smoothing.sigma"},
		{"bad group", `"by": "config.lr"`, `"by": "color"`, "sections[0].panels[0].grouping.by"},
		{"bad band", `"band": "std"`, `"band": "iqr"`, "sections[0].panels[0].grouping.band"},
		{"text on line", `"log_y": true`, `"log_y": true, "text": "x"`,
			"sections[0].panels[0].text"},
		{"x on bar", `"keys": ["acc", "train/loss"]`, `"keys": ["acc"], "x": "_step"`,
			"sections[0].panels[2].x"},
		{"bad summary", `"summary": "max"`, `"summary": "mean"`, "sections[0].panels[1].summary"},
		{"keys on markdown", `"text": "# notes"`, `"text": "", "keys": ["a"]`,
			"sections[0].panels[4].keys"},
		{"bad color", `"#a0b1C2"`, `"red"`, "runs.colors.r2"},
		{"empty run id", `"visible": {"r1": false}`, `"visible": {"": false}`, "runs.visible"},
		{"bad sort order", `"order": "desc"`, `"order": "down"`, "runs.sort.order"},
		{"bad group_by", `"group_by": "job_type"`, `"group_by": "x"`, "runs.group_by"},
		{"empty column", `"columns": ["state", "config.lr"]`, `"columns": [""]`, "runs.columns[0]"},
		{"empty known key", `"known_keys": ["acc", "train/loss"]`, `"known_keys": [""]`,
			"known_keys[0]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := strings.Replace(validSpecJSON, tt.old, tt.new, 1)
			if in == validSpecJSON {
				t.Fatalf("case does not change the spec: %q not found", tt.old)
			}
			_, err := Decode([]byte(in))
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("Decode(%s) = %v, want ErrInvalid", tt.name, err)
			}
			if !strings.Contains(err.Error(), tt.field) {
				t.Errorf("Decode(%s) = %q, want it to name %q", tt.name, err, tt.field)
			}
		})
	}
}

// TestDecodeSynonyms accepts the spellings the web UI first wrote.
func TestDecodeSynonyms(t *testing.T) {
	for _, c := range []struct{ old, new string }{
		{`"type": "ema"`, `"type": "time_ema"`},
		{`"type": "ema", "weight": 0.6`, `"type": "gaussian", "window": 8`},
		{`"type": "ema", "weight": 0.6`, `"type": "gaussian", "sigma": 2`},
		{`"band": "std"`, `"band": "stddev"`},
		{`"by": "config.lr"`, `"by": "tags"`},
		{`"group_by": "job_type"`, `"group_by": "tags"`},
	} {
		in := strings.Replace(validSpecJSON, c.old, c.new, 1)
		if in == validSpecJSON {
			t.Fatalf("case %q not found", c.old)
		}
		if _, err := Decode([]byte(in)); err != nil {
			t.Errorf("Decode(spec with %s) = %v, want nil", c.new, err)
		}
	}
}

func TestDecodeNotObject(t *testing.T) {
	for _, in := range []string{``, `null`, `[]`, `{"version": 3`, `"x"`} {
		if _, err := Decode([]byte(in)); !errors.Is(err, ErrInvalid) {
			t.Errorf("Decode(%q) = %v, want ErrInvalid", in, err)
		}
	}
}

func TestNormalizeKnownKeys(t *testing.T) {
	s, err := Decode([]byte(`{"version": 3, "known_keys": ["b", "a", "b"],
	  "sections": [{"id": "s", "name": "s", "panels": [
	    {"id": "p", "kind": "line", "keys": ["c"], "x": "d"},
	    {"id": "q", "kind": "table", "keys": ["e"]}]}]}`))
	if err != nil {
		t.Fatalf("Decode = %v", err)
	}
	want := "a,b,c"
	if got := strings.Join(s.KnownKeys, ","); got != want {
		t.Errorf("Decode: known_keys %q, want %q (sorted, unique, line keys added)", got, want)
	}
}
