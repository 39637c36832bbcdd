package workspace

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/sextant-ml/sextant/engine"
)

// fakeSource holds series as chunks of 10 points at steps 0..99, with the
// value equal to the step.
type fakeSource struct {
	project string
	runs    map[string]*engine.Run
}

func (f *fakeSource) Run(project, id string) (*engine.Run, error) {
	if r, ok := f.runs[id]; ok && project == f.project {
		return r, nil
	}
	return nil, fmt.Errorf("run %q: %w", id, engine.ErrNotFound)
}

func (f *fakeSource) Runs(project string) ([]*engine.Run, error) {
	var out []*engine.Run
	for _, r := range f.runs {
		out = append(out, r)
	}
	return out, nil
}

func (f *fakeSource) Read(project, run, key string, lo, hi int64) (engine.Points, error) {
	var p engine.Points
	for s := max(lo, 0); s <= min(hi, 99); s++ {
		p.Steps, p.Values = append(p.Steps, s), append(p.Values, float64(s))
	}
	return p, nil
}

func (f *fakeSource) Scan(project, run, key string, lo, hi int64,
	fn func(*engine.Chunk) error) error {
	for start := int64(0); start < 100; start += 10 {
		if start+9 < lo || start > hi {
			continue
		}
		p, _ := f.Read(project, run, key, start, start+9)
		if err := fn(engine.NewChunk(p)); err != nil {
			return err
		}
	}
	return nil
}

func scopeReport(mode string) Report {
	r := Report{Version: Version, Title: "t", Mode: mode, Blocks: []Block{
		{Type: BlockText, Markdown: "hi"},
		{Type: BlockPanels, Runs: &RunSet{IDs: []string{"a", "b"}}, Panels: []Panel{
			{ID: "p", Kind: KindLine, Keys: []string{"loss"}, X: "epoch"}}},
	}}
	if mode == ModeStatic {
		r.Blocks[1].Snapshot = &Snapshot{Runs: []string{"a", "b"},
			Bounds: map[string]map[string]int64{"a": {"loss": 44, "epoch": 40}, "b": {}}}
	}
	return r
}

func newFake() *fakeSource {
	return &fakeSource{project: "p", runs: map[string]*engine.Run{
		"a": {ID: "a", LastStep: 99}, "b": {ID: "b", LastStep: 99}, "c": {ID: "c"}}}
}

func mustScope(t *testing.T, r Report, i int) *Scope {
	t.Helper()
	f := newFake()
	resolve := func(rs RunSet) ([]*engine.Run, error) {
		var out []*engine.Run
		for _, id := range rs.IDs {
			out = append(out, f.runs[id])
		}
		return out, nil
	}
	sc, err := r.Scope(i, "p", f, resolve)
	if err != nil {
		t.Fatalf("Scope(%d) = %v", i, err)
	}
	return sc
}

func scanSteps(t *testing.T, sc *Scope, run, key string, lo, hi int64) []int64 {
	t.Helper()
	var steps []int64
	err := sc.Scan("p", run, key, lo, hi, func(ch *engine.Chunk) error {
		p, err := ch.Points()
		for i, s := range p.Steps {
			if s >= lo && s <= hi {
				steps = append(steps, s)
			}
			if ch.Stats.MaxStep < s || p.Values[i] != float64(s) {
				t.Errorf("chunk stats %+v do not cover step %d", ch.Stats, s)
			}
		}
		return err
	})
	if err != nil {
		t.Fatalf("Scan(%s, %s) = %v", run, key, err)
	}
	return steps
}

func TestScopeStaticClamps(t *testing.T) {
	sc := mustScope(t, scopeReport(ModeStatic), 1)
	tests := []struct {
		run, key string
		lo, hi   int64
		want     int // points, the last one at want-1
	}{
		{"a", "loss", 0, math.MaxInt64, 45},
		{"a", "loss", 0, 20, 21},
		{"a", "epoch", 0, math.MaxInt64, 41},
		{"a", engine.KeyTimestamp, 0, math.MaxInt64, 45},
		{"b", "loss", 0, math.MaxInt64, 0},
	}
	for _, tt := range tests {
		steps := scanSteps(t, sc, tt.run, tt.key, tt.lo, tt.hi)
		if len(steps) != tt.want || tt.want > 0 && steps[len(steps)-1] != int64(tt.want-1) {
			t.Errorf("Scan(%s, %s, %d, %d): %d points, want %d", tt.run, tt.key, tt.lo, tt.hi,
				len(steps), tt.want)
		}
		p, err := sc.Read("p", tt.run, tt.key, tt.lo, tt.hi)
		if err != nil || p.Len() != tt.want {
			t.Errorf("Read(%s, %s, %d, %d): %d points, %v; want %d", tt.run, tt.key, tt.lo,
				tt.hi, p.Len(), err, tt.want)
		}
	}
	r, err := sc.Run("p", "a")
	if err != nil || r.Summary != nil || r.LastStep != 44 {
		t.Errorf("Run(a) = %+v, %v; want no summary, last step 44", r, err)
	}
}

func TestScopeDynamic(t *testing.T) {
	sc := mustScope(t, scopeReport(ModeDynamic), 1)
	if got := scanSteps(t, sc, "a", "loss", 0, math.MaxInt64); len(got) != 100 {
		t.Errorf("Scan(dynamic) = %d points, want 100", len(got))
	}
	if got := sc.RunIDs(); !slices.Equal(got, []string{"a", "b"}) {
		t.Errorf("RunIDs() = %q, want [a b]", got)
	}
}

func TestScopeRefuses(t *testing.T) {
	for _, mode := range []string{ModeStatic, ModeDynamic} {
		sc := mustScope(t, scopeReport(mode), 1)
		cases := []struct{ project, run, key string }{
			{"p", "c", "loss"},  // run outside the block
			{"q", "a", "loss"},  // another project
			{"p", "a", "acc"},   // key outside the block
			{"p", "a", "_step"}, // not a series
		}
		for _, c := range cases {
			_, err := sc.Read(c.project, c.run, c.key, 0, 10)
			if !errors.Is(err, ErrNotFound) {
				t.Errorf("%s: Read(%s, %s, %s) = %v, want ErrNotFound", mode, c.project, c.run,
					c.key, err)
			}
			err = sc.Scan(c.project, c.run, c.key, 0, 10, func(*engine.Chunk) error { return nil })
			if !errors.Is(err, ErrNotFound) {
				t.Errorf("%s: Scan(%s, %s, %s) = %v, want ErrNotFound", mode, c.project, c.run,
					c.key, err)
			}
		}
		if _, err := sc.Run("p", "c"); !errors.Is(err, ErrNotFound) {
			t.Errorf("%s: Run(c) = %v, want ErrNotFound", mode, err)
		}
		if runs, err := sc.Runs("p"); err != nil || len(runs) != 2 {
			t.Errorf("%s: Runs(p) = %d runs, %v; want 2", mode, len(runs), err)
		}
	}
	r := scopeReport(ModeStatic)
	for _, i := range []int{-1, 0, 2} {
		if _, err := r.Scope(i, "p", newFake(), nil); !errors.Is(err, ErrNotFound) {
			t.Errorf("Scope(block %d) = %v, want ErrNotFound", i, err)
		}
	}
}
