package importer

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml"

	"github.com/sextant-ml/sextant/client"
	"github.com/sextant-ml/sextant/client/mlflowmap"
)

// mlflowStatus names the values of MLflow's RunStatus enum that meta.yaml
// stores as numbers.
var mlflowStatus = map[string]string{
	"1": "RUNNING", "2": "SCHEDULED", "3": "FINISHED", "4": "FAILED", "5": "KILLED",
}

// mlExperiment is an experiment folder of an MLflow file store.
type mlExperiment struct {
	dir  string
	name string
	runs []string // run folders
}

// mlRun is what a run folder holds besides its metrics.
type mlRun struct {
	id, name, status string
	params, tags     map[string]string
}

// MLflow imports the runs of an MLflow file store: dir is the mlruns folder
// or a folder that holds one. Experiments and runs marked deleted are left
// out. Run ids stay MLflow's; see package mlflowmap for the rest.
func (im *Importer) MLflow(ctx context.Context, dir string) (Report, error) {
	var report Report
	if info, err := os.Stat(filepath.Join(dir, "mlruns")); err == nil && info.IsDir() {
		dir = filepath.Join(dir, "mlruns")
	}
	exps, err := findExperiments(dir)
	if err != nil {
		return report, err
	}
	bar := newProgress(im.Progress, isTerminal(im.Progress), metricBytes(exps))
	defer bar.finish()

	for _, exp := range exps {
		project := im.Project
		if project == "" {
			project = mlflowmap.ProjectName(exp.name)
		}
		for _, runDir := range exp.runs {
			if err := im.importMLflowRun(ctx, project, runDir, &report, bar); err != nil {
				return report, err
			}
		}
	}
	return report, nil
}

func findExperiments(dir string) ([]mlExperiment, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("read mlruns: %w", err)
	}
	var exps []mlExperiment
	for _, e := range entries {
		meta, err := readMeta(filepath.Join(dir, e.Name(), "meta.yaml"))
		if !e.IsDir() || errors.Is(err, fs.ErrNotExist) || meta["lifecycle_stage"] == "deleted" {
			continue // .trash, models/, files, deleted experiments
		}
		if err != nil {
			return nil, err
		}
		exp := mlExperiment{dir: filepath.Join(dir, e.Name()), name: meta["name"]}
		if exp.runs, err = findRuns(exp.dir); err != nil {
			return nil, err
		}
		exps = append(exps, exp)
	}
	return exps, nil
}

func findRuns(expDir string) ([]string, error) {
	entries, err := os.ReadDir(expDir)
	if err != nil {
		return nil, fmt.Errorf("read experiment: %w", err)
	}
	var runs []string
	for _, e := range entries {
		if e.IsDir() && fileExists(filepath.Join(expDir, e.Name(), "meta.yaml")) {
			runs = append(runs, filepath.Join(expDir, e.Name()))
		}
	}
	return runs, nil
}

// readMeta reads a flat meta.yaml into strings.
func readMeta(path string) (map[string]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var raw map[string]any
	if err := yaml.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("parse %s: %w", path, err)
	}
	meta := make(map[string]string, len(raw))
	for k, v := range raw {
		if v != nil {
			meta[k] = fmt.Sprint(v)
		}
	}
	return meta, nil
}

func (im *Importer) importMLflowRun(ctx context.Context, project, dir string,
	report *Report, bar *progress) error {
	run, err := readMLflowRun(dir)
	if err != nil {
		report.Problems = append(report.Problems, err.Error())
		return nil
	}
	if run == nil {
		return nil // deleted
	}
	spec, patch := mlflowRunSpec(run)
	if err := im.ensureRun(ctx, project, spec, patch); err != nil {
		return err
	}
	b := im.newBatcher(project, spec, report, bar)
	if err := im.importMetrics(ctx, filepath.Join(dir, "metrics"), b, report, bar); err != nil {
		return err
	}
	report.Runs++
	return nil
}

func readMLflowRun(dir string) (*mlRun, error) {
	meta, err := readMeta(filepath.Join(dir, "meta.yaml"))
	if err != nil {
		return nil, err
	}
	if meta["lifecycle_stage"] == "deleted" {
		return nil, nil
	}
	run := &mlRun{id: meta["run_id"], name: meta["run_name"]}
	if run.id == "" {
		run.id = filepath.Base(dir)
	}
	run.status = mlflowStatus[meta["status"]]
	if run.params, err = readKeyFiles(filepath.Join(dir, "params")); err != nil {
		return nil, err
	}
	if run.tags, err = readKeyFiles(filepath.Join(dir, "tags")); err != nil {
		return nil, err
	}
	return run, nil
}

// mlflowRunSpec returns the Sextant run of an MLflow run, and the patch that
// brings an existing one up to date.
func mlflowRunSpec(run *mlRun) (client.RunSpec, client.RunPatch) {
	config := map[string]any{}
	for k, v := range run.params {
		config[k] = v
	}
	if len(run.tags) > 0 {
		config[mlflowmap.TagsKey] = run.tags
	}
	name := run.name
	if name == "" {
		name = run.tags[mlflowmap.RunNameTag]
	}
	spec := client.RunSpec{
		ID: run.id, Name: name, Notes: run.tags[mlflowmap.NoteTag],
		Tags: mlflowmap.RunTags(run.tags), Config: config, JobType: "mlflow",
	}
	state := mlflowmap.State(run.status)
	return spec, client.RunPatch{State: &state, Config: config, Tags: &spec.Tags}
}

// readKeyFiles reads a params/ or tags/ folder: one file per key, nested
// folders for keys with "/".
func readKeyFiles(dir string) (map[string]string, error) {
	values := map[string]string{}
	err := walkKeyFiles(dir, func(key, path string) error {
		data, err := os.ReadFile(path)
		values[key] = string(data)
		return err
	})
	return values, err
}

func walkKeyFiles(dir string, fn func(key, path string) error) error {
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		return fn(filepath.ToSlash(rel), path)
	})
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

// importMetrics sends every metric of a run.
func (im *Importer) importMetrics(ctx context.Context, dir string, b *batcher,
	report *Report, bar *progress) error {
	rows, problems, err := readMetrics(dir, func(n int64) { bar.add(n, 0, b.label) })
	report.Problems = append(report.Problems, problems...)
	if err != nil {
		return fmt.Errorf("read metrics of run %s: %w", b.run, err)
	}
	for _, row := range rows {
		if err := b.add(ctx, row); err != nil {
			return err
		}
	}
	return b.flush(ctx)
}

// readMetrics reads a run's metrics folder into rows by increasing step,
// and returns the lines it could not parse. MLflow keeps each value logged;
// at a step logged twice, the one written last wins, as it would for a
// Sextant client logging again.
func readMetrics(dir string, onBytes func(int64)) ([]client.Row, []string, error) {
	byStep := map[int64]*client.Row{}
	var problems []string
	err := walkKeyFiles(dir, func(key, path string) error {
		n, p, err := readMetricFile(key, path, byStep)
		problems = append(problems, p...)
		onBytes(n)
		return err
	})
	rows := make([]client.Row, 0, len(byStep))
	for _, r := range byStep {
		rows = append(rows, *r)
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].Step < rows[j].Step })
	return rows, problems, err
}

// readMetricFile adds the lines "TIMESTAMP_MS VALUE [STEP]" of one metric
// to rows and returns the bytes read and the lines it could not parse.
func readMetricFile(key, path string, rows map[int64]*client.Row) (int64, []string, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, nil, err
	}
	defer func() { _ = f.Close() }() // read only: nothing to lose

	var n int64
	var problems []string
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		n += int64(len(sc.Bytes())) + 1
		ms, value, step, err := parseMetricLine(sc.Text())
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s:%d: %v", path, line, err))
			continue
		}
		row := rows[step]
		if row == nil {
			row = &client.Row{Step: step, Metrics: map[string]float64{}}
			rows[step] = row
		}
		row.Metrics[key] = value
		row.Time = max(row.Time, float64(ms)/1000)
	}
	return n, problems, sc.Err()
}

func parseMetricLine(line string) (int64, float64, int64, error) {
	fields := strings.Fields(line)
	if len(fields) != 2 && len(fields) != 3 {
		return 0, 0, 0, fmt.Errorf("want 'timestamp value step', got %q", line)
	}
	ms, err := strconv.ParseInt(fields[0], 10, 64)
	if err != nil {
		return 0, 0, 0, fmt.Errorf("timestamp: %w", err)
	}
	value, err := strconv.ParseFloat(fields[1], 64)
	if err != nil {
		return 0, 0, 0, fmt.Errorf("value: %w", err)
	}
	var step int64
	if len(fields) == 3 {
		if step, err = strconv.ParseInt(fields[2], 10, 64); err != nil || step < 0 {
			return 0, 0, 0, fmt.Errorf("step: want an integer >= 0, got %q", fields[2])
		}
	}
	return ms, value, step, nil
}

func metricBytes(exps []mlExperiment) int64 {
	var total int64
	for _, exp := range exps {
		for _, run := range exp.runs {
			_ = walkKeyFiles(filepath.Join(run, "metrics"), func(_, path string) error {
				if info, err := os.Stat(path); err == nil {
					total += info.Size()
				}
				return nil
			})
		}
	}
	return total
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
