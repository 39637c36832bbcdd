package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// demoOptions are the flags of "sextant demo".
type demoOptions struct {
	serve   serveOptions
	url     string // fill this running server instead of starting one
	key     string // API key for url
	project string
	runs    int
	steps   int
}

// runDemo starts a server and fills a project with a learning-rate sweep
// (see demo_data.go), or, with --url, fills a server that already runs.
// Filling is idempotent: runs that exist are left as they are, so a
// second start on the same data directory only serves.
func runDemo(ctx context.Context, args []string, log *slog.Logger) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	var o demoOptions
	fs.StringVar(&o.serve.dataDir, "data", "data", "directory of the store")
	fs.StringVar(&o.serve.addr, "addr", "127.0.0.1:8080", "address to listen on, HOST:PORT")
	fs.StringVar(&o.url, "url", "", "fill the server at this URL instead of starting one")
	fs.StringVar(&o.key, "key", "", "API key for --url (default: $SEXTANT_ADMIN_KEY)")
	fs.StringVar(&o.project, "project", "demo", "project to fill")
	fs.IntVar(&o.runs, "runs", 8, "runs in the sweep")
	fs.IntVar(&o.steps, "steps", 3000, "steps logged by each run")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if o.runs < 1 || o.steps < 10 {
		return errors.New("--runs must be at least 1 and --steps at least 10")
	}
	if o.url != "" {
		return fillRemote(ctx, o)
	}
	return serveDemo(ctx, o, log)
}

// fillRemote fills the server at o.url and returns.
func fillRemote(ctx context.Context, o demoOptions) error {
	key := o.key
	if key == "" {
		key = os.Getenv("SEXTANT_ADMIN_KEY")
	}
	if key == "" {
		return errors.New("--url needs an API key: --key or SEXTANT_ADMIN_KEY")
	}
	d := newDemoClient(strings.TrimRight(o.url, "/"), key)
	if err := d.fill(ctx, o.project, o.runs, o.steps); err != nil {
		return err
	}
	fmt.Printf("filled project %q: open %s/p/%s\n", o.project, d.base, o.project)
	return nil
}

// serveDemo runs the server as "sextant serve" does, fills the project
// once it answers, and keeps one run logging until the server stops, so
// that the charts' live updates can be watched.
func serveDemo(ctx context.Context, o demoOptions, log *slog.Logger) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	served := make(chan error, 1)
	go func() { served <- serve(ctx, o.serve, log) }()

	base := "http://" + o.serve.addr
	if err := waitHealthy(ctx, base, served); err != nil {
		return err
	}
	key, err := demoKey(o.serve.dataDir)
	if err != nil {
		cancel()
		return errors.Join(err, <-served)
	}
	d := newDemoClient(base, key)
	if err := d.fill(ctx, o.project, o.runs, o.steps); err != nil {
		cancel()
		return errors.Join(fmt.Errorf("fill demo project: %w", err), <-served)
	}
	fmt.Printf("\nSextant demo is ready: open %s/p/%s\n", base, o.project)
	fmt.Printf("Sign in with the admin API key: %s\n", keyHint(o.serve.dataDir))
	fmt.Printf("One run keeps logging while this runs; stop with Ctrl+C.\n\n")
	go d.keepLogging(ctx, o.project, o.steps)
	return <-served
}

// waitHealthy polls /healthz until the server answers, it fails, or ctx ends.
func waitHealthy(ctx context.Context, base string, served <-chan error) error {
	for i := 0; i < 200; i++ {
		res, err := http.Get(base + "/healthz")
		if err == nil {
			_ = res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case err := <-served:
			return fmt.Errorf("server stopped before it answered: %w", err)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
	return errors.New("server did not answer /healthz within 10 s")
}

// demoKey is the admin key: SEXTANT_ADMIN_KEY, else the one the first
// start wrote to DIR/admin.key.
func demoKey(dir string) (string, error) {
	if k := os.Getenv("SEXTANT_ADMIN_KEY"); k != "" {
		return k, nil
	}
	b, err := os.ReadFile(filepath.Join(dir, "admin.key"))
	if err != nil {
		return "", fmt.Errorf("read admin key (or set SEXTANT_ADMIN_KEY): %w", err)
	}
	return strings.TrimSpace(string(b)), nil
}

func keyHint(dir string) string {
	if os.Getenv("SEXTANT_ADMIN_KEY") != "" {
		return "the value of $SEXTANT_ADMIN_KEY"
	}
	return "the one in " + filepath.Join(dir, "admin.key")
}
