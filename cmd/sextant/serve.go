package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime/debug"
	"time"

	"github.com/sextant-ml/sextant/engine"
	"github.com/sextant-ml/sextant/server"
)

// shutdownGrace bounds how long in-flight requests may take to finish
// after SIGTERM before their connections are closed.
const shutdownGrace = 30 * time.Second

// serveOptions are the flags of "sextant serve".
type serveOptions struct {
	dataDir string
	addr    string
	cacheMB int // engine block cache in MiB; 0: engine.DefaultCacheBytes
	cfg     server.Config
}

func runServe(ctx context.Context, args []string, log *slog.Logger) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	var o serveOptions
	fs.StringVar(&o.dataDir, "data", "data", "directory of the store")
	fs.StringVar(&o.addr, "addr", "127.0.0.1:8080", "address to listen on, HOST:PORT")
	fs.Float64Var(&o.cfg.IngestRate, "ingest-rate", 0,
		"points per second each project may ingest (0: default, <0: no limit)")
	fs.Int64Var(&o.cfg.MaxBodyBytes, "max-body", 0, "bytes in a history request (0: default)")
	fs.IntVar(&o.cacheMB, "cache-mb", 0, fmt.Sprintf(
		"MiB of decoded blocks and summaries kept in memory for charts (0: default %d); "+
			"unless GOMEMLIMIT is set, the Go heap is held near this plus %d MiB",
		engine.DefaultCacheBytes>>20, memoryHeadroom>>20))
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if o.cacheMB < 0 {
		return fmt.Errorf("-cache-mb %d: want 0 or more", o.cacheMB)
	}
	return serve(ctx, o, log)
}

// serve runs the server until ctx is done, then drains it and closes the
// store, so that every acknowledged point is sealed on disk.
func serve(ctx context.Context, o serveOptions, log *slog.Logger) error {
	start := time.Now()
	if limit, ok := setMemoryLimit(o.cacheMB); ok {
		log.Info("memory limit set", "bytes", limit)
	}
	db, err := engine.Open(engine.Options{Dir: filepath.Join(o.dataDir, "db"),
		CacheBytes: o.cacheMB << 20})
	if err != nil {
		return fmt.Errorf("open store in %s: %w", o.dataDir, err)
	}
	st := db.Stats()
	log.Info("store opened", "dir", o.dataDir, "took", time.Since(start),
		"projects", st.Projects, "runs", st.Runs, "head_points", st.HeadPoints)
	blocks := filepath.Join(o.dataDir, "cache", "blocks")
	loadBlocks(db, blocks, log)

	srv, err := server.New(db, o.cfg, log)
	if err == nil {
		err = ensureAdmin(srv, o.dataDir, log)
	}
	answers := filepath.Join(o.dataDir, "cache", "answers")
	if err == nil {
		loadAnswers(srv, answers, log)
	}
	var ln net.Listener
	if err == nil {
		ln, err = net.Listen("tcp", o.addr)
	}
	if err != nil {
		return errors.Join(err, db.Close())
	}

	serveErr := run(ctx, srv, ln, log)
	closeStart := time.Now()
	if err := db.Close(); err != nil {
		return errors.Join(serveErr, fmt.Errorf("close store: %w", err))
	}
	log.Info("store closed", "took", time.Since(closeStart), "uptime", time.Since(start))
	saveStart := time.Now()
	switch n, err := db.SaveCache(blocks); {
	case err != nil:
		log.Warn("block cache not saved", "err", err)
	case n == 0:
		log.Info("block cache kept: nothing decoded since it was loaded", "file", blocks)
	default:
		log.Info("block cache saved", "file", blocks, "bytes", n, "took", time.Since(saveStart))
	}
	saveStart = time.Now()
	if err := srv.SaveAnswers(answers); err != nil {
		log.Warn("answer cache not saved", "err", err)
	} else {
		log.Info("answer cache saved", "dir", answers, "took", time.Since(saveStart))
	}
	return serveErr
}

// memoryHeadroom is what the soft memory limit allows the Go heap beyond
// the block cache: Badger's memtables and table cache, the heads, the
// answers being built and written.
const memoryHeadroom = 512 << 20

// setMemoryLimit sets the Go runtime's soft memory limit to the block
// cache's bytes plus memoryHeadroom, unless GOMEMLIMIT sets one, and
// returns it. The cache's values are long-lived, so with the default GOGC
// the heap would grow to twice them before a collection; the limit makes
// the collector run earlier instead once the heap nears it.
func setMemoryLimit(cacheMB int) (int64, bool) {
	if os.Getenv("GOMEMLIMIT") != "" {
		return 0, false
	}
	cache := int64(cacheMB) << 20
	if cache == 0 {
		cache = engine.DefaultCacheBytes
	}
	limit := cache + memoryHeadroom
	debug.SetMemoryLimit(limit)
	return limit, true
}

// loadBlocks fills the block cache with the decoded blocks saved at the
// last clean stop, so that the first charts after a restart need not
// decode them. A file that cannot be used is logged and left to be
// replaced at the next stop.
//
// TODO: the load checks every byte of the file before the server listens:
// about 0.1 s for a gigabyte in the page cache, but after a reboot the
// whole file is read from disk first. Loading beside the first requests
// would let the server answer meanwhile.
func loadBlocks(db *engine.DB, file string, log *slog.Logger) {
	start := time.Now()
	n, err := db.LoadCache(file)
	switch {
	case errors.Is(err, os.ErrNotExist):
	case err != nil:
		log.Warn("block cache dropped", "file", file, "err", err)
	default:
		log.Info("block cache loaded", "file", file, "entries", n, "took", time.Since(start))
	}
}

// loadAnswers fills the chart answer cache saved at the last clean stop.
// A cache that cannot be used is logged and dropped: the server starts
// with an empty one.
func loadAnswers(srv *server.Server, dir string, log *slog.Logger) {
	start := time.Now()
	n, err := srv.LoadAnswers(dir)
	if err != nil {
		log.Warn("answer cache dropped", "dir", dir, "err", err)
		return
	}
	if n > 0 {
		log.Info("answer cache loaded", "dir", dir, "bytes", n, "took", time.Since(start))
	}
}

// run serves on ln until ctx is done or serving fails, then lets requests
// in flight finish while new ones answer 503.
func run(ctx context.Context, srv *server.Server, ln net.Listener, log *slog.Logger) error {
	hs := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	log.Info("listening", "addr", ln.Addr().String())

	var serveErr error
	select {
	case <-ctx.Done():
	case serveErr = <-errc:
	}
	log.Info("shutting down", "reason", context.Cause(ctx))
	srv.Drain()
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	start := time.Now()
	if err := hs.Shutdown(sctx); err != nil {
		serveErr = errors.Join(serveErr, fmt.Errorf("drain requests: %w", err))
	}
	f := srv.Figures()
	log.Info("requests drained", "took", time.Since(start), "requests", f.Requests,
		"ingest_rows", f.IngestRows, "ingest_points", f.IngestPoints)
	if errors.Is(serveErr, http.ErrServerClosed) {
		return nil
	}
	return serveErr
}

// ensureAdmin creates the built-in admin on first start. Its key is
// SEXTANT_ADMIN_KEY when set; otherwise a generated key is written to
// DIR/admin.key (mode 0600) and printed once.
func ensureAdmin(srv *server.Server, dir string, log *slog.Logger) error {
	key, err := srv.Access().EnsureAdmin(os.Getenv("SEXTANT_ADMIN_KEY"))
	if err != nil || key == "" {
		return err
	}
	path := filepath.Join(dir, "admin.key")
	if err := os.WriteFile(path, []byte(key+"\n"), 0o600); err != nil {
		return fmt.Errorf("write admin key: %w", err)
	}
	fmt.Printf("admin api key: %s (saved in %s)\n", key, path)
	log.Info("admin key generated", "path", path)
	return nil
}
