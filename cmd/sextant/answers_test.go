package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestServeAnswerCacheRestart checks, through the real binary, that a
// chart answered before a clean stop is served from the saved cache after
// the restart, that a write after it changes the answer, and that a kill
// leaves no saved cache to serve.
func TestServeAnswerCacheRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the real binary; skipped with -short")
	}
	dir := t.TempDir()
	saved := filepath.Join(dir, "cache", "answers")
	const key = "answers-admin-key"
	env := "SEXTANT_ADMIN_KEY=" + key
	p := startServe(t, dir, env)
	p.mustRequest(key, "POST", "/api/v1/projects", `{"name":"p"}`, 201)
	p.mustRequest(key, "POST", "/api/v1/projects/p/runs", `{"id":"r"}`, 201)
	var rows strings.Builder
	for i := range 100 {
		fmt.Fprintf(&rows, `{"_step":%d,"loss":%d}`+"\n", i, 1000-i)
	}
	postHistory(t, p, key, rows.String())
	const chart = `{"runs":["r"],"keys":["loss"],"width":40}`
	before := p.mustRequest(key, "POST", "/api/v1/projects/p/charts", chart, 200)
	if err := p.stop(); err != nil {
		t.Fatalf("SIGTERM: exit %v\n%s", err, p.logText())
	}
	if _, err := os.Stat(filepath.Join(saved, "stamp")); err != nil {
		t.Fatalf("no saved answer cache after a clean stop: %v\n%s", err, p.logText())
	}

	p = startServe(t, dir, env)
	if _, err := os.Stat(saved); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the saved cache is still there once loaded (stat: %v)", err)
	}
	got := p.mustRequest(key, "POST", "/api/v1/projects/p/charts", chart, 200)
	if got != before {
		t.Errorf("first chart after the restart:\n%s\nwant %s", got, before)
	}
	if hits, misses := chartCache(t, p, key); hits != 1 || misses != 0 {
		t.Errorf("first chart after the restart: %d hits, %d misses; want 1, 0", hits, misses)
	}
	// Step 50 rewritten: same last step, same extremes, a new value.
	postHistory(t, p, key, `{"_step":50,"loss":999.5}`+"\n")
	rewritten := p.mustRequest(key, "POST", "/api/v1/projects/p/charts", chart, 200)
	if rewritten == before || !strings.Contains(rewritten, "999.5") {
		t.Errorf("chart after a rewrite following the restart:\n%s\nwant 999.5 in it",
			rewritten)
	}
	if hits, misses := chartCache(t, p, key); hits != 1 || misses != 1 {
		t.Errorf("after the rewrite: %d hits, %d misses; want 1, 1", hits, misses)
	}

	p.kill()
	if _, err := os.Stat(saved); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a saved cache is there after a kill (stat: %v)", err)
	}
	p = startServe(t, dir, env)
	defer p.kill()
	got = p.mustRequest(key, "POST", "/api/v1/projects/p/charts", chart, 200)
	if got != rewritten {
		t.Errorf("chart after a kill and restart:\n%s\nwant %s", got, rewritten)
	}
	if hits, _ := chartCache(t, p, key); hits != 0 {
		t.Errorf("after a kill and restart: %d cache hits, want 0", hits)
	}
}

func postHistory(t *testing.T, p *proc, key, rows string) {
	t.Helper()
	status, body, err := p.request(key, "POST", "/api/v1/projects/p/runs/r/history",
		"application/x-ndjson", rows)
	if err != nil || status != 200 {
		t.Fatalf("POST history = %d %s (%v), want 200", status, body, err)
	}
}

var chartCacheRE = regexp.MustCompile(`(?m)^sextant_chart_cache_(hits|misses)_total (\S+)$`)

// chartCache reads the chart cache's hits and misses from /metrics.
func chartCache(t *testing.T, p *proc, key string) (hits, misses int) {
	t.Helper()
	body := p.mustRequest(key, "GET", "/metrics", "", 200)
	found := 0
	for _, m := range chartCacheRE.FindAllStringSubmatch(body, -1) {
		n, err := strconv.Atoi(m[2])
		if err != nil {
			t.Fatalf("/metrics: %s: %v", m[0], err)
		}
		if m[1] == "hits" {
			hits = n
		} else {
			misses = n
		}
		found++
	}
	if found != 2 {
		t.Fatalf("/metrics has %d chart cache counters, want 2:\n%s", found, body)
	}
	return hits, misses
}

// TestServeAnswerCacheCorrupt checks that a damaged saved cache is dropped
// with a warning and never keeps the server from starting.
func TestServeAnswerCacheCorrupt(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the real binary; skipped with -short")
	}
	dir := t.TempDir()
	saved := filepath.Join(dir, "cache", "answers")
	if err := os.MkdirAll(filepath.Join(saved, "fastcache"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(saved, "stamp"), []byte("garbage"), 0o644); err != nil {
		t.Fatal(err)
	}
	p := startServe(t, dir, "SEXTANT_ADMIN_KEY=k")
	defer p.kill()
	p.mustRequest("k", "GET", "/api/v1/me", "", 200)
	if !strings.Contains(p.logText(), "answer cache dropped") {
		t.Errorf("no warning about the damaged cache in the log:\n%s", p.logText())
	}
	if _, err := os.Stat(saved); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the damaged cache is still there (stat: %v)", err)
	}
}
