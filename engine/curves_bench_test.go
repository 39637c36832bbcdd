package engine

import (
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
)

// curvesDir returns the folder of real training curves, one CSV
// (series,step,value) per run: under $SEXTANT_DATA, else under shared/data
// beside the repository (../shared/data/README.md describes them).
func curvesDir() string {
	const sub = "training-curves/modded-nanogpt"
	if d := os.Getenv("SEXTANT_DATA"); d != "" {
		return filepath.Join(d, sub)
	}
	for _, d := range []string{"../../shared/data", "../../../shared/data"} {
		if _, err := os.Stat(filepath.Join(d, sub)); err == nil {
			return filepath.Join(d, sub)
		}
	}
	return ""
}

// loadCurves returns the runs of curvesDir as rows: one row per step with
// every series logged at that step.
func loadCurves(b *testing.B) [][]Row {
	files, err := filepath.Glob(filepath.Join(curvesDir(), "*.csv"))
	if curvesDir() == "" || err != nil || len(files) == 0 {
		b.Skip("no training curves: set SEXTANT_DATA or place them in ../shared/data")
	}
	var runs [][]Row
	for _, f := range files {
		rows, err := readCurve(f)
		if err != nil {
			b.Fatalf("read %s: %v", f, err)
		}
		runs = append(runs, rows)
	}
	return runs
}

func readCurve(path string) ([]Row, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 || recs[0][0] != "series" {
		return nil, errors.New("no header")
	}
	byStep := make(map[int64][]Metric)
	for _, r := range recs[1:] {
		step, err1 := strconv.ParseInt(r[1], 10, 64)
		v, err2 := strconv.ParseFloat(r[2], 64)
		if err := errors.Join(err1, err2); err != nil {
			return nil, err
		}
		byStep[step] = append(byStep[step], Metric{r[0], v})
	}
	rows := make([]Row, 0, len(byStep))
	for step, m := range byStep {
		rows = append(rows, Row{Step: step, Time: 1.7e9 + float64(step), Metrics: m})
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].Step < rows[j].Step })
	return rows, nil
}

// BenchmarkAppendCurves ingests the real curves (about a million points in
// 100 runs) with 4 writers in batches of up to 1,000 rows, then reports the
// encoded bytes per point of the blocks. One op is the whole set.
func BenchmarkAppendCurves(b *testing.B) {
	runs := loadCurves(b)
	points := 0
	for _, rows := range runs {
		for _, r := range rows {
			points += len(r.Metrics)
		}
	}
	b.ReportAllocs()
	var last Stats
	var cpu int64
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		db := openDB(b, b.TempDir(), Options{})
		for r := range runs {
			newRun(b, db, "p", fmt.Sprintf("r%d", r))
		}
		b.StartTimer()
		cpu0 := cpuTime()
		ingestCurves(b, db, runs)
		cpu += cpuTime() - cpu0
		b.StopTimer()
		if err := db.sealAll(sealAll); err != nil {
			b.Fatal(err)
		}
		last = db.Stats()
		db.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(points)*float64(b.N)/b.Elapsed().Seconds(), "points/s")
	b.ReportMetric(float64(cpu)/float64(points*b.N), "cpu-ns/point")
	b.ReportMetric(float64(last.BlockBytes)/float64(last.Points+2*last.Rows), "block-bytes/point")
	b.ReportMetric(float64(last.WALBytes)/float64(last.Points), "wal-bytes/point")
}

func ingestCurves(b *testing.B, db *DB, runs [][]Row) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := int(next.Add(1)) - 1; r < len(runs); r = int(next.Add(1)) - 1 {
				rows := runs[r]
				for lo := 0; lo < len(rows); lo += 1000 {
					batch := rows[lo:min(lo+1000, len(rows))]
					if _, err := db.Append("p", fmt.Sprintf("r%d", r), batch); err != nil {
						b.Error(err)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
}
