package mlflowmap

import (
	"errors"
	"math"
	"sort"
	"testing"
)

var searchRuns = []RunView{
	{Metrics: map[string]float64{"acc": 0.9, "val loss": 0.2}, Params: map[string]string{"lr": "0.01"},
		Tags:       map[string]string{"team": "cv"},
		Attributes: map[string]any{"run_name": "alpha", "status": "FINISHED", "start_time": 3.0}},
	{Metrics: map[string]float64{"acc": 0.5, "val loss": math.NaN()},
		Params:     map[string]string{"lr": "0.1"},
		Tags:       map[string]string{"team": "nlp"},
		Attributes: map[string]any{"run_name": "beta", "status": "RUNNING", "start_time": 1.0}},
	{Metrics: map[string]float64{}, Params: map[string]string{},
		Attributes: map[string]any{"run_name": "Gamma", "status": "FAILED", "start_time": 2.0}},
}

func matching(t *testing.T, filter string) []string {
	t.Helper()
	f, err := ParseFilter(filter)
	if err != nil {
		t.Fatalf("ParseFilter(%q): %v", filter, err)
	}
	var names []string
	for _, r := range searchRuns {
		if f.Match(r) {
			names = append(names, r.Attributes["run_name"].(string))
		}
	}
	return names
}

func TestFilter(t *testing.T) {
	tests := []struct {
		filter string
		want   []string
	}{
		{"", []string{"alpha", "beta", "Gamma"}},
		{"metrics.acc > 0.6", []string{"alpha"}},
		{"metrics.acc >= 0.5 and params.lr = '0.1'", []string{"beta"}},
		{"metric.`val loss` < 1", []string{"alpha"}},
		{`metrics."val loss" != 0.2`, []string{"beta"}},
		{"tags.team IN ('cv', 'nlp')", []string{"alpha", "beta"}},
		{"tags.team NOT IN ('cv')", []string{"beta"}},
		{"tags.team IS NULL", []string{"Gamma"}},
		{"attributes.run_name LIKE 'a%'", []string{"alpha"}},
		{"run_name ILIKE 'g%'", []string{"Gamma"}},
		{"attributes.status = \"FAILED\"", []string{"Gamma"}},
		{"attributes.start_time < 2.5 AND attributes.start_time > 0", []string{"beta", "Gamma"}},
	}
	for _, tt := range tests {
		t.Run(tt.filter, func(t *testing.T) {
			got := matching(t, tt.filter)
			if len(got) != len(tt.want) {
				t.Fatalf("runs matching %q = %v, want %v", tt.filter, got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("runs matching %q = %v, want %v", tt.filter, got, tt.want)
				}
			}
		})
	}
}

func TestFilterErrors(t *testing.T) {
	for _, filter := range []string{
		"metrics.acc >", "metrics.acc ~ 1", "params.lr = 'x", "metrics.acc > 1 or x = 2",
		"params.lr = abc", "tags.t IN 'a'", "metrics. > 1",
	} {
		if _, err := ParseFilter(filter); !errors.Is(err, ErrFilter) {
			t.Errorf("ParseFilter(%q) = %v, want ErrFilter", filter, err)
		}
	}
}

func TestOrder(t *testing.T) {
	tests := []struct {
		terms []string
		want  []string
	}{
		{nil, []string{"alpha", "Gamma", "beta"}},
		{[]string{"metrics.acc"}, []string{"beta", "alpha", "Gamma"}},
		{[]string{"metrics.acc DESC"}, []string{"alpha", "beta", "Gamma"}},
		{[]string{"attributes.run_name ASC"}, []string{"Gamma", "alpha", "beta"}},
	}
	for _, tt := range tests {
		o, err := ParseOrder(tt.terms)
		if err != nil {
			t.Fatalf("ParseOrder(%q): %v", tt.terms, err)
		}
		runs := append([]RunView{}, searchRuns...)
		sort.SliceStable(runs, func(i, j int) bool { return o.Less(runs[i], runs[j]) })
		for i, r := range runs {
			if r.Attributes["run_name"] != tt.want[i] {
				t.Errorf("order %q: position %d = %v, want %v",
					tt.terms, i, r.Attributes["run_name"], tt.want[i])
			}
		}
	}
}

func TestWireNumbers(t *testing.T) {
	var m Metric
	in := `{"key":"a","value":"NaN","timestamp":"1700000000123","step":"5"}`
	if err := jsonUnmarshal(in, &m); err != nil {
		t.Fatalf("unmarshal %s: %v", in, err)
	}
	if !math.IsNaN(float64(m.Value)) || m.Timestamp != 1700000000123 || m.Step != 5 {
		t.Errorf("unmarshal %s = %+v", in, m)
	}
	m.Value = Float(math.Inf(-1))
	want := `{"key":"a","value":"-Infinity","timestamp":1700000000123,"step":5}`
	if out, _ := jsonMarshal(m); out != want {
		t.Errorf("marshal %+v = %s, want %s", m, out, want)
	}
}
