package server

import (
	"bytes"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/sextant-ml/sextant/engine"
	"github.com/sextant-ml/sextant/server/ingest"
)

// BenchmarkHistoryHTTP sends NDJSON batches of 1,000 rows of 16 metrics
// over real HTTP to a server on a store on disk, from several clients, each
// to a run of its own. The figure to read is points/s.
func BenchmarkHistoryHTTP(b *testing.B) {
	const rowsPerBatch, keys = 1000, 16
	db, err := engine.Open(engine.Options{Dir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	srv, err := New(db, Config{IngestRate: -1}, slog.New(slog.DiscardHandler))
	if err != nil {
		b.Fatal(err)
	}
	if _, err := srv.Access().EnsureAdmin("k"); err != nil {
		b.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	defer hs.Close()
	if err := db.CreateProject(engine.Project{Name: "p", Owner: "admin"}); err != nil {
		b.Fatal(err)
	}

	// Bodies are made before the clock starts; a run gets them again with
	// new steps only in a later pass, as a rewrite of the same points.
	bodies := make([][]byte, 64)
	for i := range bodies {
		bodies[i] = benchRows(int64(i*rowsPerBatch), rowsPerBatch, keys)
	}
	var runs, bytesSent atomic.Int64
	b.ReportAllocs()
	b.SetParallelism(2)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		id := fmt.Sprintf("r%d", runs.Add(1))
		if _, err := db.CreateRun(engine.Run{Project: "p", ID: id}); err != nil {
			b.Error(err)
			return
		}
		url := hs.URL + "/api/v1/projects/p/runs/" + id + "/history"
		for i := 0; pb.Next(); i++ {
			body := bodies[i%len(bodies)]
			bytesSent.Add(int64(len(body)))
			postBench(b, url, body)
		}
	})
	b.ReportMetric(float64(b.N*rowsPerBatch*keys)/b.Elapsed().Seconds(), "points/s")
	b.ReportMetric(float64(bytesSent.Load())/b.Elapsed().Seconds()/1e6, "MB/s")
}

func benchRows(first int64, n, keys int) []byte {
	var buf []byte
	for s := first; s < first+int64(n); s++ {
		r := engine.Row{Step: s}
		r.Time = math.NaN()
		for k := range keys {
			v := math.Sin(float64(s)*0.01+float64(k)) * 2
			if k%2 == 0 {
				v = math.Round(v*1e4) / 1e4
			}
			r.Metrics = append(r.Metrics, engine.Metric{Key: benchKeys[k], Value: v})
		}
		buf = append(ingest.AppendRow(buf, r), '\n')
	}
	return buf
}

var benchKeys = func() []string {
	keys := make([]string, 64)
	for i := range keys {
		keys[i] = fmt.Sprintf("train/metric_%02d", i)
	}
	return keys
}()

func postBench(b *testing.B, url string, body []byte) {
	req, _ := http.NewRequest("POST", url, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer k")
	req.Header.Set("Content-Type", "application/x-ndjson")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		b.Fatalf("POST history = %d", res.StatusCode)
	}
}
