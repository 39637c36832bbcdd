package stores

import (
	"fmt"
	"testing"

	"github.com/sextant-ml/sextant/bench/gen"
	"github.com/sextant-ml/sextant/bench/workload"
)

// TestStores writes a small run through every store and checks that each
// closes cleanly and leaves something on disk.
func TestStores(t *testing.T) {
	run := gen.Run("r", 1, 10, 2000, 1)
	batches := run.Batches(500, workload.DefaultClock)
	for _, open := range All() {
		t.Run(open.Name, func(t *testing.T) {
			dir := t.TempDir()
			s, err := open.Open(dir)
			if err != nil {
				t.Fatalf("Open(%s): %v", dir, err)
			}
			if err := s.CreateRuns([]string{"r"}); err != nil {
				t.Fatalf("CreateRuns: %v", err)
			}
			for i, b := range batches {
				if err := s.Append(b); err != nil {
					t.Fatalf("Append(batch %d): %v", i, err)
				}
			}
			if err := s.Close(); err != nil {
				t.Fatalf("Close: %v", err)
			}
			n, err := DirSize(dir)
			if err != nil || n < 1000 {
				t.Errorf("DirSize after Close = %d, %v; want > 1000 bytes", n, err)
			}
		})
	}
}

// BenchmarkAppend writes batches of 1,000 rows × 10 keys, one goroutine, and
// reports points per second and bytes per point on disk.
func BenchmarkAppend(b *testing.B) {
	const runs = 4
	var batches []workload.Batch
	for i := range runs {
		run := gen.Run(fmt.Sprintf("r%d", i), uint64(i), 10, 5000, 1)
		batches = append(batches, run.Batches(1000, workload.DefaultClock)...)
	}
	ids := []string{"r0", "r1", "r2", "r3"}
	for _, open := range All() {
		b.Run(open.Name, func(b *testing.B) {
			b.ReportAllocs()
			points := 0
			for b.Loop() {
				b.StopTimer()
				dir := b.TempDir()
				s, err := open.Open(dir)
				if err != nil {
					b.Fatal(err)
				}
				if err := s.CreateRuns(ids); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				for _, batch := range batches {
					if err := s.Append(batch); err != nil {
						b.Fatal(err)
					}
					points += batch.Points()
				}
				b.StopTimer()
				if err := s.Close(); err != nil {
					b.Fatal(err)
				}
				size, _ := DirSize(dir)
				b.ReportMetric(float64(size)/float64(runs*5000*10), "bytes/point")
				b.StartTimer()
			}
			b.ReportMetric(float64(points)/b.Elapsed().Seconds(), "points/s")
		})
	}
}
