package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"syscall"
	"time"

	"github.com/sextant-ml/sextant/engine"
	"github.com/sextant-ml/sextant/server"

	"github.com/sextant-ml/sextant/bench/harness"
)

// serverProfileEnv names a file for CPU profiles of the server child: each
// start writes its own, the name followed by a dot and the child's process
// id, when it stops.
const serverProfileEnv = "SEXTANT_BENCH_SERVER_PROFILE"

// serveChild runs Sextant's server as `sextant serve` does, in this process,
// which the benchmark started as its child so that the server's memory is
// its own and a restart is a real one. It stores under dir/db, takes the
// admin key from SEXTANT_ADMIN_KEY, listens on a free loopback port, prints
// the address on stdout, and serves until SIGTERM; then it drains and closes
// the store as `sextant serve` does. Like it, it loads the block cache
// saved in dir/cache/blocks and the chart answer cache saved under
// dir/cache/answers at start, and saves both after a clean close.
func serveChild(dir string) error {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	if path := os.Getenv(serverProfileEnv); path != "" {
		f, err := os.Create(fmt.Sprintf("%s.%d", path, os.Getpid()))
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

	db, err := engine.Open(engine.Options{Dir: filepath.Join(dir, "db")})
	if err != nil {
		return fmt.Errorf("open store: %w", err)
	}
	// A missing or unusable saved block cache is dropped, as `sextant
	// serve` does.
	blocks := filepath.Join(dir, "cache", "blocks")
	_, _ = db.LoadCache(blocks)
	log := slog.New(slog.DiscardHandler)
	srv, err := server.New(db, server.Config{IngestRate: -1}, log)
	if err == nil {
		_, err = srv.Access().EnsureAdmin(os.Getenv("SEXTANT_ADMIN_KEY"))
	}
	answers := filepath.Join(dir, "cache", "answers")
	if err == nil {
		// An unusable saved cache is dropped, as `sextant serve` does.
		_, _ = srv.LoadAnswers(answers)
	}
	var ln net.Listener
	if err == nil {
		ln, err = net.Listen("tcp", "127.0.0.1:0")
	}
	if err != nil {
		return errors.Join(err, db.Close())
	}

	mux := http.NewServeMux()
	mux.HandleFunc(harness.MemPath, serveMem)
	mux.Handle("/", srv.Handler())
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go hs.Serve(ln) //nolint:errcheck // ends with Shutdown below
	fmt.Printf("listening %s\n", ln.Addr())

	<-ctx.Done()
	srv.Drain()
	sctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err = errors.Join(hs.Shutdown(sctx), db.Close())
	if err == nil {
		// As `sextant serve` does, a block cache that fails to save does not
		// keep the answers from being saved; the bench still reports it.
		_, berr := db.SaveCache(blocks)
		err = errors.Join(berr, srv.SaveAnswers(answers))
	}
	return err
}

// serveMem answers the process's memory figures.
func serveMem(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Get("gc") != "" {
		runtime.GC()
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	m := harness.Mem{HeapInuse: ms.HeapInuse, HeapAlloc: ms.HeapAlloc, Sys: ms.Sys}
	m.RSS, m.PeakRSS = harness.ProcMem(os.Getpid())
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(m) //nolint:errcheck // the client sees a short body
}
