package client_test

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/sextant-ml/sextant/client"
	"github.com/sextant-ml/sextant/engine"
	"github.com/sextant-ml/sextant/server"
)

// liveServer is the real HTTP API over an in-memory engine, on a fixed
// address, which can be stopped and started again over the same engine.
type liveServer struct {
	t    *testing.T
	db   *engine.DB
	addr string
	http *http.Server
}

const liveKey = "live-admin-key"

func newLiveServer(t *testing.T) *liveServer {
	db, err := engine.Open(engine.Options{InMemory: true})
	if err != nil {
		t.Fatalf("engine.Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	l := &liveServer{t: t, db: db, addr: "127.0.0.1:0"}
	l.start()
	t.Cleanup(l.stop)
	return l
}

func (l *liveServer) url() string { return "http://" + l.addr }

func (l *liveServer) start() {
	srv, err := server.New(l.db, server.Config{}, slog.New(slog.DiscardHandler))
	if err != nil {
		l.t.Fatalf("server.New: %v", err)
	}
	if _, err := srv.Access().EnsureAdmin(liveKey); err != nil {
		l.t.Fatalf("EnsureAdmin: %v", err)
	}
	ln, err := net.Listen("tcp", l.addr)
	if err != nil {
		l.t.Fatalf("listen %s: %v", l.addr, err)
	}
	l.addr = ln.Addr().String()
	l.http = &http.Server{Handler: srv.Handler()}
	go func() { _ = l.http.Serve(ln) }()
}

// stop drops the listener and every connection at once, as a crash would.
func (l *liveServer) stop() { _ = l.http.Close() }

func TestRunAgainstRealServerThroughOutage(t *testing.T) {
	live := newLiveServer(t)
	ctx := context.Background()
	run, err := client.Init(ctx, client.Options{
		URL: live.url(), Key: liveKey, Project: "live",
		RunSpec:  client.RunSpec{Name: "outage", Config: map[string]any{"lr": 0.1}},
		SpoolDir: t.TempDir(), Interval: 10 * time.Millisecond, MaxBackoff: 50 * time.Millisecond,
	})
	if err != nil {
		t.Fatalf("Init: %v", err)
	}
	const total = 3000
	for step := range total {
		if step == total/3 {
			live.stop()
			time.Sleep(100 * time.Millisecond) // the sender fails and backs off
		}
		if step == 2*total/3 {
			live.start()
		}
		if err := run.Log(map[string]float64{"loss": float64(step) / 7}); err != nil {
			t.Fatalf("Log(step %d): %v", step, err)
		}
		if step%100 == 0 {
			time.Sleep(5 * time.Millisecond) // let batches go out, and fail
		}
	}
	if err := run.Finish(ctx, "finished"); err != nil {
		t.Fatalf("Finish: %v", err)
	}

	points, err := live.db.Read("live", run.ID(), "loss", 0, total)
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	if points.Len() != total {
		t.Fatalf("points stored = %d, want %d", points.Len(), total)
	}
	for i, step := range points.Steps {
		if step != int64(i) || points.Values[i] != float64(i)/7 {
			t.Fatalf("point %d = (%d, %v), want (%d, %v)", i, step, points.Values[i], i,
				float64(i)/7)
		}
	}
	got, err := live.db.Run("live", run.ID())
	if err != nil || got.State != "finished" || got.Config["lr"] != 0.1 {
		t.Errorf("run after Finish = %+v, %v; want finished with config lr 0.1", got, err)
	}
}

func TestInitRefusedKey(t *testing.T) {
	live := newLiveServer(t)
	_, err := client.Init(context.Background(), client.Options{
		URL: live.url(), Key: "wrong", Project: "live", SpoolDir: t.TempDir(),
	})
	var apiErr *client.APIError
	if !errors.As(err, &apiErr) || apiErr.Status != http.StatusUnauthorized {
		t.Errorf("Init with a wrong key = %v, want a 401 APIError", err)
	}
}
