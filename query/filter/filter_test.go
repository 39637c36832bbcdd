package filter

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/sextant-ml/sextant/engine"
)

func testRun() *engine.Run {
	return &engine.Run{
		ID: "r1", Name: "resnet-lr3", Group: "sweep-a", JobType: "train",
		Tags: []string{"baseline", "gpu"}, State: "finished",
		Created: time.Date(2024, 5, 2, 10, 0, 0, 0, time.UTC),
		Config: map[string]any{
			"lr":          0.001,
			"optimizer":   map[string]any{"name": "adam", "beta": 0.9},
			"model.depth": float64(50),
			"layers":      []any{64.0, 128.0},
			"amp":         true,
		},
		Summary: map[string]engine.MetricSummary{
			"val/acc":    {Last: 0.93, Step: 100, Min: 0.1, Max: 0.95},
			"train/loss": {Last: math.NaN(), Step: 100, Min: 0.2, Max: 3},
		},
		LastStep: 100,
	}
}

func TestMatch(t *testing.T) {
	tests := []struct {
		filter string
		want   bool
	}{
		{"", true},
		{"config.lr < 0.01 and summary.val/acc > 0.9", true},
		{"config.lr < 0.01 and summary.val/acc > 0.95", false},
		{"summary.val/acc.max >= 0.95", true},
		{"summary.val/acc.min = 0.1", true},
		{"summary.val/acc.step = 100", true},
		{"summary.train/loss > 0 or summary.train/loss <= 0", false},
		{"summary.missing != 1", true},
		{"summary.missing = 1", false},
		{"config.optimizer.name = 'adam'", true},
		{"config.optimizer.beta == 0.9", true},
		{"config.model.depth = 50", true},
		{"config.amp = true", true},
		{"config.nothing != 'x'", true},
		{"config.lr > 'a'", false},
		{"128 in config.layers", true},
		{"config.layers in [1, 64]", true},
		{"name =~ '^resnet'", true},
		{"name !~ 'lr3$'", false},
		{"name =~ 'vit'", false},
		{"\"gpu\" in tags", true},
		{"tags contains 'baseline'", true},
		{"tags contains 'tpu'", false},
		{"'tpu' not in tags", true},
		{"tags in ['tpu', 'gpu']", true},
		{"state in ['running', 'finished']", true},
		{"state not in ['running']", true},
		{"group = 'sweep-a' and job_type = 'train'", true},
		{"not (group = 'sweep-a')", false},
		{"NOT group = 'x' AND (state = 'failed' OR state = 'finished')", true},
		{"created > '2024-05-01'", true},
		{"created < '2024-05-02T09:00:00Z'", false},
		{"created >= 1714600000", true},
		{"`summary.val/acc` > 0.5", true},
		{"last_step = 100", true},
		{"id = 'r1'", true},
	}
	r := testRun()
	for _, tt := range tests {
		t.Run(tt.filter, func(t *testing.T) {
			e, err := Parse(tt.filter)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.filter, err)
			}
			if got := e.Match(r); got != tt.want {
				t.Errorf("Parse(%q).Match(run) = %v, want %v", tt.filter, got, tt.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		filter string
		want   string
	}{
		{"config.lr <", "at column 12: expected a field, a string, a number, true, " +
			"false or null, found the end of the filter"},
		{"config.lr < 0.01 and summary.acc", "at column 33: expected an operator " +
			"(=, !=, <, <=, >, >=, =~, !~, in, contains), found the end of the filter"},
		{"(state = 'x'", "at column 13: expected \")\", found the end of the filter"},
		{"state = 'x' state", "at column 13: expected and, or or the end of the " +
			"filter, found \"state\""},
		{"colour = 'red'", "at column 1: unknown field \"colour\": expected name, id, " +
			"group, job_type, state, notes, author, tags, created, heartbeat, " +
			"last_step, config.KEY or summary.KEY"},
		{"name = 'abc", "at column 8: unterminated string"},
		{"name =~ '('", "at column 9: bad regular expression: error parsing regexp: " +
			"missing closing ): `(`"},
		{"created > 'yesterday'", "at column 11: expected a time like 2024-05-01 or " +
			"2024-05-01T12:00:00Z, found \"yesterday\""},
		{"state in ['a' 'b']", "at column 15: expected \",\" or \"]\", found \"'b'\""},
		{"state # 1", "at column 7: unexpected character '#'"},
	}
	for _, tt := range tests {
		t.Run(tt.filter, func(t *testing.T) {
			_, err := Parse(tt.filter)
			if err == nil || err.Error() != tt.want {
				t.Fatalf("Parse(%q) error = %v, want %q", tt.filter, err, tt.want)
			}
			if !errors.Is(err, engine.ErrInvalid) {
				t.Errorf("Parse(%q) error is not engine.ErrInvalid", tt.filter)
			}
		})
	}
}

// FuzzParse checks that no input makes Parse or Match panic, and that a
// rejected filter always says where.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"config.lr < 0.01 and summary.val/acc > 0.9",
		"'x' in tags or not (state = 'running')", "name =~ '^a' and created > '2024-01-01'",
		"`summary.a b`.max >= -1e3", "tags in ['a', \"b\"]", "((", "x = ", "\"\\"} {
		f.Add(s)
	}
	r := testRun()
	f.Fuzz(func(t *testing.T, src string) {
		e, err := Parse(src)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) || se.Col < 1 {
				t.Fatalf("Parse(%q) error %v is not a positioned SyntaxError", src, err)
			}
			return
		}
		e.Match(r)
	})
}
