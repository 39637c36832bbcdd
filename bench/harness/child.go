package harness

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// MemPath is where a server started by the benchmark answers its memory.
const MemPath = "/bench/mem"

// Mem is the memory of a process: its Go heap and its resident set.
type Mem struct {
	HeapInuse uint64 `json:"heap_inuse"`
	HeapAlloc uint64 `json:"heap_alloc"`
	Sys       uint64 `json:"sys"`
	RSS       uint64 `json:"rss"`
	PeakRSS   uint64 `json:"peak_rss"`
}

// ProcMem reads the resident set and its peak from /proc/PID/status, in
// bytes; zero where unknown.
func ProcMem(pid int) (rss, peak uint64) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		var kb uint64
		if _, err := fmt.Sscanf(line, "VmRSS: %d kB", &kb); err == nil {
			rss = kb << 10
		}
		if _, err := fmt.Sscanf(line, "VmHWM: %d kB", &kb); err == nil {
			peak = kb << 10
		}
	}
	return rss, peak
}

// ProcCPU reads the user and system CPU time of process pid from
// /proc/PID/stat, in clock ticks of 10 ms; zero where unknown. On a
// shared machine, CPU time per point moves less with the load than
// throughput does.
func ProcCPU(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The command name, in parentheses, may hold spaces: count fields
	// after it, from the state (field 3); utime and stime are 14 and 15.
	i := strings.LastIndexByte(string(b), ')')
	f := strings.Fields(string(b[i+1:]))
	if i < 0 || len(f) < 13 {
		return 0
	}
	user, err1 := strconv.ParseUint(f[11], 10, 64)
	sys, err2 := strconv.ParseUint(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0
	}
	return time.Duration(user+sys) * 10 * time.Millisecond // USER_HZ is 100
}

// Server is a Sextant server the benchmark started as a child process.
type Server struct {
	Addr string // host:port
	Key  string // the admin's API key
	// Ready is the time from starting the process to its listening: the
	// store's open and recovery.
	Ready time.Duration
	cmd   *exec.Cmd
}

// StartServer runs this program again with args (which make it serve a
// store), waits for its `listening ADDR` line and returns it. key is the
// admin's API key; empty means a new random one.
func StartServer(key string, args ...string) (*Server, error) {
	if key == "" {
		b := make([]byte, 16)
		rand.Read(b)
		key = "bench_" + hex.EncodeToString(b)
	}
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	start := time.Now()
	cmd := exec.Command(self, args...)
	cmd.Env = append(os.Environ(), "SEXTANT_ADMIN_KEY="+key)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start server: %w", err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	addr, ok := strings.CutPrefix(strings.TrimSpace(line), "listening ")
	if err != nil || !ok {
		// The child is dead or dying; its own errors add nothing to this one.
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return nil, fmt.Errorf("server did not start: %q: %w", line, err)
	}
	return &Server{Addr: addr, Key: key, Ready: time.Since(start), cmd: cmd}, nil
}

// Stop sends SIGTERM, waits for a clean shutdown and returns how long it
// took.
func (s *Server) Stop() (time.Duration, error) {
	start := time.Now()
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		return 0, err
	}
	if err := s.cmd.Wait(); err != nil {
		return 0, fmt.Errorf("server exit: %w", err)
	}
	return time.Since(start), nil
}

// CPU returns the CPU time the server process used so far.
func (s *Server) CPU() time.Duration { return ProcCPU(s.cmd.Process.Pid) }

// Mem asks the server for its memory; gc runs a collection first.
func (s *Server) Mem(c *Client, gc bool) (Mem, error) {
	var m Mem
	path := MemPath
	if gc {
		path += "?gc=1"
	}
	err := c.Do(context.Background(), http.MethodGet, path, "", nil, &m)
	if m.RSS == 0 {
		m.RSS, m.PeakRSS = ProcMem(s.cmd.Process.Pid)
	}
	return m, err
}

// Client sends requests to one server with its admin key.
type Client struct {
	Base string
	Key  string
	HTTP *http.Client
}

// NewClient returns a client for s that keeps up to conns connections.
func (s *Server) NewClient(conns int) *Client {
	tr := &http.Transport{MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns,
		DisableCompression: true}
	return &Client{Base: "http://" + s.Addr, Key: s.Key, HTTP: &http.Client{Transport: tr}}
}

// StatusError is an answer outside 2xx.
type StatusError struct {
	Status int
	Body   string
}

func (e *StatusError) Error() string { return fmt.Sprintf("http %d: %s", e.Status, e.Body) }

// Do sends body (JSON unless contentType says otherwise) and decodes a JSON
// answer into out when out is not nil.
func (c *Client) Do(ctx context.Context, method, path, contentType string, body []byte,
	out any) error {
	req, err := http.NewRequestWithContext(ctx, method, c.Base+path, bytesReader(body))
	if err != nil {
		return err
	}
	if contentType == "" {
		contentType = "application/json"
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Authorization", "Bearer "+c.Key)
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return err
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode/100 != 2 {
		var b strings.Builder
		_, _ = bufio.NewReader(resp.Body).WriteTo(&b) // the status says what matters
		return &StatusError{Status: resp.StatusCode, Body: b.String()}
	}
	if out == nil {
		_, err = bufio.NewReader(resp.Body).WriteTo(discard{})
		return err
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return fmt.Errorf("decode %s answer: %w", path, err)
	}
	return nil
}

// PostJSON marshals in and posts it.
func (c *Client) PostJSON(path string, in, out any) error {
	b, err := json.Marshal(in)
	if err != nil {
		return err
	}
	return c.Do(context.Background(), http.MethodPost, path, "", b, out)
}

// IsConflict reports whether err is a 409 answer.
func IsConflict(err error) bool {
	var se *StatusError
	return errors.As(err, &se) && se.Status == http.StatusConflict
}
