package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"testing"
	"time"
)

func testOptions(t *testing.T, url, id string) Options {
	return Options{
		URL: url, Project: "p", RunSpec: RunSpec{ID: id},
		SpoolDir: t.TempDir(), Interval: 10 * time.Millisecond,
		MaxBackoff: 50 * time.Millisecond,
	}
}

func TestRunLogsEveryStep(t *testing.T) {
	srv := newFakeServer(t)
	ctx := context.Background()
	run, err := Init(ctx, testOptions(t, srv.URL, "r1"))
	if err != nil {
		t.Fatalf("Init: %v", err)
	}
	for i := range 2500 {
		if err := run.Log(map[string]float64{"loss": float64(i), "nan": math.NaN()}); err != nil {
			t.Fatalf("Log(step %d): %v", i, err)
		}
	}
	if err := run.LogStep(5000, map[string]float64{"loss": -1}); err != nil {
		t.Fatalf("LogStep(5000): %v", err)
	}
	run.Log(map[string]float64{"loss": -2})
	if err := run.Finish(ctx, "finished"); err != nil {
		t.Fatalf("Finish: %v", err)
	}

	got := srv.run("r1")
	if got.State != "finished" {
		t.Errorf("state after Finish = %q, want finished", got.State)
	}
	if n := len(got.Points["loss"]); n != 2502 {
		t.Errorf("loss points = %d, want 2502", n)
	}
	for step, want := range map[int64]string{0: "0", 2499: "2499", 5000: "-1", 5001: "-2"} {
		if v := fmt.Sprint(got.Points["loss"][step]); v != want {
			t.Errorf("loss at step %d = %s, want %s", step, v, want)
		}
	}
	if v := got.Points["nan"][10]; v != "NaN" {
		t.Errorf("nan at step 10 = %v, want the string NaN", v)
	}
}

func TestRunSurvivesServerOutage(t *testing.T) {
	srv := newFakeServer(t)
	ctx := context.Background()
	run, err := Init(ctx, testOptions(t, srv.URL, "r2"))
	if err != nil {
		t.Fatalf("Init: %v", err)
	}
	for i := range 300 {
		if i == 100 {
			srv.setDown(true)
		}
		if i == 200 {
			time.Sleep(100 * time.Millisecond) // several failed retries
			srv.setDown(false)
		}
		run.Log(map[string]float64{"x": float64(i)})
		time.Sleep(time.Millisecond)
	}
	if err := run.Finish(ctx, "finished"); err != nil {
		t.Fatalf("Finish: %v", err)
	}
	if n := len(srv.run("r2").Points["x"]); n != 300 {
		t.Errorf("points after an outage = %d, want 300", n)
	}
}

func TestRunSpoolOutlivesProcess(t *testing.T) {
	srv := newFakeServer(t)
	srv.setDown(true)
	opts := testOptions(t, srv.URL, "r3")

	run, err := Init(context.Background(), opts)
	if err != nil {
		t.Fatalf("Init with the server down: %v", err)
	}
	for i := range 50 {
		run.LogStep(int64(i), map[string]float64{"x": float64(i)})
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	err = run.Finish(ctx, "finished")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Finish with the server down = %v, want a deadline error", err)
	}
	path, _ := spoolPath(opts.SpoolDir, "p", "r3")
	if info, err := os.Stat(path); err != nil || info.Size() == 0 {
		t.Fatalf("spool %s after a failed Finish: %v, want it kept", path, err)
	}

	srv.setDown(false)
	again, err := Init(context.Background(), opts)
	if err != nil {
		t.Fatalf("second Init: %v", err)
	}
	if err := again.Finish(context.Background(), "finished"); err != nil {
		t.Fatalf("second Finish: %v", err)
	}
	if n := len(srv.run("r3").Points["x"]); n != 50 {
		t.Errorf("points sent from the spool = %d, want 50", n)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("spool after delivery: stat err %v, want it removed", err)
	}
}

func TestRunResumesAfterLastStep(t *testing.T) {
	srv := newFakeServer(t)
	ctx := context.Background()
	opts := testOptions(t, srv.URL, "r4")
	first, _ := Init(ctx, opts)
	first.LogStep(41, map[string]float64{"x": 1})
	first.Finish(ctx, "finished")

	second, err := Init(ctx, opts)
	if err != nil {
		t.Fatalf("Init of an existing run: %v", err)
	}
	second.SetConfig(map[string]any{"lr": 0.5})
	second.Log(map[string]float64{"x": 2})
	second.Finish(ctx, "failed")

	got := srv.run("r4")
	if v := fmt.Sprint(got.Points["x"][42]); v != "2" {
		t.Errorf("resumed Log landed at step 42 = %s, want 2 (points %v)", v, got.Points["x"])
	}
	if lr, _ := got.Config["lr"].(float64); lr != 0.5 || got.State != "failed" {
		b, _ := json.Marshal(got)
		t.Errorf("run after SetConfig and Finish(failed) = %s", b)
	}
}
