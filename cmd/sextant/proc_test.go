package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// buildBinary builds the sextant command once per test binary.
var buildBinary = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "sextant-bin-")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "sextant")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %w\n%s", err, out)
	}
	return bin, nil
})

// proc is a running "sextant serve".
type proc struct {
	t      *testing.T
	cmd    *exec.Cmd
	addr   string // base URL
	stdout syncBuffer
	logMu  sync.Mutex
	log    bytes.Buffer
	done   chan error
}

var listenRE = regexp.MustCompile(`msg=listening addr=(\S+)`)

// startServe runs "sextant serve" on dir and a free port, with env added
// to the environment, and waits until it listens.
func startServe(t *testing.T, dir string, env ...string) *proc {
	t.Helper()
	return startServeArgs(t, dir, nil, env...)
}

// startServeArgs is startServe with more flags of "sextant serve".
func startServeArgs(t *testing.T, dir string, flags []string, env ...string) *proc {
	t.Helper()
	bin, err := buildBinary()
	if err != nil {
		t.Fatal(err)
	}
	p := &proc{t: t, done: make(chan error, 1)}
	args := append([]string{"serve", "--data", dir, "--addr", "127.0.0.1:0"}, flags...)
	p.cmd = exec.Command(bin, args...)
	p.cmd.Env = append(os.Environ(), env...)
	p.cmd.Stdout = &p.stdout
	stderr, err := p.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	addrc := make(chan string, 1)
	go p.readLog(stderr, addrc)
	go func() { p.done <- p.cmd.Wait() }()

	select {
	case addr := <-addrc:
		p.addr = "http://" + addr
	case err := <-p.done:
		t.Fatalf("sextant serve exited before listening: %v\n%s", err, p.logText())
	case <-time.After(60 * time.Second):
		p.kill()
		t.Fatalf("sextant serve did not listen within 60 s\n%s", p.logText())
	}
	return p
}

// readLog copies the server's log and reports its listening address.
func (p *proc) readLog(r io.Reader, addrc chan<- string) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := sc.Text()
		p.logMu.Lock()
		p.log.WriteString(line + "\n")
		p.logMu.Unlock()
		if m := listenRE.FindStringSubmatch(line); m != nil {
			addrc <- m[1]
		}
	}
}

func (p *proc) logText() string {
	p.logMu.Lock()
	defer p.logMu.Unlock()
	return p.log.String()
}

// syncBuffer is a bytes.Buffer that the process's output copier writes
// while the test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// stdoutContains waits up to five seconds for s to appear on the process's
// standard output: the copier may lag behind the log line that told the
// test the server listens.
func (p *proc) stdoutContains(s string) bool {
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(p.stdout.String(), s) {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(20 * time.Millisecond)
	}
	return true
}

// kill ends the process with SIGKILL and waits for it.
func (p *proc) kill() {
	_ = p.cmd.Process.Kill()
	<-p.done
}

// stop sends SIGTERM and returns the exit error once the process ended.
func (p *proc) stop() error {
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		return err
	}
	select {
	case err := <-p.done:
		return err
	case <-time.After(60 * time.Second):
		p.kill()
		return fmt.Errorf("no exit within 60 s of SIGTERM")
	}
}

// request sends one request with the key and returns status and body.
func (p *proc) request(key, method, path, ctype, body string) (int, string, error) {
	req, err := http.NewRequest(method, p.addr+path, strings.NewReader(body))
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Authorization", "Bearer "+key)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	res, err := httpClient.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return res.StatusCode, string(b), err
}

func (p *proc) mustRequest(key, method, path, body string, want int) string {
	p.t.Helper()
	status, got, err := p.request(key, method, path, "", body)
	if err != nil || status != want {
		p.t.Fatalf("%s %s = %d %s (%v), want %d", method, path, status, got, err, want)
	}
	return got
}

var httpClient = &http.Client{Timeout: 30 * time.Second}
