package main

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/sextant-ml/sextant/engine"
)

func TestServeAdminKeyFile(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the real binary; skipped with -short")
	}
	dir := t.TempDir()
	p := startServe(t, dir, "SEXTANT_ADMIN_KEY=")
	b, err := os.ReadFile(filepath.Join(dir, "admin.key"))
	if err != nil {
		t.Fatalf("read admin.key after first start: %v", err)
	}
	key := strings.TrimSpace(string(b))
	info, _ := os.Stat(filepath.Join(dir, "admin.key"))
	if info.Mode().Perm() != 0o600 {
		t.Errorf("admin.key mode = %v, want 0600", info.Mode().Perm())
	}
	if !p.stdoutContains(key) {
		t.Errorf("first start printed %q, want the key %q", p.stdout.String(), key)
	}
	p.mustRequest(key, "GET", "/api/v1/me", "", 200)
	if err := p.stop(); err != nil {
		t.Fatalf("SIGTERM: exit %v\n%s", err, p.logText())
	}

	p = startServe(t, dir, "SEXTANT_ADMIN_KEY=")
	defer p.kill()
	if strings.Contains(p.stdout.String(), key) {
		t.Errorf("second start printed the key again: %q", p.stdout.String())
	}
	p.mustRequest(key, "GET", "/api/v1/me", "", 200)
}

func TestServeEnvKeyAndCleanShutdown(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the real binary; skipped with -short")
	}
	dir := t.TempDir()
	const key = "env-admin-key"
	p := startServe(t, dir, "SEXTANT_ADMIN_KEY="+key)
	if _, err := os.Stat(filepath.Join(dir, "admin.key")); !os.IsNotExist(err) {
		t.Errorf("admin.key exists with SEXTANT_ADMIN_KEY set (stat: %v)", err)
	}
	p.mustRequest(key, "POST", "/api/v1/projects", `{"name":"p"}`, 201)
	p.mustRequest(key, "POST", "/api/v1/projects/p/runs", `{"id":"r"}`, 201)

	// A request in flight when SIGTERM arrives still completes.
	pr, pw := io.Pipe()
	req, _ := http.NewRequest("POST", p.addr+"/api/v1/projects/p/runs/r/history", pr)
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/x-ndjson")
	answer := make(chan int, 1)
	go func() {
		res, err := httpClient.Do(req)
		if err != nil {
			answer <- 0
			return
		}
		res.Body.Close()
		answer <- res.StatusCode
	}()
	io.WriteString(pw, `{"_step":0,"loss":1.5}`+"\n")
	time.Sleep(200 * time.Millisecond)
	stopped := make(chan error, 1)
	go func() { stopped <- p.stop() }()
	time.Sleep(200 * time.Millisecond)
	io.WriteString(pw, `{"_step":1,"loss":NaN}`+"\n")
	pw.Close()
	if status := <-answer; status != 200 {
		t.Errorf("history request in flight at SIGTERM = %d, want 200", status)
	}
	if err := <-stopped; err != nil {
		t.Fatalf("SIGTERM: exit %v\n%s", err, p.logText())
	}
	for _, event := range []string{"shutting down", "requests drained", "store closed"} {
		if !strings.Contains(p.logText(), "msg=\""+event+"\"") {
			t.Errorf("log lacks %q:\n%s", event, p.logText())
		}
	}

	p = startServe(t, dir, "SEXTANT_ADMIN_KEY="+key)
	defer p.kill()
	run := p.mustRequest(key, "GET", "/api/v1/projects/p/runs/r", "", 200)
	if !strings.Contains(run, `"loss":{"last":"NaN","step":1`) {
		t.Errorf("run after restart = %s, want loss summary with last NaN at step 1", run)
	}
}

func TestSetMemoryLimit(t *testing.T) {
	old := debug.SetMemoryLimit(-1)
	defer debug.SetMemoryLimit(old)
	tests := []struct {
		name    string
		env     string
		cacheMB int
		want    int64
		ok      bool
	}{
		{"default cache", "", 0, engine.DefaultCacheBytes + memoryHeadroom, true},
		{"cache flag", "", 100, 100<<20 + memoryHeadroom, true},
		{"GOMEMLIMIT wins", "1GiB", 100, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("GOMEMLIMIT", tt.env)
			debug.SetMemoryLimit(old)
			got, ok := setMemoryLimit(tt.cacheMB)
			if got != tt.want || ok != tt.ok {
				t.Fatalf("setMemoryLimit(%d) = %d, %v; want %d, %v",
					tt.cacheMB, got, ok, tt.want, tt.ok)
			}
			if now := debug.SetMemoryLimit(-1); tt.ok && now != tt.want || !tt.ok && now != old {
				t.Fatalf("runtime limit %d", now)
			}
		})
	}
}
