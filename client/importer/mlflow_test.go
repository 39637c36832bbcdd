package importer

import (
	"math"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/sextant-ml/sextant/client"
)

// testdata/mlruns was written by mlflow 3.17 (file store), then given a
// deleted run and a metric file in the old two-column format with a bad
// line.
const mlrunsRun = "testdata/mlruns/514263932859779517/d4e8e5de19db464ab11c8f27c889f6a5"

func TestFindExperiments(t *testing.T) {
	exps, err := findExperiments("testdata/mlruns")
	if err != nil {
		t.Fatalf("findExperiments: %v", err)
	}
	var names []string
	for _, e := range exps {
		names = append(names, e.name)
	}
	if want := []string{"Default", "exp one"}; !reflect.DeepEqual(names, want) {
		t.Errorf("experiment names = %v, want %v", names, want)
	}
	if len(exps[1].runs) != 2 {
		t.Errorf("runs of exp one = %v, want 2 folders (one deleted)", exps[1].runs)
	}
}

func TestReadMLflowRun(t *testing.T) {
	run, err := readMLflowRun(mlrunsRun)
	if err != nil {
		t.Fatalf("readMLflowRun: %v", err)
	}
	spec, patch := mlflowRunSpec(run)
	if spec.ID != "d4e8e5de19db464ab11c8f27c889f6a5" || spec.Name != "r1" {
		t.Errorf("run id, name = %q, %q; want the MLflow run id and r1", spec.ID, spec.Name)
	}
	if spec.Config["lr"] != "0.01" || !reflect.DeepEqual(spec.Tags, []string{"team:cv"}) {
		t.Errorf("config %v, tags %v; want lr \"0.01\" and [team:cv]", spec.Config, spec.Tags)
	}
	if *patch.State != "finished" {
		t.Errorf("state = %q, want finished (status 3)", *patch.State)
	}
	deleted, err := readMLflowRun(filepath.Join(filepath.Dir(mlrunsRun),
		"0badc0de0badc0de0badc0de0badc0de"))
	if deleted != nil || err != nil {
		t.Errorf("readMLflowRun(deleted run) = %v, %v; want nil, nil", deleted, err)
	}
}

func TestReadMetrics(t *testing.T) {
	var read int64
	rows, problems, err := readMetrics(filepath.Join(mlrunsRun, "metrics"),
		func(n int64) { read += n })
	if err != nil {
		t.Fatalf("readMetrics: %v", err)
	}
	if len(problems) != 1 || !strings.Contains(problems[0], "old_format:3") {
		t.Errorf("problems = %q, want the bad line old_format:3", problems)
	}
	want := []client.Row{
		{Step: 0, Time: 1796314232.1, Metrics: map[string]float64{
			"train/loss": 1, "nanm": math.NaN(), "old_format": 0.5}},
		{Step: 1, Time: 1796314232.029, Metrics: map[string]float64{"train/loss": 0.5}},
		{Step: 2, Time: 1796314232.049, Metrics: map[string]float64{"train/loss": 1.0 / 3}},
		{Step: 4, Time: 1796314232.2, Metrics: map[string]float64{"old_format": math.Inf(1)}},
	}
	if len(rows) != len(want) {
		t.Fatalf("readMetrics rows = %+v, want %+v", rows, want)
	}
	for i := range want {
		if got := string(rows[i].AppendJSON(nil)); got != string(want[i].AppendJSON(nil)) {
			t.Errorf("row %d = %s, want %s", i, got, want[i].AppendJSON(nil))
		}
	}
	if read == 0 {
		t.Errorf("readMetrics reported no bytes read")
	}
}
