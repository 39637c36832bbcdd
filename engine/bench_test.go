package engine

import (
	"fmt"
	"math"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
)

// benchRows returns n rows of k keys from step lo, values like a loss curve.
func benchRows(lo int64, n, k int) []Row {
	keys := make([]string, k)
	for j := range keys {
		keys[j] = fmt.Sprintf("train/metric_%d", j)
	}
	rows := make([]Row, n)
	for i := range rows {
		step := lo + int64(i)
		m := make([]Metric, k)
		for j := range m {
			m[j] = Metric{keys[j], 1/math.Sqrt(float64(step+1)) + float64(j)}
		}
		rows[i] = Row{Step: step, Time: 1.7e9 + float64(step)/10, Metrics: m}
	}
	return rows
}

// BenchmarkAppend measures ingest through Append on a store on disk, with
// realistic batches (1,000 rows of 10 keys) from several writers, each to
// its own run. One op is one Append; points/s counts metric points.
func BenchmarkAppend(b *testing.B) {
	for _, writers := range []int{1, 4, 8} {
		b.Run(fmt.Sprintf("writers=%d", writers), func(b *testing.B) {
			benchAppend(b, writers, 1000, 10)
		})
	}
}

func benchAppend(b *testing.B, writers, rows, keys int) {
	db := openDB(b, b.TempDir(), Options{})
	for w := range writers {
		newRun(b, db, "p", fmt.Sprintf("r%d", w))
	}
	b.ReportAllocs()
	b.SetBytes(int64(rows * keys * 16))
	cpu0 := cpuTime()
	b.ResetTimer()
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			run := fmt.Sprintf("r%d", w)
			rows := benchRows(0, rows, keys)
			for i := 0; next.Add(1) <= int64(b.N); i++ {
				for j := range rows {
					rows[j].Step = int64(i*len(rows) + j)
				}
				if _, err := db.Append("p", run, rows); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	points := float64(b.N * rows * keys)
	b.ReportMetric(points/b.Elapsed().Seconds(), "points/s")
	b.ReportMetric(float64(cpuTime()-cpu0)/points, "cpu-ns/point")
}

// cpuTime returns the CPU time the process used so far, in nanoseconds. On
// a shared machine, CPU time per point tells more than wall time.
func cpuTime() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// BenchmarkRuns lists a project of 100,000 runs, the size the runs table
// must stay fast at.
func BenchmarkRuns(b *testing.B) {
	db := openDB(b, "", Options{})
	if err := db.CreateProject(Project{Name: "p"}); err != nil {
		b.Fatal(err)
	}
	for i := range 100_000 {
		if _, err := db.CreateRun(Run{Project: "p", ID: fmt.Sprintf("r%d", i)}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		runs, err := db.Runs("p")
		if err != nil || len(runs) != 100_000 {
			b.Fatalf("Runs = %d runs, %v", len(runs), err)
		}
	}
}

// sealedSeries returns a store with one run holding n points of key "x",
// all sealed.
func sealedSeries(b *testing.B, n int) *DB {
	db := openDB(b, "", Options{})
	newRun(b, db, "p", "r")
	for lo := 0; lo < n; lo += 10_000 {
		mustAppend(b, db, "p", "r", benchRows(int64(lo), 10_000, 1))
	}
	if err := db.sealAll(sealAll); err != nil {
		b.Fatal(err)
	}
	return db
}

// BenchmarkScanSummaries walks the chunks of a million-point series
// without loading points, as a chart over the whole range does.
func BenchmarkScanSummaries(b *testing.B) {
	db := sealedSeries(b, 1_000_000)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		n := 0
		err := db.Scan("p", "r", "train/metric_0", 0, math.MaxInt64, func(c *Chunk) error {
			n += c.Stats.Count
			return nil
		})
		if err != nil || n != 1_000_000 {
			b.Fatalf("Scan: %d points, %v", n, err)
		}
	}
}

// BenchmarkRead reads 100,000 sealed points through the block cache.
func BenchmarkRead(b *testing.B) {
	db := sealedSeries(b, 200_000)
	b.ReportAllocs()
	b.SetBytes(100_000 * 16)
	b.ResetTimer()
	for b.Loop() {
		p, err := db.Read("p", "r", "train/metric_0", 50_000, 149_999)
		if err != nil || p.Len() != 100_000 {
			b.Fatalf("Read: %d points, %v", p.Len(), err)
		}
	}
}
