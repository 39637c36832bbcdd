package importer

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/sextant-ml/sextant/client"
)

// eventFiles holds what write_events.py wrote, once per test binary.
var eventFiles struct {
	once sync.Once
	dir  string
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if eventFiles.dir != "" {
		os.RemoveAll(eventFiles.dir)
	}
	os.Exit(code)
}

// writeEventFiles returns a copy of the event files testdata/write_events.py
// writes with the tensorboard package's own writers, and the points
// expected per run, tag and step.
func writeEventFiles(t *testing.T) (string, map[string]map[string]map[int64]float64) {
	t.Helper()
	if err := exec.Command("python3", "-c", "import tensorboard, numpy").Run(); err != nil {
		t.Skipf("python3 with tensorboard and numpy is needed to write event files: %v", err)
	}
	eventFiles.once.Do(func() {
		if eventFiles.dir, eventFiles.err = os.MkdirTemp("", "events"); eventFiles.err != nil {
			return
		}
		out, err := exec.Command("python3", "testdata/write_events.py", eventFiles.dir).
			CombinedOutput()
		if err != nil {
			eventFiles.err = fmt.Errorf("write_events.py: %w\n%s", err, out)
		}
	})
	if eventFiles.err != nil {
		t.Fatal(eventFiles.err)
	}
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(eventFiles.dir)); err != nil {
		t.Fatalf("copy event files: %v", err)
	}
	return filepath.Join(dir, "logs"), readExpected(t, filepath.Join(dir, "expected.json"))
}

// readExpected reads expected.json: {run: {tag: [[step, repr(value)]]}}.
func readExpected(t *testing.T, path string) map[string]map[string]map[int64]float64 {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]map[string][][2]any
	if err := json.Unmarshal(data, &raw); err != nil {
		t.Fatalf("decode expected.json: %v", err)
	}
	want := map[string]map[string]map[int64]float64{}
	for run, tags := range raw {
		want[run] = map[string]map[int64]float64{}
		for tag, points := range tags {
			want[run][tag] = map[int64]float64{}
			for _, p := range points {
				v, err := strconv.ParseFloat(p[1].(string), 64)
				if err != nil {
					t.Fatalf("expected.json %s %s: %v", run, tag, err)
				}
				want[run][tag][int64(p[0].(float64))] = v
			}
		}
	}
	return want
}

func readRunPoints(t *testing.T, r *tbRun) (map[string]map[int64]float64, []string) {
	t.Helper()
	got := map[string]map[int64]float64{}
	var problems []string
	for _, path := range r.files {
		p, err := readEvents(path, func(row client.Row) error {
			for k, v := range row.Metrics {
				if got[k] == nil {
					got[k] = map[int64]float64{}
				}
				got[k][row.Step] = v
			}
			return nil
		}, func(int64) {})
		if err != nil {
			t.Fatalf("readEvents(%s): %v", path, err)
		}
		problems = append(problems, p...)
	}
	return got, problems
}

func TestReadTensorBoardWriterFiles(t *testing.T) {
	logs, want := writeEventFiles(t)
	runs, _, err := findEventRuns(logs)
	if err != nil {
		t.Fatalf("findEventRuns: %v", err)
	}
	if len(runs) != len(want) {
		t.Fatalf("findEventRuns found %d runs, want %d", len(runs), len(want))
	}
	for _, r := range runs {
		got, problems := readRunPoints(t, r)
		if len(problems) > 0 {
			t.Errorf("run %s: problems %v, want none", r.name, problems)
		}
		comparePoints(t, r.name, got, want[r.name])
	}
}

func comparePoints(t *testing.T, run string, got, want map[string]map[int64]float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("run %s: %d tags, want %d", run, len(got), len(want))
	}
	for tag, points := range want {
		if len(got[tag]) != len(points) {
			t.Errorf("run %s tag %s: %d points, want %d", run, tag, len(got[tag]), len(points))
		}
		for step, w := range points {
			g, ok := got[tag][step]
			if !ok || !(g == w || math.IsNaN(g) && math.IsNaN(w)) {
				t.Errorf("run %s tag %s step %d = %v (found %v), want %v", run, tag, step, g, ok, w)
			}
		}
	}
}

func TestReadEventsReportsBadChecksum(t *testing.T) {
	logs, want := writeEventFiles(t)
	runs, _, _ := findEventRuns(logs)
	var r *tbRun
	for _, candidate := range runs {
		if candidate.name == "simple/sub" {
			r = candidate
		}
	}
	data, err := os.ReadFile(r.files[0])
	if err != nil {
		t.Fatal(err)
	}
	// Step over the file_version record and flip a byte inside the data of
	// the first event; its frame stays intact.
	first := NewRecordReader(strings.NewReader(string(data)))
	first.Next()
	data[first.Offset()+12+5] ^= 0xff
	if err := os.WriteFile(r.files[0], data, 0o644); err != nil {
		t.Fatal(err)
	}

	got, problems := readRunPoints(t, r)
	if len(problems) != 1 || !strings.Contains(problems[0], "data checksum") {
		t.Fatalf("problems = %q, want one data checksum problem", problems)
	}
	delete(want["simple/sub"]["loss"], 0)
	delete(want["simple/sub"]["inf"], 0)
	comparePoints(t, r.name, got, want["simple/sub"])
}
