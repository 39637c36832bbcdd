package importer

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/sextant-ml/sextant/client"
)

// Importer sends source runs to a Sextant server.
type Importer struct {
	// Client is the server to send to.
	Client *client.Client
	// Project overrides the project: every run lands there. Without it,
	// TensorBoard runs go to the project named after the log folder and
	// MLflow runs to the project named after their experiment.
	Project string
	// Progress receives the progress bar (usually os.Stderr); nil for none.
	Progress io.Writer
	// BatchRows caps the rows of one request (5000).
	BatchRows int
	// Retry is how long a batch is retried while the server is away (2m).
	Retry time.Duration
}

// Report says what an import did.
type Report struct {
	Runs   int
	Rows   int
	Points int
	// Problems lists the files or records that could not be read; the
	// import went on without them.
	Problems []string
}

// Err returns an error listing the problems, or nil when there was none.
func (r Report) Err() error {
	if len(r.Problems) == 0 {
		return nil
	}
	return fmt.Errorf("%d problems: %w:\n  %s", len(r.Problems), ErrCorrupt,
		strings.Join(r.Problems, "\n  "))
}

// derivedID returns a run id for a source run: prefix, then a hash of the
// source's own name for it, so that the same folder always maps to the same
// run wherever the data sits on disk.
func derivedID(prefix, name string) string {
	sum := sha256.Sum256([]byte(name))
	return prefix + hex.EncodeToString(sum[:8])
}

// batcher collects the rows of one run and sends them in batches.
type batcher struct {
	im      *Importer
	project string
	run     string
	label   string // the run's name in the progress bar
	rows    []client.Row
	report  *Report
	bar     *progress
}

func (im *Importer) newBatcher(project string, spec client.RunSpec, report *Report,
	bar *progress) *batcher {
	return &batcher{im: im, project: project, run: spec.ID, label: project + "/" + spec.Name,
		report: report, bar: bar}
}

// add queues a row, merging it into the previous one when both are at the
// same step (TF1 writes one event per scalar).
func (b *batcher) add(ctx context.Context, row client.Row) error {
	if n := len(b.rows); n > 0 && b.rows[n-1].Step == row.Step {
		last := &b.rows[n-1]
		for k, v := range row.Metrics {
			last.Metrics[k] = v
		}
		last.Time = max(last.Time, row.Time)
		return nil
	}
	b.rows = append(b.rows, row)
	if len(b.rows) >= cmp.Or(b.im.BatchRows, 5000) {
		return b.flush(ctx)
	}
	return nil
}

func (b *batcher) flush(ctx context.Context) error {
	if len(b.rows) == 0 {
		return nil
	}
	res, err := b.im.appendWithRetry(ctx, b.project, b.run, b.rows)
	if err != nil {
		return fmt.Errorf("send run %s: %w", b.run, err)
	}
	b.report.Rows += res.Rows
	b.report.Points += res.Points
	b.bar.add(0, int64(res.Points), b.label)
	b.rows = b.rows[:0]
	return nil
}

func (im *Importer) appendWithRetry(ctx context.Context, project, run string,
	rows []client.Row) (client.AppendResult, error) {
	deadline := time.Now().Add(cmp.Or(im.Retry, 2*time.Minute))
	wait := 250 * time.Millisecond
	for {
		res, err := im.Client.AppendRows(ctx, project, run, rows)
		if !errors.Is(err, client.ErrUnavailable) || time.Now().After(deadline) {
			return res, err
		}
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return res, ctx.Err()
		}
		wait = min(2*wait, 5*time.Second)
	}
}

// ensureRun creates the project and the run unless they exist, then
// applies patch (which may be empty) so that a rerun refreshes metadata.
func (im *Importer) ensureRun(ctx context.Context, project string, spec client.RunSpec,
	patch client.RunPatch) error {
	if err := im.Client.EnsureProject(ctx, project); err != nil {
		return fmt.Errorf("create project %s: %w", project, err)
	}
	if _, _, err := im.Client.EnsureRun(ctx, project, spec); err != nil {
		return fmt.Errorf("create run %s: %w", spec.ID, err)
	}
	if patch.Config == nil && patch.State == nil && patch.Tags == nil && patch.Notes == nil {
		return nil
	}
	if err := im.Client.UpdateRun(ctx, project, spec.ID, patch); err != nil {
		return fmt.Errorf("update run %s: %w", spec.ID, err)
	}
	return nil
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}
