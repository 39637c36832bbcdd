package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRestartAfterTornLog simulates what SIGKILL does to a write-ahead
// frame larger than a page: the kernel stops a write to a regular file
// between pages when a fatal signal is pending, so the last segment ends
// in a torn frame. The store must then start not only once but on every
// later start, after newer segments were created (docs/format/wal.md).
func TestRestartAfterTornLog(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the real binary; skipped with -short")
	}
	dir := t.TempDir()
	const key = "torn-admin-key"
	env := "SEXTANT_ADMIN_KEY=" + key
	p := startServe(t, dir, env)
	p.mustRequest(key, "POST", "/api/v1/projects", `{"name":"p"}`, 201)
	p.mustRequest(key, "POST", "/api/v1/projects/p/runs", `{"id":"r"}`, 201)
	if status, body, err := p.request(key, "POST", "/api/v1/projects/p/runs/r/history",
		"application/x-ndjson", `{"_step":0,"a":1.5}`+"\n"); err != nil || status != 200 {
		t.Fatalf("POST history = %d %s (%v), want 200", status, body, err)
	}
	p.kill()
	appendTornFrame(t, filepath.Join(dir, "db", "wal"))

	for start := 1; start <= 3; start++ {
		p = startServe(t, dir, env)
		run := p.mustRequest(key, "GET", "/api/v1/projects/p/runs/r", "", 200)
		p.kill()
		if want := `"a":{"last":1.5,"step":0`; !strings.Contains(run, want) {
			t.Fatalf("start %d after a torn frame: run = %s, want %s", start, run, want)
		}
	}
}

// appendTornFrame adds to the newest log segment a frame header that
// promises 4 KiB but is followed by 7 bytes only.
func appendTornFrame(t *testing.T, walDir string) {
	segs, err := filepath.Glob(filepath.Join(walDir, "*.wal"))
	if err != nil || len(segs) == 0 {
		t.Fatalf("no log segment in %s (%v)", walDir, err)
	}
	f, err := os.OpenFile(segs[len(segs)-1], os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	torn := []byte{0, 16, 0, 0, 1, 2, 3, 4, 't', 'o', 'r', 'n', '.', '.', '.'}
	if _, err := f.Write(torn); err != nil {
		t.Fatal(err)
	}
}
