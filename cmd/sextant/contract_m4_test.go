package main

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// chartRun is what the test logged to one run: per key, step -> value.
type chartRun map[string]map[int64]float64

// chartData is the logged data of the chart section, by run id.
type chartData map[string]chartRun

// m4Point is one point of a series on the chart's axes.
type m4Point struct {
	x, y float64
	step int64
}

// makeChartRuns builds two runs with gaps, ties in y, non-finite values,
// a key present at every third step and an x-key present at even steps.
func makeChartRuns() chartData {
	rng := rand.New(rand.NewPCG(7, 11))
	data := chartData{"c1": {}, "c2": {}}
	for id, last := range map[string]int64{"c1": 2998, "c2": 1499} {
		r := data[id]
		for _, k := range []string{"loss", "acc", "x2", "_timestamp"} {
			r[k] = map[int64]float64{}
		}
		for step := int64(0); step <= last; step++ {
			if id == "c1" && step%7 == 3 {
				continue
			}
			loss := math.Round((math.Sin(float64(step)*0.013)*8 + rng.Float64()*3) * 4)
			switch {
			case step%97 == 13:
				loss = math.NaN()
			case step%89 == 5:
				loss = math.Inf(1 - 2*int(step%2))
			}
			r["loss"][step] = loss / 4
			if step%3 == 0 {
				r["acc"][step] = rng.Float64()
			}
			if step%2 == 0 && id == "c1" {
				r["x2"][step] = float64(step)*1.5 + 0.25
			}
			if step == 1000 && id == "c1" {
				r["x2"][step] = math.NaN() // no x: outside every range
			}
			r["_timestamp"][step] = 1.7e9 + float64(step)*0.25 + rng.Float64()*0.2
		}
	}
	return data
}

// jsonValue writes a logged value as the API takes it.
func jsonValue(v float64) string {
	switch {
	case math.IsNaN(v):
		return `"NaN"`
	case math.IsInf(v, 1):
		return `"Infinity"`
	case math.IsInf(v, -1):
		return `"-Infinity"`
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// rowsOf renders the rows of steps of run r, one JSON object each.
func rowsOf(r chartRun, steps []int64) []string {
	rows := make([]string, len(steps))
	for i, step := range steps {
		var b strings.Builder
		fmt.Fprintf(&b, `{"_step":%d`, step)
		for _, k := range []string{"loss", "acc", "x2", "_timestamp"} {
			if v, ok := r[k][step]; ok {
				fmt.Fprintf(&b, `,%q:%s`, k, jsonValue(v))
			}
		}
		rows[i] = b.String() + "}"
	}
	return rows
}

// logChartRuns sends the data in shuffled batches, JSON and NDJSON in
// turn, then sends one batch again with other values, which replace them.
func (c *contract) logChartRuns(t *testing.T, data chartData) {
	rng := rand.New(rand.NewPCG(3, 5))
	for id, r := range data {
		c.json(t, c.ana, "POST", "/api/v1/projects/charts/runs", `{"id":"`+id+`"}`, 201, nil)
		var steps []int64
		for step := range r["loss"] {
			steps = append(steps, step)
		}
		rng.Shuffle(len(steps), func(i, j int) { steps[i], steps[j] = steps[j], steps[i] })
		path := "/api/v1/projects/charts/runs/" + id + "/history"
		for i := 0; i < len(steps); i += 400 {
			rows := rowsOf(r, steps[i:min(i+400, len(steps))])
			if i%800 == 0 {
				c.json(t, c.ana, "POST", path, `{"rows":[`+strings.Join(rows, ",")+`]}`, 200,
					nil)
				continue
			}
			res := c.call(c.ana, "POST", path, "application/x-ndjson",
				strings.Join(rows, "\n"))
			if res.status != 200 {
				t.Fatalf("POST %s NDJSON = %d %s", path, res.status, res.body)
			}
		}
		again := steps[:100]
		for _, step := range again {
			if v := r["loss"][step]; !math.IsNaN(v) && !math.IsInf(v, 0) {
				r["loss"][step] = v + 0.5
			}
		}
		c.json(t, c.ana, "POST", path, `{"rows":[`+strings.Join(rowsOf(r, again), ",")+`]}`,
			200, nil)
	}
}

// fetchRuntime reads each run's _runtime from its history: the server
// computes it.
func (c *contract) fetchRuntime(t *testing.T, data chartData) {
	for id, r := range data {
		h := c.getHistory(t, "charts", id, "?keys=_runtime")
		r["_runtime"] = map[int64]float64{}
		for i, step := range h.Steps {
			var v float64
			if err := json.Unmarshal(h.Columns["_runtime"][i], &v); err != nil {
				t.Fatalf("_runtime of %s at step %d: %s", id, step, h.Columns["_runtime"][i])
			}
			r["_runtime"][step] = v
		}
		if len(r["_runtime"]) != len(r["loss"]) {
			t.Errorf("run %s: %d _runtime points, want one per row (%d)", id,
				len(r["_runtime"]), len(r["loss"]))
		}
	}
}

// points returns the points of key against x, in increasing x; points
// with no x are left out.
func (r chartRun) points(key, x string) []m4Point {
	var out []m4Point
	for step, y := range r[key] {
		xv, ok := float64(step), true
		if x != "_step" {
			xv, ok = r[x][step]
		}
		if ok && !math.IsNaN(xv) {
			out = append(out, m4Point{x: xv, y: y, step: step})
		}
	}
	slices.SortFunc(out, func(a, b m4Point) int {
		if a.x != b.x {
			return cmpFloat(a.x, b.x)
		}
		return int(a.step - b.step)
	})
	return out
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// bruteM4 applies the M4 definition of API.md point by point.
func bruteM4(pts []m4Point, xMin, xMax float64, width int) (xs, ys []float64, count int) {
	cols := map[int][]m4Point{}
	for _, p := range pts {
		if !(p.x >= xMin && p.x <= xMax) || math.IsNaN(p.y) || math.IsInf(p.y, 0) {
			continue
		}
		count++
		col := 0
		switch {
		case xMin == xMax:
		case p.x == xMax:
			col = width - 1
		default:
			col = int(math.Floor((p.x - xMin) * float64(width) / (xMax - xMin)))
		}
		cols[col] = append(cols[col], p)
	}
	var picked []m4Point
	for _, col := range cols { // each column's points are in increasing x
		lo, hi := col[0], col[0]
		for _, p := range col {
			if p.y < lo.y {
				lo = p
			}
			if p.y > hi.y {
				hi = p
			}
		}
		for _, p := range []m4Point{col[0], col[len(col)-1], lo, hi} {
			if !slices.Contains(picked, p) {
				picked = append(picked, p)
			}
		}
	}
	slices.SortFunc(picked, func(a, b m4Point) int { return cmpFloat(a.x, b.x) })
	for _, p := range picked {
		xs, ys = append(xs, p.x), append(ys, p.y)
	}
	return xs, ys, count
}

// chartAnswer is the answer of POST .../charts.
type chartAnswer struct {
	XMin   *float64 `json:"x_min"`
	XMax   *float64 `json:"x_max"`
	Series []struct {
		Run   string    `json:"run"`
		Key   string    `json:"key"`
		X     []float64 `json:"x"`
		Y     []float64 `json:"y"`
		Count int       `json:"count"`
	} `json:"series"`
}

func (c *contract) charts(t *testing.T) {
	c.json(t, c.ana, "POST", "/api/v1/projects", `{"name":"charts","team":"vision"}`, 201,
		nil)
	data := makeChartRuns()
	c.logChartRuns(t, data)
	c.fetchRuntime(t, data)

	for _, x := range []string{"_step", "_timestamp", "_runtime", "x2"} {
		t.Run("x="+x, func(t *testing.T) { c.chartsAlong(t, data, x) })
	}
	c.chartsByFilter(t, data)
	c.chartsLimits(t)
}

// chartsAlong compares the answers along x with the brute force, for
// several ranges and widths.
func (c *contract) chartsAlong(t *testing.T, data chartData, x string) {
	pts := data["c1"].points("loss", x)
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, id := range []string{"c1", "c2"} {
		for _, k := range []string{"loss", "acc"} {
			for _, p := range data[id].points(k, x) {
				if !math.IsNaN(p.x) {
					lo, hi = min(lo, p.x), max(hi, p.x)
				}
			}
		}
	}
	ranges := [][2]*float64{
		{nil, nil},
		{&pts[len(pts)/5].x, &pts[len(pts)*3/5].x},
		{ptr(pts[10].x - 0.5), ptr(pts[len(pts)/2].x + 0.5)},
		{&pts[100].x, &pts[100].x},
		{ptr(hi + 1), ptr(hi + 2)},
		{nil, &pts[len(pts)/3].x},
	}
	for _, rg := range ranges {
		for _, width := range []int{1, 3, 97, 1000, 20000} {
			req := map[string]any{"runs": []string{"c1", "c2"}, "keys": []string{"loss", "acc"},
				"x": x, "width": width}
			if x == "_step" && width == 97 {
				delete(req, "x") // _step is the default
			}
			if rg[0] != nil {
				req["x_min"] = *rg[0]
			}
			if rg[1] != nil {
				req["x_max"] = *rg[1]
			}
			xMin, xMax := lo, hi
			if rg[0] != nil {
				xMin = *rg[0]
			}
			if rg[1] != nil {
				xMax = *rg[1]
			}
			c.checkChart(t, data, req, xMin, xMax, width)
		}
	}
}

// checkChart sends one chart query and compares every series with the
// brute force.
func (c *contract) checkChart(t *testing.T, data chartData, req map[string]any,
	xMin, xMax float64, width int) {
	t.Helper()
	body, _ := json.Marshal(req)
	var ans chartAnswer
	c.json(t, c.ana, "POST", "/api/v1/projects/charts/charts", string(body), 200, &ans)
	if ans.XMin == nil || ans.XMax == nil || *ans.XMin != xMin || *ans.XMax != xMax {
		t.Errorf("chart %s: x_min, x_max = %v, %v; want %v, %v", body, show([]*float64{
			ans.XMin}), show([]*float64{ans.XMax}), xMin, xMax)
	}
	runs, _ := req["runs"].([]string)
	keys, _ := req["keys"].([]string)
	if len(ans.Series) != len(runs)*len(keys) {
		t.Fatalf("chart %s: %d series, want %d", body, len(ans.Series), len(runs)*len(keys))
	}
	for _, s := range ans.Series {
		x, _ := req["x"].(string)
		if x == "" {
			x = "_step"
		}
		xs, ys, count := bruteM4(data[s.Run].points(s.Key, x), xMin, xMax, width)
		if s.Count != count || !equalFloats(s.X, xs) || !equalFloats(s.Y, ys) {
			t.Errorf("chart %s, run %s key %s: got count %d, want %d; %s", body, s.Run,
				s.Key, s.Count, count, firstDiff(s.X, s.Y, xs, ys))
		}
	}
}

// firstDiff describes where two series first differ.
func firstDiff(gotX, gotY, wantX, wantY []float64) string {
	for i := range min(len(gotX), len(wantX), len(gotY), len(wantY)) {
		if gotX[i] != wantX[i] || gotY[i] != wantY[i] {
			return fmt.Sprintf("point %d: got (%v, %v), want (%v, %v); %d and %d points", i,
				gotX[i], gotY[i], wantX[i], wantY[i], len(gotX), len(wantX))
		}
	}
	return fmt.Sprintf("got %d points, want %d", len(gotX), len(wantX))
}

// equalFloats compares finite values as JSON numbers do: -0 equals 0,
// which the JSON answer writes as 0.
func equalFloats(a, b []float64) bool {
	return slices.Equal(a, b)
}

// chartsByFilter picks the runs by filter instead of by id.
func (c *contract) chartsByFilter(t *testing.T, data chartData) {
	body := `{"filter":"id = \"c2\"","keys":["loss"],"width":50}`
	var ans chartAnswer
	c.json(t, c.ana, "POST", "/api/v1/projects/charts/charts", body, 200, &ans)
	if len(ans.Series) != 1 || ans.Series[0].Run != "c2" {
		t.Fatalf("chart %s = %+v, want one series of run c2", body, ans)
	}
	xs, ys, count := bruteM4(data["c2"].points("loss", "_step"), 0, 1499, 50)
	s := ans.Series[0]
	if s.Count != count || !equalFloats(s.X, xs) || !equalFloats(s.Y, ys) {
		t.Errorf("chart %s: got count %d, want %d; %s", body, s.Count, count,
			firstDiff(s.X, s.Y, xs, ys))
	}

	body = `{"runs":["c1"],"keys":["loss"],"x_min":10,"x_max":60,"mode":"raw"}`
	c.json(t, c.ana, "POST", "/api/v1/projects/charts/charts", body, 200, &ans)
	var want []float64
	for _, p := range data["c1"].points("loss", "_step") {
		if p.x >= 10 && p.x <= 60 && !math.IsNaN(p.y) && !math.IsInf(p.y, 0) {
			want = append(want, p.x)
		}
	}
	if len(ans.Series) != 1 || !equalFloats(ans.Series[0].X, want) {
		t.Errorf("chart %s = %+v, want x %v", body, ans.Series, want)
	}
}

// chartsLimits checks the width bounds and the raw mode's 413.
func (c *contract) chartsLimits(t *testing.T) {
	const path = "/api/v1/projects/charts/charts"
	for _, w := range []string{"0", "20001", "-1"} {
		wantError(t, "chart width "+w, c.call(c.ana, "POST", path, "application/json",
			`{"runs":["c1"],"keys":["loss"],"width":`+w+`}`), 400, "width")
	}
	wantError(t, "chart without keys", c.call(c.ana, "POST", path, "application/json",
		`{"runs":["c1"]}`), 400, "keys")
	wantError(t, "chart x_min above x_max", c.call(c.ana, "POST", path, "application/json",
		`{"runs":["c1"],"keys":["loss"],"x_min":5,"x_max":4}`), 400, "x_min")

	c.json(t, c.ana, "POST", "/api/v1/projects/charts/runs", `{"id":"big"}`, 201, nil)
	var b strings.Builder
	for i := range 500_001 {
		fmt.Fprintf(&b, "{\"_step\":%d,\"v\":%d}\n", i, i%10)
		if (i+1)%100_000 == 0 || i == 500_000 {
			r := c.call(c.ana, "POST", "/api/v1/projects/charts/runs/big/history",
				"application/x-ndjson", b.String())
			if r.status != 200 {
				t.Fatalf("POST 100,000 rows = %d %s", r.status, r.body)
			}
			b.Reset()
		}
	}
	wantError(t, "raw chart over the limit", c.call(c.ana, "POST", path, "application/json",
		`{"runs":["big"],"keys":["v"],"mode":"raw"}`), 413)
	var ans chartAnswer
	c.json(t, c.ana, "POST", path, `{"runs":["big"],"keys":["v"],"width":10}`, 200, &ans)
	if len(ans.Series) != 1 || ans.Series[0].Count != 500_001 {
		t.Errorf("m4 chart of 500,001 points: %+v, want count 500001", ans.Series)
	}
}
