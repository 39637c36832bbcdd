package engine

import (
	"fmt"
	"math"
	"reflect"
	"testing"
	"time"
)

// TestApplyByKey checks that a dense batch, applied series by series,
// leaves the heads, marks and summaries that applying it point by point
// does.
func TestApplyByKey(t *testing.T) {
	rows := func(steps []int64, keys ...string) []Row {
		var out []Row
		for i, s := range steps {
			r := Row{Step: s, Time: 1000 + float64(i)}
			for j, k := range keys {
				v := float64(s)*0.5 + float64(j)
				switch (i + j) % 7 {
				case 3:
					v = math.NaN()
				case 5:
					v = math.Inf(1 - 2*(i%2))
				}
				r.Metrics = append(r.Metrics, Metric{k, v})
			}
			out = append(out, r)
		}
		return out
	}
	tests := []struct {
		name    string
		batches [][]Row
	}{
		{"increasing", [][]Row{rows([]int64{1, 2, 3}, "a", "b"),
			rows([]int64{4, 5}, "a", "b")}},
		{"repeated steps", [][]Row{rows([]int64{1, 2, 2, 3}, "a", "b", "c"),
			rows([]int64{4, 4}, "a", "b", "c")}},
		{"below the head", [][]Row{rows([]int64{10, 11}, "a"), rows([]int64{5, 6}, "a"),
			rows([]int64{12}, "a")}},
		{"unsorted batch", [][]Row{rows([]int64{3, 1, 2}, "a", "b")}},
		{"keys change", [][]Row{rows([]int64{1, 2}, "a", "b"), rows([]int64{3, 4}, "b", "c"),
			rows([]int64{5}, "a", "b", "c")}},
		{"no metrics", [][]Row{rows([]int64{1, 2}), rows([]int64{3}, "a")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			byKey := applyAll(t, tt.batches, true)
			byPoint := applyAll(t, tt.batches, false)
			if len(byKey.series) != len(byPoint.series) {
				t.Fatalf("%d series by key, %d by point", len(byKey.series),
					len(byPoint.series))
			}
			for k, s := range byPoint.series {
				got := byKey.series[k]
				if got == nil || !sameHead(got.head, s.head) ||
					fmt.Sprint(got.sum) != fmt.Sprint(s.sum) {
					t.Errorf("series %q by key: %+v %+v; by point: %+v %+v", k,
						got.head, got.sum, s.head, s.sum)
				}
			}
			if byKey.meta.LastStep != byPoint.meta.LastStep {
				t.Errorf("last step %d by key, %d by point", byKey.meta.LastStep,
					byPoint.meta.LastStep)
			}
		})
	}
}

// applyAll applies batches as write-ahead records 1, 2, ... to a new run,
// by key where the batch allows it when byKey is set.
func applyAll(t *testing.T, batches [][]Row, byKey bool) *runState {
	rs := newRunState(Run{Project: "p", ID: "r", LastStep: -1})
	for i, rows := range batches {
		b := getBatch()
		if err := b.fill(rows, 0); err != nil {
			t.Fatal(err)
		}
		b.dense = b.dense && byKey
		if _, err := b.resolveSteps(rs.meta.LastStep); err != nil {
			t.Fatal(err)
		}
		rs.apply(b, uint64(i+1), time.Unix(0, 0), 1<<20)
		putBatch(b)
	}
	return rs
}

func sameHead(a, b head) bool {
	if len(a.marks) == 0 && len(b.marks) == 0 {
		a.marks, b.marks = nil, nil
	}
	return a.sorted == b.sorted && a.minSeq == b.minSeq && reflect.DeepEqual(a.marks, b.marks) &&
		reflect.DeepEqual(a.steps, b.steps) && sameFloats(a.values, b.values)
}

func sameFloats(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return false
		}
	}
	return true
}

// TestFillDense checks which batches fill marks dense.
func TestFillDense(t *testing.T) {
	m := func(keys ...string) []Metric {
		var out []Metric
		for _, k := range keys {
			out = append(out, Metric{k, 1})
		}
		return out
	}
	tests := []struct {
		name string
		rows []Row
		want bool
	}{
		{"same keys", []Row{{Metrics: m("a", "b")}, {Metrics: m("a", "b")}}, true},
		{"other order", []Row{{Metrics: m("a", "b")}, {Metrics: m("b", "a")}}, false},
		{"fewer keys", []Row{{Metrics: m("a", "b")}, {Metrics: m("a")}}, false},
		{"more keys later", []Row{{Metrics: m("a")}, {Metrics: m("a", "b")}}, false},
		{"repeated key", []Row{{Metrics: m("a", "a")}}, false},
		{"no metrics", []Row{{}, {}}, true},
		{"order restored", []Row{{Metrics: m("a", "b")}, {Metrics: m("b", "a")},
			{Metrics: m("a", "b")}}, false},
		{"in order after a shuffled batch", []Row{{Metrics: m("a", "b")}}, true},
	}
	for _, tt := range tests {
		b := getBatch()
		if err := b.fill(tt.rows, 0); err != nil {
			t.Fatal(err)
		}
		if b.dense != tt.want {
			t.Errorf("%s: dense = %v, want %v", tt.name, b.dense, tt.want)
		}
		putBatch(b)
	}
}
