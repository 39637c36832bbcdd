package main

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sextant-ml/sextant/engine"
	"github.com/sextant-ml/sextant/server/ingest"
)

// Shape of the crash test: writers log to runs of their own over HTTP
// while the server is killed with SIGKILL at random moments.
const (
	crashCycles   = 20
	crashWriters  = 4
	crashKeys     = 8
	crashBatch    = 200 // rows per request
	crashAdminKey = "crash-admin-key"
)

// crashValue is the value of key k at step s of writer w: full float64
// noise, with NaN and infinities now and then.
func crashValue(w, k int, s int64) float64 {
	switch {
	case s%97 == 0 && k == 0:
		return math.NaN()
	case s%89 == 0 && k == 1:
		return math.Inf(-1 + 2*(w%2))
	}
	r := rand.New(rand.NewPCG(uint64(w)<<32|uint64(k), uint64(s)))
	return r.NormFloat64() * math.Pow(10, float64(k-4))
}

// crashWriter logs batches to its run and remembers which were answered.
type crashWriter struct {
	id    int
	next  int64   // step of the next row
	acked []int64 // first step of every acknowledged batch
}

func (cw *crashWriter) batch() string {
	var buf []byte
	for s := cw.next; s < cw.next+crashBatch; s++ {
		r := engine.Row{Step: s, Time: 1.7e9 + float64(s)}
		for k := range crashKeys {
			r.Metrics = append(r.Metrics, engine.Metric{
				Key: fmt.Sprintf("m%d", k), Value: crashValue(cw.id, k, s)})
		}
		buf = append(ingest.AppendRow(buf, r), '\n')
	}
	return string(buf)
}

// run sends batches until a request fails (the server died).
func (cw *crashWriter) run(p *proc) {
	path := fmt.Sprintf("/api/v1/projects/crash/runs/w%d/history", cw.id)
	for {
		status, _, err := p.request(crashAdminKey, "POST", path, "application/x-ndjson",
			cw.batch())
		if err != nil {
			return
		}
		if status != 200 {
			p.t.Errorf("POST %s = %d, want 200", path, status)
			return
		}
		cw.acked = append(cw.acked, cw.next)
		cw.next += crashBatch
	}
}

// TestCrash kills the server with SIGKILL at random moments while writers
// log, restarts it, and checks that every acknowledged point is stored
// with the same bits.
func TestCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the real binary; skipped with -short")
	}
	dir := t.TempDir()
	env := "SEXTANT_ADMIN_KEY=" + crashAdminKey
	writers := make([]*crashWriter, crashWriters)
	for i := range writers {
		writers[i] = &crashWriter{id: i}
	}

	p := startServe(t, dir, env)
	p.mustRequest(crashAdminKey, "POST", "/api/v1/projects", `{"name":"crash"}`, 201)
	for i := range writers {
		p.mustRequest(crashAdminKey, "POST", "/api/v1/projects/crash/runs",
			fmt.Sprintf(`{"id":"w%d"}`, i), 201)
	}
	for cycle := range crashCycles {
		if cycle > 0 {
			p = startServe(t, dir, env)
		}
		var wg sync.WaitGroup
		for _, w := range writers {
			wg.Go(func() { w.run(p) })
		}
		time.Sleep(time.Duration(100+rand.IntN(700)) * time.Millisecond)
		p.kill()
		wg.Wait()
	}

	total := 0
	for _, w := range writers {
		total += len(w.acked)
	}
	if total < crashCycles {
		t.Fatalf("only %d batches acknowledged over %d cycles; the test proves nothing",
			total, crashCycles)
	}
	t.Logf("%d batches of %d points acknowledged over %d kills", total,
		crashBatch*crashKeys, crashCycles)

	// Once through the server that recovered from the last kill, once
	// through the store after a clean stop.
	p = startServe(t, dir, env)
	for _, w := range writers {
		checkSeriesHTTP(t, p, w)
	}
	if err := p.stop(); err != nil {
		t.Fatalf("SIGTERM after the crash cycles: %v\n%s", err, p.logText())
	}
	checkAcked(t, filepath.Join(dir, "db"), writers)
}

// checkSeriesHTTP reads a writer's history with GET .../history and
// compares every acknowledged point.
func checkSeriesHTTP(t *testing.T, p *proc, w *crashWriter) {
	keys := make([]string, crashKeys)
	for k := range keys {
		keys[k] = fmt.Sprintf("m%d", k)
	}
	path := fmt.Sprintf("/api/v1/projects/crash/runs/w%d/history?keys=%s", w.id,
		strings.Join(keys, ","))
	var hist struct {
		Steps   []int64          `json:"steps"`
		Columns map[string][]any `json:"columns"`
	}
	if err := json.Unmarshal([]byte(p.mustRequest(crashAdminKey, "GET", path, "", 200)),
		&hist); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	for k, key := range keys {
		stored := make(map[int64]float64, len(hist.Steps))
		for i, s := range hist.Steps {
			if v, ok := jsonNumber(hist.Columns[key][i]); ok {
				stored[s] = v
			}
		}
		checkSeries(t, w, k, stored)
	}
}

// jsonNumber reads a history value: a number, a non-finite name, or null.
func jsonNumber(v any) (float64, bool) {
	switch v := v.(type) {
	case float64:
		return v, true
	case string:
		f, err := strconv.ParseFloat(v, 64)
		return f, err == nil
	}
	return 0, false
}

// checkAcked opens the store of the dead server, sweeps the blocks the
// kills left unnamed, and compares every acknowledged point, bit for bit:
// the sweep must take nothing a summary names.
func checkAcked(t *testing.T, dbDir string, writers []*crashWriter) {
	db, err := engine.Open(engine.Options{Dir: dbDir, SweepAfter: -1})
	if err != nil {
		t.Fatalf("engine.Open(%s) after the last kill: %v", dbDir, err)
	}
	defer db.Close()
	swept, err := db.SweepOrphans()
	if err != nil {
		t.Fatalf("SweepOrphans after the kills: %v", err)
	}
	t.Logf("%d orphaned blocks swept", swept)
	for _, w := range writers {
		for k := range crashKeys {
			key := fmt.Sprintf("m%d", k)
			pts, err := db.Read("crash", fmt.Sprintf("w%d", w.id), key, 0, math.MaxInt64)
			if err != nil {
				t.Fatalf("Read(w%d, %s): %v", w.id, key, err)
			}
			stored := make(map[int64]float64, pts.Len())
			for i, s := range pts.Steps {
				stored[s] = pts.Values[i]
			}
			checkSeries(t, w, k, stored)
		}
	}
}

func checkSeries(t *testing.T, w *crashWriter, k int, stored map[int64]float64) {
	missing := 0
	for _, first := range w.acked {
		for s := first; s < first+crashBatch; s++ {
			want := crashValue(w.id, k, s)
			got, ok := stored[s]
			switch {
			case !ok:
				missing++
			case math.Float64bits(got) != math.Float64bits(want) &&
				!(math.IsNaN(got) && math.IsNaN(want)):
				t.Errorf("writer %d key m%d step %d = %v, want %v", w.id, k, s, got, want)
			}
		}
	}
	if missing > 0 {
		t.Errorf("writer %d key m%d: %d acknowledged points missing", w.id, k, missing)
	}
}
