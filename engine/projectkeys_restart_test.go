package engine

import (
	"math"
	"slices"
	"testing"
)

// TestProjectKeysAfterRestart checks that the project's key union, which
// the automatic workspace layout reads, is rebuilt on Open, both from
// sealed series and from series still in the write-ahead log.
func TestProjectKeysAfterRestart(t *testing.T) {
	for _, closeCleanly := range []bool{true, false} {
		dir := t.TempDir()
		db, err := Open(Options{Dir: dir})
		if err != nil {
			t.Fatal(err)
		}
		if err := db.CreateProject(Project{Name: "p", Owner: "u", Visibility: "private"}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.CreateRun(Run{Project: "p", ID: "r"}); err != nil {
			t.Fatal(err)
		}
		rows := []Row{{Step: 0, Time: math.NaN(), Metrics: []Metric{
			{Key: "train/loss", Value: 1}, {Key: "val/acc", Value: 0.5}}}}
		if _, err := db.Append("p", "r", rows); err != nil {
			t.Fatal(err)
		}
		if closeCleanly {
			if err := db.Close(); err != nil {
				t.Fatal(err)
			}
		} else {
			dir = copyDir(t, dir)
		}

		db, err = Open(Options{Dir: dir})
		if err != nil {
			t.Fatalf("reopen (clean close %v): %v", closeCleanly, err)
		}
		got, err := db.ProjectKeys("p")
		want := []string{"train/loss", "val/acc"}
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("ProjectKeys after restart (clean close %v) = %q, %v; want %q",
				closeCleanly, got, err, want)
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
	}
}
