package query

import (
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/sextant-ml/sextant/engine"
)

func ptr[T any](v T) *T { return &v }

// seriesPoints returns what a Series holds as points, steps from X.
func seriesPoints(s Series) []point {
	out := make([]point, len(s.X))
	for i := range s.X {
		step := int64(s.X[i])
		if s.Steps != nil {
			step = s.Steps[i]
		}
		out[i] = point{x: s.X[i], y: s.Y[i], step: step}
	}
	return out
}

func TestChartM4MatchesBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for trial := range 60 {
		src := newMemSource(1 + r.IntN(2000))
		series := map[string]engine.Points{}
		for _, run := range []string{"a", "b", "c"} {
			p := randomSeries(r, 1+r.IntN(5000))
			src.add(run, "loss", p)
			series[run] = p
		}
		req := ChartRequest{Runs: []string{"a", "b", "c"}, Keys: []string{"loss"},
			Width: ptr(1 + r.IntN(500))}
		if r.IntN(2) == 0 {
			req.XMin = ptr(float64(r.IntN(3000)))
			req.XMax = ptr(*req.XMin + float64(r.IntN(6000)))
		}
		e := NewEngine(src, Options{Workers: 2, CacheBytes: -1})
		res, err := e.Chart("p", req)
		if err != nil {
			t.Fatalf("trial %d: Chart: %v", trial, err)
		}
		xMin, xMax := math.Inf(1), math.Inf(-1)
		for _, p := range series {
			xMin = min(xMin, float64(p.Steps[0]))
			xMax = max(xMax, float64(p.Steps[p.Len()-1]))
		}
		if req.XMin != nil {
			xMin, xMax = *req.XMin, *req.XMax
		}
		if res.XMin != xMin || res.XMax != xMax {
			t.Fatalf("trial %d: range = [%g, %g], want [%g, %g]",
				trial, res.XMin, res.XMax, xMin, xMax)
		}
		g := newGrid(xMin, xMax, *req.Width)
		for _, s := range res.Series {
			want := bruteM4(asPoints(series[s.Run]), g)
			if got := seriesPoints(s); !samePoints(got, want) {
				t.Fatalf("trial %d: run %s: got %d points, want %d", trial, s.Run,
					len(got), len(want))
			}
		}
	}
}

func TestChartOtherXAxis(t *testing.T) {
	src := newMemSource(4)
	y := engine.Points{}
	ts := engine.Points{}
	for s := int64(0); s < 40; s++ {
		ts.Steps = append(ts.Steps, s)
		ts.Values = append(ts.Values, 1000+float64(s/4)) // four rows share a time
		if s%3 != 0 {
			y.Steps = append(y.Steps, s)
			y.Values = append(y.Values, float64((s*7)%11))
		}
	}
	src.add("a", "loss", y)
	src.add("a", engine.KeyTimestamp, ts)
	e := NewEngine(src, Options{CacheBytes: -1})
	res, err := e.Chart("p", ChartRequest{Runs: []string{"a"}, Keys: []string{"loss"},
		X: engine.KeyTimestamp, Width: ptr(3)})
	if err != nil {
		t.Fatal(err)
	}
	var joined []point
	for i, s := range y.Steps {
		joined = append(joined, point{x: ts.Values[s], y: y.Values[i], step: s})
	}
	g := newGrid(joined[0].x, joined[len(joined)-1].x, 3)
	want := bruteM4(joined, g)
	s := res.Series[0]
	if got := seriesPoints(s); !samePoints(got, want) {
		t.Errorf("Chart(x=_timestamp) = %v, want %v", got, want)
	}
	if s.Count+s.NonFinite != len(joined) {
		t.Errorf("Count + NonFinite = %d, want %d", s.Count+s.NonFinite, len(joined))
	}
}

func TestChartModes(t *testing.T) {
	src := newMemSource(100)
	p := engine.Points{}
	for s := range int64(10_000) {
		p.Steps = append(p.Steps, s)
		p.Values = append(p.Values, math.Sin(float64(s)/300))
	}
	p.Values[500] = math.NaN()
	src.add("a", "loss", p)
	e := NewEngine(src, Options{CacheBytes: -1, MaxRawPoints: 5000})

	res, err := e.Chart("p", ChartRequest{Runs: []string{"a"}, Keys: []string{"loss"},
		Width: ptr(100), Mode: ModeLTTB})
	if err != nil {
		t.Fatal(err)
	}
	s := res.Series[0]
	if len(s.X) != 100 || s.X[0] != 0 || s.X[99] != 9999 {
		t.Errorf("lttb: %d points from %g to %g, want 100 from 0 to 9999",
			len(s.X), s.X[0], s.X[len(s.X)-1])
	}

	res, err = e.Chart("p", ChartRequest{Runs: []string{"a"}, Keys: []string{"loss"},
		Mode: ModeRaw, XMin: ptr(100.0), XMax: ptr(1099.0)})
	if err != nil {
		t.Fatal(err)
	}
	if s := res.Series[0]; len(s.X) != 999 || s.Count != 999 || s.NonFinite != 1 {
		t.Errorf("raw over 1000 steps with one NaN: %d points, count %d, non-finite %d; "+
			"want 999, 999, 1", len(s.X), s.Count, s.NonFinite)
	}

	_, err = e.Chart("p", ChartRequest{Runs: []string{"a"}, Keys: []string{"loss"},
		Mode: ModeRaw})
	if !errors.Is(err, ErrTooLarge) {
		t.Errorf("raw over 10000 points with limit 5000: error %v, want ErrTooLarge", err)
	}
}

func TestChartValidation(t *testing.T) {
	e := NewEngine(newMemSource(10), Options{CacheBytes: -1})
	tests := []struct {
		req  ChartRequest
		want string
	}{
		{ChartRequest{}, "keys: at least one metric key is required: invalid argument"},
		{ChartRequest{Keys: []string{"a"}, Width: ptr(0)},
			"width: must be 1 to 20000, got 0: invalid argument"},
		{ChartRequest{Keys: []string{"a"}, Mode: "fast"},
			"mode: must be m4, lttb or raw, got \"fast\": invalid argument"},
		{ChartRequest{Keys: []string{"a"}, XMin: ptr(2.0), XMax: ptr(1.0)},
			"x_min: must not be above x_max: invalid argument"},
		{ChartRequest{Keys: []string{"a"}, Smoothing: &Smoothing{Type: "ema", Weight: 1}},
			"smoothing.weight: must be in [0, 1), got 1: invalid argument"},
		{ChartRequest{Keys: []string{"a"}, Grouping: &Grouping{By: "group", Agg: "max"}},
			"grouping.agg: must be mean or median, got \"max\": invalid argument"},
		{ChartRequest{Keys: []string{"a"}, Filter: "state ="},
			"filter: at column 8: expected a field, a string, a number, true, false or " +
				"null, found the end of the filter"},
		{ChartRequest{Keys: []string{"a"}, Runs: []string{"nope"}},
			"runs[0]: \"nope\": run \"nope\": not found"},
	}
	for _, tt := range tests {
		_, err := e.Chart("p", tt.req)
		if err == nil || err.Error() != tt.want {
			t.Errorf("Chart(%+v) error = %v, want %q", tt.req, err, tt.want)
		}
		if !errors.Is(err, engine.ErrInvalid) && !errors.Is(err, engine.ErrNotFound) {
			t.Errorf("Chart(%+v) error %v is neither ErrInvalid nor ErrNotFound", tt.req, err)
		}
	}
}

func TestSmoothingEMA(t *testing.T) {
	pts := []point{{x: 0, y: 1}, {x: 1, y: 2}, {x: 2, y: 4}}
	got := smooth(Smoothing{Type: "ema", Weight: 0.5}, pts)
	// TensorBoard: last = 0.5, 1.25, 2.625 over debias 0.5, 0.75, 0.875.
	want := []float64{1, 1.25 / 0.75, 2.625 / 0.875}
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-12 {
			t.Errorf("ema(0.5)[%d] = %g, want %g", i, got[i], want[i])
		}
	}
	got = smooth(Smoothing{Type: "mean", Window: 2}, pts)
	if !slices.Equal(got, []float64{1, 1.5, 3}) {
		t.Errorf("mean(2) = %v, want [1 1.5 3]", got)
	}
	got = smooth(Smoothing{Type: "twema", Weight: 0}, pts)
	if !slices.Equal(got, []float64{1, 2, 4}) {
		t.Errorf("twema(0) = %v, want the points themselves", got)
	}
	got = smooth(Smoothing{Type: "gaussian", Sigma: 1}, []point{{y: 3}, {y: 3}, {y: 3}})
	if slices.ContainsFunc(got, func(v float64) bool { return math.Abs(v-3) > 1e-12 }) {
		t.Errorf("gaussian over a constant = %v, want it unchanged", got)
	}
}

func TestChartSmoothedAndGrouped(t *testing.T) {
	src := newMemSource(50)
	src.add("a", "loss", engine.Points{Steps: []int64{0, 10, 20}, Values: []float64{1, 2, 3}})
	src.add("b", "loss", engine.Points{Steps: []int64{5, 20}, Values: []float64{3, 5}})
	src.runs["a"].Group, src.runs["b"].Group = "g", "g"
	e := NewEngine(src, Options{CacheBytes: -1})
	res, err := e.Chart("p", ChartRequest{Runs: []string{"a", "b"}, Keys: []string{"loss"},
		Width: ptr(2), Smoothing: &Smoothing{Type: "mean", Window: 2},
		Grouping: &Grouping{By: "group"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Series[0].Smoothed; !slices.Equal(got, []float64{1, 1.5, 2.5}) {
		t.Errorf("run a smoothed_y = %v, want [1 1.5 2.5]", got)
	}
	// Columns [0,10) and [10,20]: a ends column 0 at step 0 (smoothed 1),
	// b at step 5 (3); in column 1 a ends at 20 (2.5), b at 20 (4).
	want := Group{Name: "g", Key: "loss", Runs: []string{"a", "b"},
		X: []float64{2.5, 20}, Y: []float64{2, 3.25}, Low: []float64{1, 2.5},
		High: []float64{3, 4}, N: []int{2, 2}}
	if len(res.Groups) != 1 || !sameGroup(res.Groups[0], want) {
		t.Errorf("groups = %+v, want [%+v]", res.Groups, want)
	}
}

func sameGroup(a, b Group) bool {
	return a.Name == b.Name && a.Key == b.Key && slices.Equal(a.Runs, b.Runs) &&
		slices.Equal(a.X, b.X) && slices.Equal(a.Y, b.Y) && slices.Equal(a.Low, b.Low) &&
		slices.Equal(a.High, b.High) && slices.Equal(a.N, b.N)
}

func TestChartJSONCache(t *testing.T) {
	src := newMemSource(10)
	src.add("a", "loss", engine.Points{Steps: []int64{0, 1}, Values: []float64{0.5, 2}})
	e := NewEngine(src, Options{})
	req := ChartRequest{Runs: []string{"a"}, Keys: []string{"loss"}, Width: ptr(10)}
	first, err := e.ChartJSON(nil, "p", req)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"x":"_step","mode":"m4","x_min":0,"x_max":1,"series":[{"run":"a",` +
		`"key":"loss","count":2,"non_finite":0,"x":[0,1],"y":[0.5,2]}]}`
	if string(first) != want {
		t.Errorf("ChartJSON = %s\nwant %s", first, want)
	}
	if !json.Valid(first) {
		t.Errorf("ChartJSON is not valid JSON: %s", first)
	}
	if _, err := e.ChartJSON(nil, "p", req); err != nil {
		t.Fatal(err)
	}
	if hits, _ := e.CacheStats(); hits != 1 {
		t.Errorf("second identical query: %d cache hits, want 1", hits)
	}
	src.add("a", "loss", engine.Points{Steps: []int64{0, 1, 2}, Values: []float64{0.5, 2, 7}})
	third, err := e.ChartJSON(nil, "p", req)
	if err != nil {
		t.Fatal(err)
	}
	if string(third) == string(first) {
		t.Errorf("after a new point the cached answer was served: %s", third)
	}
}

// TestChartOtherXAxisRandom checks M4 over x = another metric, with many
// equal x values and points without x, against the brute force.
func TestChartOtherXAxisRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for trial := range 40 {
		src := newMemSource(1 + r.IntN(500))
		y := randomSeries(r, 1+r.IntN(2000))
		var x engine.Points
		for _, s := range y.Steps {
			if r.IntN(8) == 0 {
				continue // no x at this step
			}
			v := float64(r.IntN(50))
			if r.IntN(30) == 0 {
				v = math.NaN()
			}
			x.Steps = append(x.Steps, s)
			x.Values = append(x.Values, v)
		}
		src.add("a", "loss", y)
		src.add("a", "epoch", x)
		width := 1 + r.IntN(60)
		e := NewEngine(src, Options{CacheBytes: -1})
		res, err := e.Chart("p", ChartRequest{Runs: []string{"a"}, Keys: []string{"loss"},
			X: "epoch", Width: &width})
		if err != nil {
			t.Fatal(err)
		}
		var joined []point
		k := 0
		for i, s := range y.Steps {
			for k < x.Len() && x.Steps[k] < s {
				k++
			}
			if k < x.Len() && x.Steps[k] == s && isFinite(x.Values[k]) {
				joined = append(joined, point{x: x.Values[k], y: y.Values[i], step: s})
			}
		}
		if len(joined) == 0 {
			continue
		}
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, p := range joined {
			lo, hi = min(lo, p.x), max(hi, p.x)
		}
		want := bruteM4(joined, newGrid(lo, hi, width))
		if got := seriesPoints(res.Series[0]); !samePoints(got, want) {
			t.Fatalf("trial %d: x=epoch width %d: got %v\nwant %v", trial, width, got, want)
		}
	}
}
