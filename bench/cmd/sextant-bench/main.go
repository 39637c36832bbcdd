// Command sextant-bench measures Sextant and its peers in one run: ingest
// points per second through the engine and over HTTP, bytes per point on
// real training curves, and chart query latency and memory over HTTP. It
// prints a table and writes the same figures as Markdown.
//
// Usage (from bench/):
//
//	go run ./cmd/sextant-bench [flags]
//
// Sizes are flags, so that `make bench` finishes in minutes on a small
// machine while the full-size figures of docs/performance.md come from the
// same program with larger flags.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"time"
)

// childFlag, followed by a directory, makes the program serve that store
// instead of benchmarking: the benchmark starts itself so to run the server.
const childFlag = "-serve-child"

type config struct {
	phases  string
	workDir string
	data    string
	out     string
	peers   bool
	profile string

	// Ingest through the engine API.
	ingestRuns, ingestRows, keys, batchRows, writers int
	peerRows                                         int

	// Ingest over HTTP.
	server      string
	httpRuns    int
	httpRows    int
	httpClients int

	// Chart queries.
	chartRuns, chartPoints, queries int
	tableRuns                       int
	width, restarts                 int
	budget                          time.Duration
	dropCaches                      bool
}

func main() {
	if len(os.Args) == 3 && os.Args[1] == childFlag {
		if err := serveChild(os.Args[2]); err != nil {
			fmt.Fprintln(os.Stderr, "sextant-bench server:", err)
			os.Exit(1)
		}
		return
	}
	var c config
	flag.StringVar(&c.phases, "phases", "ingest,size,http,chart,runs",
		"phases to run, comma-separated")
	flag.StringVar(&c.workDir, "dir", "", "directory for the stores (default: a temporary one)")
	flag.StringVar(&c.data, "data", "", "real curves (default: $SEXTANT_DATA or ../shared/data "+
		"above the repository)")
	flag.StringVar(&c.out, "out", "bench-results.md", "Markdown file for the results")
	flag.BoolVar(&c.peers, "peers", true, "measure the peers beside Sextant")
	flag.StringVar(&c.profile, "cpuprofile", "", "write a CPU profile of this process "+
		"(not of the server child) to the file")
	flag.IntVar(&c.ingestRuns, "ingest-runs", 8, "runs written through the engine API")
	flag.IntVar(&c.ingestRows, "ingest-rows", 50_000, "rows per run through the engine API")
	flag.IntVar(&c.keys, "keys", 10, "metric keys per row")
	flag.IntVar(&c.batchRows, "batch", 1000, "rows per batch")
	flag.IntVar(&c.writers, "writers", 4, "concurrent writers")
	flag.IntVar(&c.peerRows, "peer-rows", 5000, "rows per run for the slow peers "+
		"(Badger, SQLite) (0: as -ingest-rows)")
	flag.StringVar(&c.server, "sextant", "", "the sextant binary for HTTP phases "+
		"(default: build ../cmd/sextant)")
	flag.IntVar(&c.httpRuns, "http-runs", 8, "runs written over HTTP")
	flag.IntVar(&c.httpRows, "http-rows", 25_000, "rows per run over HTTP")
	flag.IntVar(&c.httpClients, "http-clients", 4, "concurrent HTTP clients")
	flag.IntVar(&c.chartRuns, "runs", 100, "runs in the chart phase")
	flag.IntVar(&c.chartPoints, "points", 20_000, "points per run in the chart phase")
	flag.IntVar(&c.queries, "queries", 200, "chart queries per measurement")
	flag.IntVar(&c.width, "width", 1000, "chart width in pixels")
	flag.IntVar(&c.tableRuns, "table-runs", 100_000, "runs in the runs phase's project")
	flag.DurationVar(&c.budget, "query-budget", time.Minute, "time for each kind of "+
		"chart query (at least 5 queries)")
	flag.IntVar(&c.restarts, "restarts", 3, "server starts timed for the first query")
	flag.BoolVar(&c.dropCaches, "drop-caches", false, "drop Linux's page cache before "+
		"each start (needs root)")
	flag.Parse()

	if err := run(c); err != nil {
		fmt.Fprintln(os.Stderr, "sextant-bench:", err)
		os.Exit(1)
	}
}

func run(c config) error {
	if c.peerRows == 0 {
		c.peerRows = c.ingestRows
	}
	if c.workDir == "" {
		dir, err := os.MkdirTemp("", "sextant-bench-")
		if err != nil {
			return err
		}
		defer func() { _ = os.RemoveAll(dir) }() // a temporary directory
		c.workDir = dir
	}
	if c.profile != "" {
		f, err := os.Create(c.profile)
		if err != nil {
			return err
		}
		// A profile cut short by a failed close is no reason to fail the run.
		defer func() { _ = f.Close() }()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	r := &report{}
	r.header(c)
	for _, phase := range strings.Split(c.phases, ",") {
		start := time.Now()
		var err error
		switch strings.TrimSpace(phase) {
		case "ingest":
			err = ingestPhase(c, r)
		case "size":
			err = sizePhase(c, r)
		case "http":
			err = httpPhase(c, r)
		case "chart":
			err = chartPhase(c, r)
		case "runs":
			err = runsPhase(c, r)
		default:
			err = fmt.Errorf("unknown phase %q", phase)
		}
		if err != nil {
			return fmt.Errorf("phase %s: %w", phase, err)
		}
		fmt.Fprintf(os.Stderr, "phase %s done in %s\n", phase, time.Since(start).Round(time.Second))
	}
	return r.write(c.out)
}

// dataDir finds the real curves: the flag, then $SEXTANT_DATA, then
// ../shared/data/training-curves above the repository root (bench/..).
func dataDir(c config) string {
	for _, d := range []string{c.data, os.Getenv("SEXTANT_DATA")} {
		if d != "" {
			if fi, err := os.Stat(filepath.Join(d, "training-curves")); err == nil && fi.IsDir() {
				return filepath.Join(d, "training-curves")
			}
			return d
		}
	}
	for _, up := range []string{"../..", "../../.."} {
		d := filepath.Join(up, "shared", "data", "training-curves")
		if fi, err := os.Stat(d); err == nil && fi.IsDir() {
			return d
		}
	}
	return filepath.Join("..", "..", "shared", "data", "training-curves")
}

func machine() string {
	cpu := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(line, "model name") {
				cpu = strings.TrimSpace(line[strings.IndexByte(line, ':')+1:])
				break
			}
		}
	}
	return fmt.Sprintf("%s, %d cores, %s, %s/%s", cpu, runtime.NumCPU(), memTotal(),
		runtime.GOOS, runtime.Version())
}

func memTotal() string {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return "unknown memory"
	}
	var kb int64
	if _, err := fmt.Sscanf(string(b), "MemTotal: %d kB", &kb); err != nil {
		return "RAM unknown"
	}
	return fmt.Sprintf("%.0f GiB RAM", float64(kb)/(1<<20))
}
