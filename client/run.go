package client

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// Options describe a run to Init. Zero values pick the defaults named.
type Options struct {
	URL string // server; SEXTANT_URL, else DefaultURL
	Key string // API key; SEXTANT_API_KEY

	Project string // required
	RunSpec        // the run; a random 8-character ID when empty

	// SpoolDir holds spool files; SEXTANT_DIR, else ~/.sextant.
	SpoolDir string
	// BatchRows caps the rows of one request (1000).
	BatchRows int
	// Interval is how long rows wait to be batched (500ms).
	Interval time.Duration
	// MaxBackoff caps the pause between retries (5s).
	MaxBackoff time.Duration
	// Logger receives the rows and updates the server refused for good
	// (slog.Default()).
	Logger *slog.Logger
}

// Run is a training run logging in the background. Its methods are safe for
// concurrent use.
type Run struct {
	client  *Client
	project string
	id      string
	sender  *sender

	mu       sync.Mutex
	nextStep int64
	finished bool
}

// ErrFinished is returned by a Run's methods after Finish.
var ErrFinished = errors.New("run finished")

// Init starts a run, or resumes the run with opts.ID when it exists (the
// next step is then its last step + 1). When the server cannot be reached,
// Init still returns the run, and the sender creates it once the server
// answers; other refusals (a bad key, a bad name) are returned.
func Init(ctx context.Context, opts Options) (*Run, error) {
	if opts.Project == "" {
		return nil, fmt.Errorf("init run: project: must not be empty")
	}
	if opts.ID == "" {
		opts.ID = newID()
	}
	r := &Run{client: New(opts.URL, opts.Key), project: opts.Project, id: opts.ID}

	ready, err := r.trySetup(ctx, opts.RunSpec)
	if err != nil {
		return nil, fmt.Errorf("init run %s: %w", opts.ID, err)
	}
	s, err := newSender(r.client, opts, func(ctx context.Context) error {
		_, _, err := r.setup(ctx, opts.RunSpec)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("init run %s: %w", opts.ID, err)
	}
	r.sender = s
	s.start(ready)
	return r, nil
}

// ID returns the run's id.
func (r *Run) ID() string { return r.id }

// Project returns the run's project.
func (r *Run) Project() string { return r.project }

// Client returns the HTTP client the run sends through.
func (r *Run) Client() *Client { return r.client }

// Log logs metrics at the next step.
func (r *Run) Log(metrics map[string]float64) error {
	return r.LogRow(Row{Step: -1, Metrics: metrics})
}

// LogStep logs metrics at step; the next step becomes step + 1 when that is
// larger.
func (r *Run) LogStep(step int64, metrics map[string]float64) error {
	if step < 0 {
		return fmt.Errorf("log: step must be >= 0, got %d", step)
	}
	return r.LogRow(Row{Step: step, Metrics: metrics})
}

// LogRow logs a row; a negative Step means the next step and a zero Time
// means now. The row is encoded before LogRow returns, so the caller may
// reuse its map.
func (r *Run) LogRow(row Row) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.finished {
		return ErrFinished
	}
	if row.Step < 0 {
		row.Step = r.nextStep
	}
	r.nextStep = max(r.nextStep, row.Step+1)
	if row.Time == 0 {
		row.Time = float64(time.Now().UnixNano()) / 1e9
	}
	r.sender.put(row.AppendJSON(append(make([]byte, 0, 64), spoolRow...)))
	return nil
}

// SetConfig merges values into the run's config on the server.
func (r *Run) SetConfig(values map[string]any) error {
	return r.patch(RunPatch{Config: values})
}

// Flush waits until everything logged so far is acknowledged or ctx ends.
func (r *Run) Flush(ctx context.Context) error {
	return r.sender.flush(ctx)
}

// Finish marks the run state ("finished", "failed") after everything logged
// before it, waits for the server until ctx ends, and stops the sender.
// What was not acknowledged stays in the spool for the next Init of this
// run id, and the error says so.
func (r *Run) Finish(ctx context.Context, state string) error {
	if err := r.patch(RunPatch{State: &state}); err != nil {
		return err
	}
	r.mu.Lock()
	r.finished = true
	r.mu.Unlock()
	err := r.sender.flush(ctx)
	r.sender.stop()
	if err != nil {
		return fmt.Errorf("finish run %s: %w (unsent data kept in %s)", r.id, err, r.sender.path)
	}
	return nil
}

func (r *Run) patch(p RunPatch) error {
	line, err := encodePatch(p)
	if err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.finished {
		return ErrFinished
	}
	r.sender.put(line)
	return nil
}

// trySetup makes one attempt to create the run before the first log, so a
// resumed run learns its last step; it reports whether the run is ready.
//
// TODO: a run resumed while the server is away counts its steps from 0
// (LogStep is unaffected); learning the last step later would mean
// renumbering rows already spooled.
func (r *Run) trySetup(ctx context.Context, spec RunSpec) (bool, error) {
	info, created, err := r.setup(ctx, spec)
	if errors.Is(err, ErrUnavailable) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if !created {
		r.nextStep = max(r.nextStep, info.LastStep+1)
	}
	return true, nil
}

func (r *Run) setup(ctx context.Context, spec RunSpec) (RunInfo, bool, error) {
	spec.ID = r.id
	if err := r.client.EnsureProject(ctx, r.project); err != nil {
		return RunInfo{}, false, err
	}
	return r.client.EnsureRun(ctx, r.project, spec)
}

func newID() string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}
