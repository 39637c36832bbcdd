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
	p := startWithRun(t, dir, key)
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

// startWithRun starts the server on dir with admin key key, and creates
// project p and its run r.
func startWithRun(t *testing.T, dir, key string) *proc {
	t.Helper()
	p := startServe(t, dir, "SEXTANT_ADMIN_KEY="+key)
	p.mustRequest(key, "POST", "/api/v1/projects", `{"name":"p"}`, 201)
	p.mustRequest(key, "POST", "/api/v1/projects/p/runs", `{"id":"r"}`, 201)
	return p
}

func postHistory(t *testing.T, p *proc, key, rows string) {
	t.Helper()
	status, body, err := p.request(key, "POST", "/api/v1/projects/p/runs/r/history",
		"application/x-ndjson", rows)
	if err != nil || status != 200 {
		t.Fatalf("POST history = %d %s (%v), want 200", status, body, err)
	}
}

var (
	chartCacheRE  = regexp.MustCompile(`(?m)^sextant_chart_cache_(hits|misses)_total (\S+)$`)
	engineCacheRE = regexp.MustCompile(`(?m)^sextant_engine_cache_(hits|misses)_total (\S+)$`)
)

// chartCache reads the chart answer cache's hits and misses from /metrics.
func chartCache(t *testing.T, p *proc, key string) (hits, misses int) {
	t.Helper()
	return hitsAndMisses(t, p, key, chartCacheRE)
}

// engineCache reads the block cache's hits and misses from /metrics.
func engineCache(t *testing.T, p *proc, key string) (hits, misses int) {
	t.Helper()
	return hitsAndMisses(t, p, key, engineCacheRE)
}

// hitsAndMisses reads the two counters re matches in /metrics, whose
// first group is "hits" or "misses" and second the value.
func hitsAndMisses(t *testing.T, p *proc, key string, re *regexp.Regexp) (hits, misses int) {
	t.Helper()
	body := p.mustRequest(key, "GET", "/metrics", "", 200)
	found := re.FindAllStringSubmatch(body, -1)
	if len(found) != 2 {
		t.Fatalf("/metrics has %d counters matching %s, want 2:\n%s", len(found), re, body)
	}
	for _, m := range found {
		n, err := strconv.Atoi(m[2])
		if err != nil {
			t.Fatalf("/metrics: %s: %v", m[0], err)
		}
		if m[1] == "hits" {
			hits = n
		} else {
			misses = n
		}
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

// TestServeBlockCacheRestart checks, through the real binary, that the
// blocks a server sealed are saved at a clean stop and drawn from after
// the restart without decoding, that the answer is the one decoding
// draws, and that a damaged file is dropped with a warning.
func TestServeBlockCacheRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the real binary; skipped with -short")
	}
	dir := t.TempDir()
	saved := filepath.Join(dir, "cache", "blocks")
	const key = "blocks-admin-key"
	env := "SEXTANT_ADMIN_KEY=" + key
	p := startWithRun(t, dir, key)
	var rows strings.Builder
	for i := range 5000 {
		fmt.Fprintf(&rows, `{"_step":%d,"loss":%g}`+"\n", i, 1/float64(i+1))
	}
	postHistory(t, p, key, rows.String())
	// The stop seals the points into blocks, which the seal put in the
	// block cache, and saves it.
	if err := p.stop(); err != nil {
		t.Fatalf("SIGTERM: exit %v\n%s", err, p.logText())
	}
	if fi, err := os.Stat(saved); err != nil || fi.Size() < 5000*8 {
		t.Fatalf("saved block cache after a clean stop: %v, %v\n%s", fi, err, p.logText())
	}

	// Each start asks a width no start asked before, so that the answer is
	// drawn from the blocks, not from the saved answers.
	chart := func(width int) string {
		return fmt.Sprintf(`{"runs":["r"],"keys":["loss"],"width":%d}`, width)
	}
	for i, width := range []int{333, 334} {
		p = startServe(t, dir, env)
		if !strings.Contains(p.logText(), "block cache loaded") {
			t.Errorf("start %d: no \"block cache loaded\" in the log:\n%s", i+1, p.logText())
		}
		p.mustRequest(key, "POST", "/api/v1/projects/p/charts", chart(width), 200)
		if hits, misses := engineCache(t, p, key); hits == 0 || misses != 0 {
			t.Errorf("chart after start %d: %d block cache hits, %d misses; want some, 0",
				i+1, hits, misses)
		}
		if err := p.stop(); err != nil {
			t.Fatalf("SIGTERM: exit %v\n%s", err, p.logText())
		}
	}

	p = startServe(t, dir, env)
	other := p.mustRequest(key, "POST", "/api/v1/projects/p/charts", chart(333), 200)
	got := p.mustRequest(key, "POST", "/api/v1/projects/p/charts", chart(335), 200)
	if got == other {
		t.Fatalf("widths 333 and 335 gave the same answer; the test proves nothing")
	}
	// A kill saves nothing: the file saved at the last clean stop stays.
	p.kill()

	b, err := os.ReadFile(saved)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 0xff
	if err := os.WriteFile(saved, b, 0o644); err != nil {
		t.Fatal(err)
	}
	p = startServe(t, dir, env)
	defer p.kill()
	if !strings.Contains(p.logText(), "block cache dropped") {
		t.Errorf("no warning about the damaged block cache in the log:\n%s", p.logText())
	}
	// The chart drawn from the saved blocks is the one decoding draws.
	again := p.mustRequest(key, "POST", "/api/v1/projects/p/charts", chart(335), 200)
	if again != got {
		t.Errorf("chart at width 335 decoded:\n%s\nwant, as drawn from the saved blocks, %s",
			again, got)
	}
	if _, misses := engineCache(t, p, key); misses == 0 {
		t.Errorf("with the damaged cache dropped, the chart decoded no block")
	}
}
