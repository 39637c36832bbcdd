package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sextant-ml/sextant/bench/harness"
)

// TestMain lets the test binary serve a store when the benchmark starts it
// as its server, as the real program does.
func TestMain(m *testing.M) {
	if len(os.Args) == 3 && os.Args[1] == childFlag {
		if err := serveChild(os.Args[2]); err != nil {
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestRunSmall runs every phase at a tiny size and checks that the results
// name each store and target.
func TestRunSmall(t *testing.T) {
	out := filepath.Join(t.TempDir(), "results.md")
	c := config{phases: "ingest,http,chart,runs", workDir: t.TempDir(), out: out, peers: true,
		ingestRuns: 2, ingestRows: 300, keys: 3, batchRows: 100, writers: 2, peerRows: 300,
		httpRuns: 2, httpRows: 300, httpClients: 2,
		chartRuns: 3, chartPoints: 2000, queries: 5, width: 100, restarts: 2, budget: time.Second,
		tableRuns: 2000}
	err := run(c)
	var se *harness.StatusError
	if errors.As(err, &se) && se.Status == 404 {
		t.Skipf("chart endpoint missing: %v", err)
	}
	if err != nil {
		t.Fatalf("run(small) = %v", err)
	}
	md, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Sextant engine", "Prometheus TSDB", "SQLite, MLflow schema",
		"points/s over HTTP", "full range, warm", "Target",
		"config and summary filter, sorted by a summary"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("results lack %q:\n%s", want, md)
		}
	}
}
