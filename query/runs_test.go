package query

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/sextant-ml/sextant/engine"
)

func fakeRuns(n int, seed uint64) []*engine.Run {
	r := rand.New(rand.NewPCG(seed, 7))
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	runs := make([]*engine.Run, n)
	for i := range runs {
		run := &engine.Run{
			ID:      fmt.Sprintf("run-%06d", i),
			Name:    fmt.Sprintf("sweep-%d", r.IntN(50)),
			Group:   fmt.Sprintf("g%d", r.IntN(10)),
			State:   []string{"running", "finished", "failed"}[r.IntN(3)],
			Tags:    []string{fmt.Sprintf("t%d", r.IntN(5))},
			Created: t0.Add(time.Duration(r.IntN(1000)) * time.Minute),
			Config: map[string]any{
				"lr":        []float64{1e-4, 3e-4, 1e-3, 3e-3}[r.IntN(4)],
				"optimizer": map[string]any{"name": []string{"adam", "sgd"}[r.IntN(2)]},
			},
			Summary: map[string]engine.MetricSummary{},
		}
		if r.IntN(10) > 0 {
			acc := r.Float64()
			run.Summary["val/acc"] = engine.MetricSummary{Last: acc, Min: acc / 2, Max: acc}
		}
		runs[i] = run
	}
	return runs
}

// TestSelectRunsPages walks every page and checks that the pages together
// hold exactly the filtered runs, in order, each once.
func TestSelectRunsPages(t *testing.T) {
	runs := fakeRuns(1000, 1)
	tests := []struct {
		filter, sort string
		desc         bool
		limit        int
	}{
		{"", "", false, 7},
		{"config.lr < 0.001", "summary.val/acc", true, 33},
		{"state = 'finished'", "name", false, 100},
		{"", "config.optimizer.name", true, 1},
		{"summary.val/acc > 0.5", "created", true, 1000},
	}
	for _, tt := range tests {
		name := fmt.Sprintf("%s/%s/%v/%d", tt.filter, tt.sort, tt.desc, tt.limit)
		t.Run(name, func(t *testing.T) {
			all, err := SelectRuns(runs, RunsQuery{Filter: tt.filter, Sort: tt.sort,
				Desc: tt.desc, Limit: MaxRunsLimit})
			if err != nil {
				t.Fatal(err)
			}
			var paged []*engine.Run
			q := RunsQuery{Filter: tt.filter, Sort: tt.sort, Desc: tt.desc, Limit: tt.limit}
			for pages := 0; ; pages++ {
				page, err := SelectRuns(runs, q)
				if err != nil {
					t.Fatalf("page %d: %v", pages, err)
				}
				if len(page.Runs) > tt.limit {
					t.Fatalf("page %d holds %d runs, limit %d", pages, len(page.Runs), tt.limit)
				}
				paged = append(paged, page.Runs...)
				if page.Next == "" {
					break
				}
				q.Cursor = page.Next
			}
			if !slices.Equal(paged, all.Runs) {
				t.Errorf("paged listing of %d runs differs from the full one of %d",
					len(paged), len(all.Runs))
			}
		})
	}
}

func TestSelectRunsOrder(t *testing.T) {
	runs := fakeRuns(300, 2)
	page, err := SelectRuns(runs, RunsQuery{Sort: "summary.val/acc", Desc: true, Limit: 300})
	if err != nil {
		t.Fatal(err)
	}
	seenMissing := false
	for i, r := range page.Runs {
		s, ok := r.Summary["val/acc"]
		if !ok {
			seenMissing = true
			continue
		}
		if seenMissing {
			t.Fatalf("run %d has val/acc after runs without it", i)
		}
		if i > 0 {
			if prev, ok := page.Runs[i-1].Summary["val/acc"]; ok && prev.Last < s.Last {
				t.Fatalf("runs %d and %d out of order: %g < %g", i-1, i, prev.Last, s.Last)
			}
		}
	}
}

func TestSelectRunsErrors(t *testing.T) {
	runs := fakeRuns(10, 3)
	tests := []struct {
		q    RunsQuery
		want string
	}{
		{RunsQuery{Filter: "state ="}, "filter: at column 8: expected a field, a string, " +
			"a number, true, false or null, found the end of the filter"},
		{RunsQuery{Sort: "colour"}, "sort: unknown field \"colour\""},
		{RunsQuery{Limit: -1}, "limit: must be 1 to 10000"},
		{RunsQuery{Cursor: "zz"}, "cursor: not a cursor of this sort"},
	}
	for _, tt := range tests {
		_, err := SelectRuns(runs, tt.q)
		if err == nil || !startsWith(err.Error(), tt.want) {
			t.Errorf("SelectRuns(%+v) error = %v, want it to start with %q", tt.q, err, tt.want)
		}
		if !errors.Is(err, engine.ErrInvalid) {
			t.Errorf("SelectRuns(%+v) error %v is not engine.ErrInvalid", tt.q, err)
		}
	}
}

func startsWith(s, prefix string) bool { return len(s) >= len(prefix) && s[:len(prefix)] == prefix }

func BenchmarkSelectRuns100k(b *testing.B) {
	runs := fakeRuns(100_000, 4)
	q := RunsQuery{Filter: "config.lr < 0.001 and summary.val/acc > 0.3 and state != 'failed'",
		Sort: "summary.val/acc", Desc: true, Limit: 100}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := SelectRuns(runs, q); err != nil {
			b.Fatal(err)
		}
	}
}
