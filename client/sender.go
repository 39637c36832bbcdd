package client

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// Spool line prefixes; see the package doc's Format section.
var (
	spoolRow   = []byte("r ")
	spoolPatch = []byte("p ")
)

// sender owns a run's spool file and delivers it; see the package doc.
type sender struct {
	client     *Client
	project    string
	run        string
	path       string
	setup      func(context.Context) error
	batchRows  int
	interval   time.Duration
	maxBackoff time.Duration
	log        *slog.Logger

	mu        sync.Mutex
	pending   [][]byte      // lines not yet in the spool
	enqueued  int64         // lines ever put
	delivered int64         // of those, lines acknowledged
	progress  chan struct{} // closed and replaced when delivered grows or failed is set
	failed    error         // a refusal that stopped delivery for good

	wake   chan struct{}
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}

	// Owned by the loop goroutine.
	file    *os.File
	offset  int64 // bytes of the spool acknowledged
	spooled int64 // lines written to the spool
	empty   bool  // every line written to the spool was acknowledged
	ready   bool
	backoff time.Duration
	retryAt time.Time
}

func newSender(c *Client, opts Options, setup func(context.Context) error) (*sender, error) {
	path, err := spoolPath(opts.SpoolDir, opts.Project, opts.ID)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("spool: %w", err)
	}
	file, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("spool: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &sender{
		client: c, project: opts.Project, run: opts.ID, path: path, setup: setup,
		batchRows:  cmp.Or(opts.BatchRows, 1000),
		interval:   cmp.Or(opts.Interval, 500*time.Millisecond),
		maxBackoff: cmp.Or(opts.MaxBackoff, 5*time.Second),
		log:        cmp.Or(opts.Logger, slog.Default()),
		progress:   make(chan struct{}), wake: make(chan struct{}, 1),
		ctx: ctx, cancel: cancel, done: make(chan struct{}), file: file,
	}, nil
}

func (s *sender) start(ready bool) {
	s.ready = ready
	go s.loop()
}

// put queues one spool line.
func (s *sender) put(line []byte) {
	s.mu.Lock()
	s.pending = append(s.pending, line)
	s.enqueued++
	full := len(s.pending) >= s.batchRows
	s.mu.Unlock()
	if full {
		s.poke()
	}
}

// flush waits until every line put before it is acknowledged.
func (s *sender) flush(ctx context.Context) error {
	s.mu.Lock()
	target := s.enqueued
	s.mu.Unlock()
	s.retryNow()
	for {
		s.mu.Lock()
		delivered, failed, progress := s.delivered, s.failed, s.progress
		s.mu.Unlock()
		if failed != nil {
			return failed
		}
		if delivered >= target {
			return nil
		}
		select {
		case <-progress:
		case <-ctx.Done():
			return fmt.Errorf("flush: %w", ctx.Err())
		case <-s.done:
			return errors.New("flush: sender stopped")
		}
	}
}

// stop ends the loop, aborting a request in flight; what is pending goes to
// the spool first.
func (s *sender) stop() {
	s.cancel()
	<-s.done
}

func (s *sender) poke() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// retryNow asks the loop to try at once, even while it backs off.
func (s *sender) retryNow() {
	s.mu.Lock()
	s.retryAt = time.Time{}
	s.mu.Unlock()
	s.poke()
}

func (s *sender) loop() {
	defer close(s.done)
	defer s.closeSpool()
	timer := time.NewTimer(s.interval)
	defer timer.Stop()
	for {
		select {
		case <-s.ctx.Done():
			s.spoolPending()
			return
		case <-s.wake:
		case <-timer.C:
		}
		s.spoolPending()
		s.deliver()
		s.reportProgress()
		timer.Reset(s.nextWait())
	}
}

func (s *sender) nextWait() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	if wait := time.Until(s.retryAt); wait > 0 {
		return wait
	}
	return s.interval
}

func (s *sender) spoolPending() {
	s.mu.Lock()
	lines := s.pending
	s.pending = nil
	s.mu.Unlock()
	if len(lines) == 0 {
		return
	}
	var buf []byte
	for _, l := range lines {
		buf = append(append(buf, l...), '\n')
	}
	if _, err := s.file.Write(buf); err != nil {
		s.fail(fmt.Errorf("write spool %s: %w", s.path, err))
		return
	}
	s.spooled += int64(len(lines))
	s.empty = false
}

func (s *sender) deliver() {
	s.mu.Lock()
	blocked := s.failed != nil || time.Now().Before(s.retryAt)
	s.mu.Unlock()
	if blocked {
		return
	}
	err := s.sendSpool()
	if errors.Is(err, ErrUnavailable) {
		s.scheduleRetry(err)
		return
	}
	if err != nil {
		s.fail(err)
		return
	}
	s.backoff = 0
}

func (s *sender) sendSpool() error {
	if !s.ready {
		if err := s.setup(s.ctx); err != nil {
			return err
		}
		s.ready = true
	}
	for {
		size, err := s.file.Seek(0, io.SeekEnd)
		if err != nil {
			return fmt.Errorf("spool: %w", err)
		}
		if s.offset >= size {
			break
		}
		if err := s.sendChunk(); err != nil {
			return err
		}
	}
	if err := s.file.Truncate(0); err != nil {
		return fmt.Errorf("truncate spool: %w", err)
	}
	s.offset = 0
	s.empty = true
	return nil
}

// sendChunk sends up to batchRows lines from the acknowledged offset.
func (s *sender) sendChunk() error {
	r := bufio.NewReader(io.NewSectionReader(s.file, s.offset, 1<<62))
	var ops [][]byte
	var n int64
	for len(ops) < s.batchRows {
		line, err := r.ReadBytes('\n')
		if err != nil {
			break // the end, or a line cut short by a crash while written
		}
		n += int64(len(line))
		ops = append(ops, line[:len(line)-1])
	}
	if len(ops) == 0 {
		s.offset, _ = s.file.Seek(0, io.SeekEnd)
		return nil
	}
	if err := s.sendOps(ops); err != nil {
		return err
	}
	s.offset += n
	return nil
}

// sendOps sends the rows of a chunk in one request, then its run updates
// merged into one PATCH, so that a state set last lands after the rows
// logged before it.
func (s *sender) sendOps(ops [][]byte) error {
	var rows []byte
	var patches [][]byte
	for _, op := range ops {
		switch {
		case bytes.HasPrefix(op, spoolRow):
			rows = append(append(rows, op[len(spoolRow):]...), '\n')
		case bytes.HasPrefix(op, spoolPatch):
			patches = append(patches, op[len(spoolPatch):])
		}
	}
	if err := s.sendRows(rows); err != nil {
		return err
	}
	if len(patches) == 0 {
		return nil
	}
	patch, err := mergePatches(patches)
	if err != nil {
		s.log.Warn("sextant client: dropped run updates that do not decode", "run", s.run,
			"err", err)
		return nil
	}
	return s.sendPatch(patch)
}

// mergePatches returns one PATCH body doing what the bodies do in order:
// config merges key by key, other fields take their last value.
func mergePatches(bodies [][]byte) ([]byte, error) {
	merged := map[string]json.RawMessage{}
	config := map[string]json.RawMessage{}
	for _, body := range bodies {
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(body, &fields); err != nil {
			return nil, fmt.Errorf("decode run update: %w", err)
		}
		for k, v := range fields {
			if k != "config" {
				merged[k] = v
				continue
			}
			if err := json.Unmarshal(v, &config); err != nil {
				return nil, fmt.Errorf("decode run update config: %w", err)
			}
		}
	}
	if len(config) > 0 {
		b, err := json.Marshal(config)
		if err != nil {
			return nil, fmt.Errorf("encode run update config: %w", err)
		}
		merged["config"] = b
	}
	return json.Marshal(merged)
}

func (s *sender) sendRows(body []byte) error {
	if len(body) == 0 {
		return nil
	}
	_, err := s.client.AppendNDJSON(s.ctx, s.project, s.run, body)
	var apiErr *APIError
	if !errors.As(err, &apiErr) || !refusedInput(apiErr) {
		return err
	}
	// One bad row must not cost the others: split until the refused rows
	// stand alone, and drop only those.
	lines := bytes.SplitAfter(bytes.TrimSuffix(body, []byte("\n")), []byte("\n"))
	if len(lines) == 1 {
		s.log.Warn("sextant client: dropped a refused history row", "run", s.run, "err", err)
		return nil
	}
	half := bytes.Join(lines[:len(lines)/2], nil)
	if err := s.sendRows(half); err != nil {
		return err
	}
	return s.sendRows(bytes.Join(lines[len(lines)/2:], nil))
}

func (s *sender) sendPatch(body []byte) error {
	_, err := s.client.Do(s.ctx, "PATCH", runPath(s.project, s.run), "application/json", body)
	var apiErr *APIError
	if errors.As(err, &apiErr) && apiErr.Status == http.StatusBadRequest {
		s.log.Warn("sextant client: dropped a refused run update", "run", s.run, "err", err)
		return nil
	}
	return err
}

func refusedInput(e *APIError) bool {
	return e.Status == http.StatusBadRequest || e.Status == http.StatusRequestEntityTooLarge
}

func (s *sender) scheduleRetry(err error) {
	s.backoff = min(s.maxBackoff, max(250*time.Millisecond, 2*s.backoff))
	wait := s.backoff
	var apiErr *APIError
	if errors.As(err, &apiErr) && apiErr.RetryAfter > 0 {
		wait = apiErr.RetryAfter
	}
	s.mu.Lock()
	s.retryAt = time.Now().Add(wait)
	s.mu.Unlock()
}

func (s *sender) fail(err error) {
	if s.ctx.Err() != nil {
		return // stopping: the spool keeps what was not sent
	}
	s.mu.Lock()
	s.failed = err
	s.mu.Unlock()
	s.log.Error("sextant client: run data refused, kept in spool",
		"run", s.run, "spool", s.path, "err", err)
}

func (s *sender) reportProgress() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.empty {
		s.delivered = s.spooled
	}
	close(s.progress)
	s.progress = make(chan struct{})
}

// closeSpool closes the spool file and removes it when it is empty.
func (s *sender) closeSpool() {
	info, err := s.file.Stat()
	if cerr := s.file.Close(); cerr != nil {
		s.log.Warn("sextant client: close spool", "spool", s.path, "err", cerr)
	}
	if err == nil && info.Size() == 0 {
		if err := os.Remove(s.path); err != nil {
			s.log.Warn("sextant client: remove empty spool", "spool", s.path, "err", err)
		}
	}
}

// encodePatch returns the spool line of a run patch.
func encodePatch(p RunPatch) ([]byte, error) {
	body, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("encode run update: %w", err)
	}
	return append(append([]byte{}, spoolPatch...), body...), nil
}

// spoolPath returns DIR/spool/PROJECT/RUN.ndjson.
func spoolPath(dir, project, run string) (string, error) {
	if dir == "" {
		dir = os.Getenv("SEXTANT_DIR")
	}
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("spool dir: %w", err)
		}
		dir = filepath.Join(home, ".sextant")
	}
	name := url.PathEscape(run) + ".ndjson"
	return filepath.Join(dir, "spool", url.PathEscape(project), name), nil
}
