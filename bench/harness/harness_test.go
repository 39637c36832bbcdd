package harness

import (
	"encoding/json"
	"math"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/sextant-ml/sextant/bench/gen"
	"github.com/sextant-ml/sextant/bench/stores"
	"github.com/sextant-ml/sextant/bench/workload"
)

func TestPlan(t *testing.T) {
	b := func(run string, i int) workload.Batch {
		return workload.Batch{Run: run, Rows: []workload.Row{{Step: int64(i)}}}
	}
	runs := [][]workload.Batch{
		{b("a", 0), b("a", 1)},
		{b("b", 0)},
		{b("c", 0), b("c", 1)},
	}
	plan := Plan(runs, 2)
	var got []string
	for _, w := range plan {
		var s []string
		for _, x := range w {
			s = append(s, x.Run+string(rune('0'+x.Rows[0].Step)))
		}
		got = append(got, strings.Join(s, " "))
	}
	want := []string{"a0 c0 a1 c1", "b0"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("Plan(3 runs, 2 writers) = %q, want %q", got, want)
	}
}

func TestAppendNDJSON(t *testing.T) {
	b := workload.Batch{Run: "r", Rows: []workload.Row{{
		Step: 3, Time: 1.5, Keys: []string{"loss", "a", "b", "c"},
		Values: []float64{0.25, math.NaN(), math.Inf(1), math.Inf(-1)},
	}}}
	got := string(AppendNDJSON([]byte("x"), b))
	want := "x" + `{"_step":3,"_timestamp":1.5,"loss":0.25,"a":NaN,"b":Infinity,"c":-Infinity}` + "\n"
	if got != want {
		t.Errorf("AppendNDJSON = %q, want %q", got, want)
	}
	finite := workload.Batch{Rows: []workload.Row{{Step: 1, Keys: []string{"k"},
		Values: []float64{1e-7}}}}
	var row map[string]float64
	if err := json.Unmarshal(AppendNDJSON(nil, finite), &row); err != nil || row["k"] != 1e-7 {
		t.Errorf("AppendNDJSON(1e-7) decodes to %v, %v; want k = 1e-7", row, err)
	}
}

func TestQuantile(t *testing.T) {
	var l Latencies
	for i := 100; i >= 1; i-- {
		l = append(l, time.Duration(i))
	}
	tests := []struct {
		q    float64
		want time.Duration
	}{{0.5, 50}, {0.99, 99}, {1, 100}, {0, 1}}
	for _, tt := range tests {
		if got := l.Quantile(tt.q); got != tt.want {
			t.Errorf("Quantile(%v) of 1..100 = %v, want %v", tt.q, got, tt.want)
		}
	}
}

func TestIngest(t *testing.T) {
	run := workload.Run{ID: "r", Series: []workload.Series{
		{Key: "k", Steps: []int64{0, 1, 2}, Values: []float64{1, 2, 3}},
	}}
	plan := Plan([][]workload.Batch{run.Batches(2, workload.DefaultClock)}, 1)
	open := stores.Opener{Name: stores.BadgerName, Open: stores.OpenBadgerKV}
	res := Ingest(open, t.TempDir(), []string{"r"}, plan, false)
	if res.Err != nil || res.Points != 3 || res.Bytes <= 0 || res.Total < res.Bytes {
		t.Errorf("Ingest(3 points) = %+v, want 3 points, a size, no error", res)
	}
}

// BenchmarkAppendNDJSON encodes a batch of 1,000 rows × 10 keys, the work a
// client does per request.
func BenchmarkAppendNDJSON(b *testing.B) {
	run := gen.Run("r", 1, 10, 1000, 1)
	batch := run.Batches(1000, workload.DefaultClock)[0]
	buf := AppendNDJSON(nil, batch)
	b.SetBytes(int64(len(buf)))
	b.ReportAllocs()
	for b.Loop() {
		buf = AppendNDJSON(buf[:0], batch)
	}
	b.ReportMetric(float64(b.N*batch.Points())/b.Elapsed().Seconds(), "points/s")
}

func TestMetricValue(t *testing.T) {
	text := "# HELP sextant_chart_cache_hits_total Chart answers served from the cache.\n" +
		"# TYPE sextant_chart_cache_hits_total counter\n" +
		"sextant_chart_cache_hits_total 3\n" +
		"sextant_chart_cache_misses_total 1e+06\n"
	tests := []struct {
		name string
		want int64
		err  bool
	}{
		{"sextant_chart_cache_hits_total", 3, false},
		{"sextant_chart_cache_misses_total", 1_000_000, false},
		{"sextant_chart_cache", 0, true},
	}
	for _, tt := range tests {
		got, err := metricValue(text, tt.name)
		if got != tt.want || (err != nil) != tt.err {
			t.Errorf("metricValue(%s) = %d, %v; want %d, error %v",
				tt.name, got, err, tt.want, tt.err)
		}
	}
}

func TestProcCPU(t *testing.T) {
	before := ProcCPU(os.Getpid())
	if before <= 0 {
		t.Fatalf("ProcCPU(self) = %v", before)
	}
	// Spin until the count moves: a tick is 10 ms of CPU.
	for deadline := time.Now().Add(5 * time.Second); ProcCPU(os.Getpid()) == before; {
		if time.Now().After(deadline) {
			t.Fatalf("ProcCPU stayed at %v after 5 s of spinning", before)
		}
	}
	if ProcCPU(-1) != 0 {
		t.Errorf("ProcCPU(-1) = %v, want 0", ProcCPU(-1))
	}
}
