package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/sextant-ml/sextant/bench/harness"
	"github.com/sextant-ml/sextant/bench/stores"
	"github.com/sextant-ml/sextant/engine"
)

// runsPhase fills one project with -table-runs runs, each with a config,
// tags, a group, a state and one logged row (so that it has a summary),
// then serves the store from a child process and times the runs table's
// queries over HTTP, as the web UI's filter box and column sort send them.
func runsPhase(c config, r *report) error {
	dir, err := os.MkdirTemp(c.workDir, "runs-")
	if err != nil {
		return err
	}
	defer func() { _ = os.RemoveAll(dir) }() // a temporary directory
	progress("runs: creating %d runs", c.tableRuns)
	load, err := loadTableRuns(c, filepath.Join(dir, "db"))
	if err != nil {
		return err
	}
	srv, err := startServer(dir)
	if err != nil {
		return err
	}
	defer srv.Stop() //nolint:errcheck // a second Stop after the one below fails harmlessly
	client := srv.NewClient(1)

	t := table{
		title: fmt.Sprintf("Runs table over HTTP: %d runs in one project, pages of %d",
			c.tableRuns, runsPageSize),
		header: []string{"query", "matching", "n", "median", "p99", "max"},
	}
	var next string
	missed := false
	for _, q := range runsQueries {
		if q.fromCursor && next == "" {
			return errors.New("runs: the query before the cursor query gave no next page")
		}
		params := q.params(next)
		// The first answer is checked, not timed: a full page, or every
		// match when there are fewer.
		page, err := runsPage(client, params)
		if err != nil {
			return fmt.Errorf("runs query %q: %w", q.name, err)
		}
		if len(page.Runs) == 0 {
			return fmt.Errorf("runs query %q matched no run", q.name)
		}
		next = page.Next
		lat, err := timeLoop(c.queries, c.budget, func(int) (time.Duration, error) {
			start := time.Now()
			_, err := runsPage(client, params)
			return time.Since(start), err
		})
		if err != nil {
			return fmt.Errorf("runs query %q: %w", q.name, err)
		}
		matching := fmt.Sprintf("%d of the page", len(page.Runs))
		if len(page.Runs) == runsPageSize {
			matching = fmt.Sprintf("≥ %d", runsPageSize)
		}
		t.rows = append(t.rows, []string{q.name, matching, fmt.Sprint(len(lat)),
			ms(lat.Quantile(0.5)), ms(lat.Quantile(0.99)), ms(lat.Quantile(1))})
		if q.filter != "" && lat.Quantile(0.5) > 100*time.Millisecond {
			missed = true
		}
	}
	if _, err := srv.Stop(); err != nil {
		return err
	}
	verdict := "met"
	if missed {
		verdict = "MISSED"
	}
	t.notes = append(t.notes,
		fmt.Sprintf("Filters: %s. Creating the runs through the engine took %s.",
			runsFilterNote(), load.Round(time.Millisecond)),
		fmt.Sprintf("Target: %d runs filtered and sorted in at most 100 ms (median of the "+
			"filtered and sorted queries): %s.", c.tableRuns, verdict),
		"Latency is from sending GET /api/v1/projects/{p}/runs to reading the last byte of "+
			"the answer, one query at a time on one connection, up to the -queries flag or "+
			"the -query-budget of time.")
	r.add(t)
	return nil
}

// runsPageSize is the page the phase's queries ask for, the web UI's.
const runsPageSize = 100

// runsQuery is one of the runs table's queries the phase times. The
// target is about those with a filter (filtered and sorted).
type runsQuery struct {
	name, filter, sort string
	desc               bool
	fromCursor         bool // the page after the previous query's
}

var runsQueries = []runsQuery{
	{name: "first page, newest first"},
	{name: "config and summary filter, sorted by a summary",
		filter: `config.lr < 0.001 and summary.val/acc > 0.3 and state != "failed"`,
		sort:   "summary.val/acc", desc: true},
	{name: "next page of it (cursor)",
		filter: `config.lr < 0.001 and summary.val/acc > 0.3 and state != "failed"`,
		sort:   "summary.val/acc", desc: true, fromCursor: true},
	{name: "name regular expression, sorted by name",
		filter: `name =~ "^sweep-7-"`, sort: "name"},
	{name: "tag and group, sorted by a config key",
		filter: `"baseline" in tags and group in ["sweep-10", "sweep-20"]`,
		sort:   "config.optimizer.lr"},
}

// params returns the query's URL parameters, from the cursor next when it
// pages on.
func (q runsQuery) params(next string) string {
	v := url.Values{"limit": {fmt.Sprint(runsPageSize)}}
	if q.filter != "" {
		v.Set("filter", q.filter)
	}
	if q.sort != "" {
		v.Set("sort", q.sort)
	}
	if q.desc {
		v.Set("order", "desc")
	}
	if q.fromCursor {
		v.Set("cursor", next)
	}
	return v.Encode()
}

// runsFilterNote lists the phase's filters once each, as Markdown code.
func runsFilterNote() string {
	var out []string
	for _, q := range runsQueries {
		f := "`" + q.filter + "`"
		if q.filter != "" && !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return strings.Join(out, ", ")
}

// runsAnswer is the part of a runs page the phase reads.
type runsAnswer struct {
	Runs []json.RawMessage `json:"runs"`
	Next string            `json:"next"`
}

// runsPage asks for one page of the project's runs.
func runsPage(c *harness.Client, params string) (runsAnswer, error) {
	var page runsAnswer
	path := "/api/v1/projects/" + url.PathEscape(stores.Project) + "/runs?" + params
	err := c.Do(context.Background(), http.MethodGet, path, "", nil, &page)
	return page, err
}

// tableWriters is how many goroutines create the runs phase's runs.
const tableWriters = 64

// loadTableRuns creates the runs of the phase through the engine API, from
// tableWriters goroutines, each run with one row of train/loss and val/acc,
// and closes the store cleanly.
func loadTableRuns(c config, dir string) (time.Duration, error) {
	db, err := engine.Open(engine.Options{Dir: dir})
	if err != nil {
		return 0, err
	}
	p := engine.Project{Name: stores.Project, Owner: "admin", Visibility: "private",
		Created: time.Now()}
	if err := db.CreateProject(p); err != nil {
		return 0, errors.Join(err, db.Close())
	}
	states := []string{engine.StateFinished, engine.StateFinished, engine.StateFailed,
		engine.StateRunning}
	optimizers := []string{"adam", "adamw", "sgd"}
	start := time.Now()
	// Many writers, as many clients starting runs would be: each creation
	// and each row is synced before it returns, and concurrent ones share
	// a sync.
	err = forEachRun(tableWriters, c.tableRuns, func(i int) error {
		rng := rand.New(rand.NewPCG(uint64(i), 7))
		tags := []string{optimizers[i%3]}
		if i%10 == 0 {
			tags = append(tags, "baseline")
		}
		run := engine.Run{Project: stores.Project, ID: fmt.Sprintf("run-%06d", i),
			Name:  fmt.Sprintf("sweep-%d-%d", i%50, i),
			Group: fmt.Sprintf("sweep-%d", i%50), JobType: "train", Tags: tags,
			State: states[i%len(states)],
			Config: map[string]any{
				"lr":         1e-5 * float64(1+rng.IntN(1000)),
				"batch_size": 32 << rng.IntN(4),
				"seed":       i,
				"optimizer":  map[string]any{"name": optimizers[i%3], "lr": rng.Float64()},
			},
			Created: start.Add(time.Duration(i) * time.Second)}
		if _, err := db.CreateRun(run); err != nil {
			return err
		}
		row := engine.Row{Step: 1000, Time: float64(start.Unix()), Metrics: []engine.Metric{
			{Key: "train/loss", Value: 3 * rng.Float64()},
			{Key: "val/acc", Value: rng.Float64()}}}
		_, err := db.Append(stores.Project, run.ID, []engine.Row{row})
		return err
	})
	elapsed := time.Since(start)
	return elapsed, errors.Join(err, db.Close())
}
