package main

import (
	"fmt"
	"os"

	"github.com/sextant-ml/sextant/bench/harness"
	"github.com/sextant-ml/sextant/bench/stores"
)

// startServer starts Sextant's server as a child process on dir.
func startServer(dir string) (*harness.Server, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	return harness.StartServer("", childFlag, dir)
}

// httpPhase sends NDJSON history requests from several clients to a fresh
// server and measures acknowledged points per second.
func httpPhase(c config, r *report) error {
	dir, err := os.MkdirTemp(c.workDir, "http-")
	if err != nil {
		return err
	}
	defer func() { _ = os.RemoveAll(dir) }() // a temporary directory
	srv, err := startServer(dir)
	if err != nil {
		return err
	}
	defer srv.Stop() //nolint:errcheck // a second Stop after the one below fails harmlessly

	ids, runs := syntheticRuns("http", c.httpRuns, c.httpRows, c.keys, c.batchRows)
	client := srv.NewClient(c.httpClients)
	if err := harness.CreateRuns(client, stores.Project, ids); err != nil {
		return err
	}
	plan := harness.EncodePlan(harness.Plan(runs, c.httpClients))
	progress("http: %d clients, %d points", c.httpClients, c.httpRuns*c.httpRows*c.keys)
	cpu := srv.CPU()
	res, err := harness.HTTPIngest(client, stores.Project, plan)
	if err != nil {
		return err
	}
	if cpu > 0 {
		cpu = srv.CPU() - cpu
	}
	mem, _ := srv.Mem(client, false)
	stop, err := srv.Stop()
	if err != nil {
		return err
	}

	r.add(table{
		title: fmt.Sprintf("Ingest over HTTP: %d clients, NDJSON batches of %d rows × %d keys",
			c.httpClients, c.batchRows, c.keys),
		header: []string{"points", "requests", "MB sent", "points/s", "server CPU ns/point",
			"server peak RSS", "shutdown"},
		rows: [][]string{{fmt.Sprint(res.Points), fmt.Sprint(res.Requests),
			fmt.Sprintf("%.0f", float64(res.Bytes)/1e6), rate(res.Rate()),
			nsPerPoint(cpu, res.Points), mib(mem.PeakRSS), stop.Round(1e6).String()}},
		notes: []string{fmt.Sprintf("Target ≥ %s points/s over HTTP: %s. Server in its own "+
			"process on loopback, per-project ingest limit off, bodies encoded before the "+
			"clock starts. Server CPU: the server process's user and system time while the "+
			"requests were answered (10 ms ticks of /proc), per point.",
			rate(targetHTTPRate), met(res.Rate() >= targetHTTPRate))},
	})
	return nil
}

func mib(b uint64) string { return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20)) }
