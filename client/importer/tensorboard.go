package importer

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/sextant-ml/sextant/client"
)

// tbRun is a TensorBoard log folder holding event files.
type tbRun struct {
	name  string // the folder relative to the imported root, "." for the root
	files []string
	bytes int64
}

// TensorBoard imports every folder under dir that holds event files
// (names containing "tfevents") as one run. The run's name is the folder's
// path below dir (dir's own name for event files directly in dir), its id
// "tb-" and a hash of that name.
func (im *Importer) TensorBoard(ctx context.Context, dir string) (Report, error) {
	var report Report
	runs, total, err := findEventRuns(dir)
	if err != nil {
		return report, err
	}
	project := cmp.Or(im.Project, client.SafeName(folderName(dir)))
	bar := newProgress(im.Progress, isTerminal(im.Progress), total)
	defer bar.finish()

	for _, r := range runs {
		name := r.name
		if name == "." {
			name = folderName(dir)
		}
		if err := im.importEventRun(ctx, project, name, r, &report, bar); err != nil {
			return report, err
		}
		report.Runs++
	}
	return report, nil
}

func findEventRuns(dir string) ([]*tbRun, int64, error) {
	byFolder := map[string]*tbRun{}
	var total int64
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.Contains(d.Name(), "tfevents") {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, filepath.Dir(path))
		rel = filepath.ToSlash(rel)
		r := byFolder[rel]
		if r == nil {
			r = &tbRun{name: rel}
			byFolder[rel] = r
		}
		r.files = append(r.files, path)
		r.bytes += info.Size()
		total += info.Size()
		return nil
	})
	if err != nil {
		return nil, 0, fmt.Errorf("find event files: %w", err)
	}
	runs := make([]*tbRun, 0, len(byFolder))
	for _, r := range byFolder {
		sort.Strings(r.files) // event file names start with their creation time
		runs = append(runs, r)
	}
	sort.Slice(runs, func(i, j int) bool { return runs[i].name < runs[j].name })
	return runs, total, nil
}

func (im *Importer) importEventRun(ctx context.Context, project, name string, r *tbRun,
	report *Report, bar *progress) error {
	spec := client.RunSpec{ID: derivedID("tb-", name), Name: name, JobType: "tensorboard"}
	finished := "finished"
	if err := im.ensureRun(ctx, project, spec, client.RunPatch{State: &finished}); err != nil {
		return err
	}
	b := im.newBatcher(project, spec, report, bar)
	for _, path := range r.files {
		if err := im.importEventFile(ctx, path, b, report, bar); err != nil {
			return err
		}
	}
	return b.flush(ctx)
}

// importEventFile sends the scalars of one event file.
func (im *Importer) importEventFile(ctx context.Context, path string, b *batcher,
	report *Report, bar *progress) error {
	problems, err := readEvents(path,
		func(row client.Row) error { return b.add(ctx, row) },
		func(n int64) { bar.add(n, 0, b.label) })
	report.Problems = append(report.Problems, problems...)
	return err
}

// readEvents calls onRow with a row per event of the file that holds
// scalars, and onBytes with the bytes read. A record that does not check
// out is returned among the problems and skipped; after a bad length the
// rest of the file cannot be framed and is left out. The error is onRow's.
func readEvents(path string, onRow func(client.Row) error,
	onBytes func(int64)) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return []string{err.Error()}, nil
	}
	defer func() { _ = f.Close() }() // read only: nothing to lose

	var problems []string
	rr := NewRecordReader(f)
	plugins := map[string]string{} // tag -> plugin, named only on a tag's first value
	for {
		before := rr.Offset()
		data, err := rr.Next()
		onBytes(rr.Offset() - before)
		if errors.Is(err, io.EOF) {
			return problems, nil
		}
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", path, err))
			if rr.Offset() == before {
				return problems, nil // framing lost or file cut short
			}
			continue
		}
		row, ok, err := eventRow(data, plugins)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: record at %d: %v", path, before, err))
			continue
		}
		if !ok {
			continue
		}
		if err := onRow(row); err != nil {
			return problems, err
		}
	}
}

// eventRow turns an event record into a history row of its scalars; ok is
// false for events without any (file version, graphs, images).
func eventRow(data []byte, plugins map[string]string) (client.Row, bool, error) {
	ev, err := ParseEvent(data)
	if err != nil || len(ev.Scalars) == 0 {
		return client.Row{}, false, err
	}
	metrics := make(map[string]float64, len(ev.Scalars))
	for _, s := range ev.Scalars {
		if s.Plugin != "" {
			plugins[s.Tag] = s.Plugin
		}
		plugin := plugins[s.Tag]
		if s.Tensor && plugin != "" && plugin != "scalars" {
			continue // one-element tensors of other plugins are not scalars
		}
		metrics[s.Tag] = s.Value
	}
	if len(metrics) == 0 {
		return client.Row{}, false, nil
	}
	return client.Row{Step: max(ev.Step, 0), Time: ev.WallTime, Metrics: metrics}, true, nil
}

// folderName returns the last element of dir's absolute path.
func folderName(dir string) string {
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	return filepath.Base(dir)
}
