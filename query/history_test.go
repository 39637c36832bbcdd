package query

import (
	"bytes"
	"encoding/json"
	"io"
	"math"
	"runtime"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"

	"github.com/sextant-ml/sextant/engine"
)

// historySource has key a at every step below 40,000, key b at every third
// step (NaN at step 3) and once far away at step 10^12.
func historySource() *memSource {
	src := newMemSource(1000)
	var a, b engine.Points
	for s := range int64(40_000) {
		a.Steps = append(a.Steps, s)
		a.Values = append(a.Values, float64(s)/2)
		if s%3 == 0 {
			b.Steps = append(b.Steps, s)
			b.Values = append(b.Values, -float64(s))
		}
	}
	b.Values[1] = math.NaN()
	b.Steps = append(b.Steps, 1e12)
	b.Values = append(b.Values, 7)
	src.add("r", "a", a)
	src.add("r", "b", b)
	return src
}

// wantHistory builds the expected rows plainly from the source's series.
func wantHistory(src *memSource, keys []string, lo, hi int64) ([]int64, map[int64][]any) {
	rows := map[int64][]any{}
	for k, key := range keys {
		p := src.series[[2]string{"r", key}]
		for i, s := range p.Steps {
			if s < lo || s > hi {
				continue
			}
			if rows[s] == nil {
				rows[s] = make([]any, len(keys))
			}
			rows[s][k] = p.Values[i]
		}
	}
	var steps []int64
	for s := range rows {
		steps = append(steps, s)
	}
	sortInts(steps)
	return steps, rows
}

func sortInts(s []int64) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

func jsonValue(v any) any {
	f, ok := v.(float64)
	switch {
	case !ok:
		return nil
	case math.IsNaN(f):
		return "NaN"
	}
	return f
}

func TestWriteHistoryJSON(t *testing.T) {
	src := historySource()
	tests := []HistoryQuery{
		{Keys: []string{"a", "b"}, MaxStep: math.MaxInt64},
		{Keys: []string{"b", "a"}, MinStep: 39_990, MaxStep: math.MaxInt64},
		{Keys: []string{"b"}, MinStep: 5, MaxStep: 17},
		{Keys: []string{"a", "missing"}, MinStep: 0, MaxStep: 4},
	}
	for _, q := range tests {
		q.Project, q.Run = "p", "r"
		var out bytes.Buffer
		if err := WriteHistoryJSON(&out, src, q); err != nil {
			t.Fatalf("WriteHistoryJSON(%v): %v", q.Keys, err)
		}
		var got struct {
			Steps   []int64          `json:"steps"`
			Columns map[string][]any `json:"columns"`
		}
		if err := json.Unmarshal(out.Bytes(), &got); err != nil {
			t.Fatalf("WriteHistoryJSON(%v) wrote invalid JSON: %v", q.Keys, err)
		}
		steps, rows := wantHistory(src, q.Keys, q.MinStep, q.MaxStep)
		if len(got.Steps) != len(steps) {
			t.Fatalf("WriteHistoryJSON(%v, %d..%d): %d steps, want %d", q.Keys, q.MinStep,
				q.MaxStep, len(got.Steps), len(steps))
		}
		for k, key := range q.Keys {
			col := got.Columns[key]
			if len(col) != len(steps) {
				t.Fatalf("column %s: %d values, want %d", key, len(col), len(steps))
			}
			for i, s := range steps {
				if got.Steps[i] != s || col[i] != jsonValue(rows[s][k]) {
					t.Fatalf("column %s row %d: step %d value %v, want step %d value %v",
						key, i, got.Steps[i], col[i], s, jsonValue(rows[s][k]))
				}
			}
		}
	}
}

func TestWriteHistoryCSV(t *testing.T) {
	var out bytes.Buffer
	q := HistoryQuery{Project: "p", Run: "r", Keys: []string{"a", "b"}, MinStep: 2,
		MaxStep: 6}
	if err := WriteHistoryCSV(&out, historySource(), q); err != nil {
		t.Fatal(err)
	}
	want := "_step,a,b\n2,1,\n3,1.5,NaN\n4,2,\n5,2.5,\n6,3,-6\n"
	if out.String() != want {
		t.Errorf("WriteHistoryCSV = %q, want %q", out.String(), want)
	}
}

func TestWriteHistoryArrow(t *testing.T) {
	src := historySource()
	var out bytes.Buffer
	q := HistoryQuery{Project: "p", Run: "r", Keys: []string{"a", "b"}, MaxStep: math.MaxInt64}
	if err := WriteHistoryArrow(&out, src, q); err != nil {
		t.Fatal(err)
	}
	rd, err := ipc.NewReader(&out)
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Release()
	steps, rows := wantHistory(src, q.Keys, 0, math.MaxInt64)
	i := 0
	for rd.Next() {
		rec := rd.RecordBatch()
		st := rec.Column(0).(*array.Int64)
		b := rec.Column(2).(*array.Float64)
		for r := 0; r < int(rec.NumRows()); r++ {
			want, has := rows[steps[i]][1].(float64)
			got := b.Value(r)
			if st.Value(r) != steps[i] || b.IsNull(r) == has ||
				has && math.Float64bits(got) != math.Float64bits(want) {
				t.Fatalf("row %d: step %d b %v (null %v), want step %d b %v",
					i, st.Value(r), got, b.IsNull(r), steps[i], rows[steps[i]][1])
			}
			i++
		}
	}
	if i != len(steps) {
		t.Errorf("arrow stream holds %d rows, want %d", i, len(steps))
	}
	if !strings.Contains(rd.Schema().String(), "_step: type=int64") {
		t.Errorf("schema %s lacks _step int64", rd.Schema())
	}
}

func TestWriteRunsCSV(t *testing.T) {
	runs := []*engine.Run{
		{ID: "a", Name: "first", Tags: []string{"x", "y"}, LastStep: 9,
			Config:  map[string]any{"lr": 0.1, "opt": map[string]any{"name": "adam"}},
			Summary: map[string]engine.MetricSummary{"loss": {Last: 1, Min: 0.5, Max: 2}}},
		{ID: "b", Name: "second, quoted", LastStep: -1,
			Config: map[string]any{"lr": "auto"}},
	}
	var out bytes.Buffer
	if err := WriteRunsCSV(&out, runs); err != nil {
		t.Fatal(err)
	}
	want := "id,name,group,job_type,state,tags,notes,author,created,heartbeat,last_step," +
		"config.lr,config.opt.name,summary.loss,summary.loss.min,summary.loss.max\n" +
		"a,first,,,,\"x,y\",,,,,9,0.1,adam,1,0.5,2\n" +
		"b,\"second, quoted\",,,,,,,,,-1,auto,,,,\n"
	if out.String() != want {
		t.Errorf("WriteRunsCSV =\n%s\nwant\n%s", out.String(), want)
	}
	out.Reset()
	if err := WriteRunsArrow(&out, runs); err != nil {
		t.Fatal(err)
	}
	rd, err := ipc.NewReader(&out)
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Release()
	if !rd.Next() || rd.RecordBatch().NumRows() != 2 || rd.RecordBatch().NumCols() != 16 {
		t.Fatalf("WriteRunsArrow: want one batch of 2 rows and 16 columns")
	}
}

// genSource makes up its series as they are read: key k has the value
// step*k at every step below n, so that an export's memory can be watched
// without the source holding the points.
type genSource struct {
	memSource
	n int64
}

func (g *genSource) Read(project, run, key string, lo, hi int64) (engine.Points, error) {
	var p engine.Points
	mult := float64(len(key))
	for s := max(lo, 0); s <= min(hi, g.n-1); s++ {
		p.Steps = append(p.Steps, s)
		p.Values = append(p.Values, float64(s)*mult)
	}
	return p, nil
}

// heapWatcher is a writer that measures the live heap every 16 MiB.
type heapWatcher struct {
	written, next int
	peak          uint64
}

func (h *heapWatcher) Write(p []byte) (int, error) {
	h.written += len(p)
	if h.written >= h.next {
		h.next += 16 << 20
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		h.peak = max(h.peak, m.HeapAlloc)
	}
	return len(p), nil
}

// TestHistoryExportMemoryBounded exports 2M points per key and checks that
// the live heap stays far below what holding the export would take.
func TestHistoryExportMemoryBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("exports millions of points")
	}
	src := &genSource{n: 2_000_000}
	q := HistoryQuery{Project: "p", Run: "r", Keys: []string{"a", "bb"}, MaxStep: math.MaxInt64}
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	for name, write := range map[string]func(w io.Writer) error{
		"json":  func(w io.Writer) error { return WriteHistoryJSON(w, src, q) },
		"csv":   func(w io.Writer) error { return WriteHistoryCSV(w, src, q) },
		"arrow": func(w io.Writer) error { return WriteHistoryArrow(w, src, q) },
	} {
		h := &heapWatcher{}
		if err := write(h); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		// Holding the export would take 2M steps x (8 + 2 x 9) bytes.
		t.Logf("%s: %d MiB written, live heap grew by %d KiB", name, h.written>>20,
			(int64(h.peak)-int64(base.HeapAlloc))>>10)
		if grown := int64(h.peak) - int64(base.HeapAlloc); grown > 16<<20 {
			t.Errorf("%s export of %d bytes: live heap grew by %d MiB, want < 16",
				name, h.written, grown>>20)
		}
	}
}
