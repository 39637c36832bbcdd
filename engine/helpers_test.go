package engine

import (
	"math"
	"testing"
)

// openDB opens a store in dir (in memory when dir is empty) and closes it
// when the test ends.
func openDB(t testing.TB, dir string, opts Options) *DB {
	t.Helper()
	opts.Dir, opts.InMemory = dir, dir == ""
	db, err := Open(opts)
	if err != nil {
		t.Fatalf("Open(%q): %v", dir, err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// newRun creates project p (if needed) and run id in it.
func newRun(t testing.TB, db *DB, project, id string) {
	t.Helper()
	if _, err := db.Project(project); err != nil {
		if err := db.CreateProject(Project{Name: project, Owner: "ana"}); err != nil {
			t.Fatalf("CreateProject(%q): %v", project, err)
		}
	}
	if _, err := db.CreateRun(Run{Project: project, ID: id}); err != nil {
		t.Fatalf("CreateRun(%q, %q): %v", project, id, err)
	}
}

// rowsOf returns one row per step, with key's value at step given by f.
func rowsOf(key string, steps []int64, f func(int64) float64) []Row {
	rows := make([]Row, len(steps))
	for i, s := range steps {
		rows[i] = Row{Step: s, Time: 1000 + float64(s), Metrics: []Metric{{key, f(s)}}}
	}
	return rows
}

func stepRange(lo, hi int64) []int64 {
	var s []int64
	for i := lo; i < hi; i++ {
		s = append(s, i)
	}
	return s
}

func mustAppend(t testing.TB, db *DB, project, run string, rows []Row) {
	t.Helper()
	if _, err := db.Append(project, run, rows); err != nil {
		t.Fatalf("Append(%s/%s, %d rows): %v", project, run, len(rows), err)
	}
}

// samePoints reports whether two point sets are equal, comparing values by
// their bits so that NaN equals NaN.
func samePoints(a, b Points) bool {
	if a.Len() != b.Len() {
		return false
	}
	for i := range a.Steps {
		if a.Steps[i] != b.Steps[i] ||
			math.Float64bits(a.Values[i]) != math.Float64bits(b.Values[i]) {
			return false
		}
	}
	return true
}

// want builds Points from a step-to-value map over the given steps.
func pointsOf(steps []int64, f func(int64) float64) Points {
	p := Points{}
	for _, s := range steps {
		p.Steps = append(p.Steps, s)
		p.Values = append(p.Values, f(s))
	}
	return p
}

func constant(v float64) func(int64) float64 { return func(int64) float64 { return v } }

func sine(s int64) float64 { return math.Sin(float64(s) / 10) }
