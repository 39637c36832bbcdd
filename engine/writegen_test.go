package engine

import (
	"math"
	"testing"
)

// TestWriteGenCountsEveryWrite checks that every kind of accepted write
// moves Run.WriteGen by one, that a metadata change and a failed write do
// not, and that the count survives a clean restart, in heads and sealed.
func TestWriteGenCountsEveryWrite(t *testing.T) {
	writes := []struct {
		name string
		rows []Row
	}{
		{"new points", rowsOf("loss", stepRange(0, 10), sine)},
		{"rewrite, same value", rowsOf("loss", []int64{3}, sine)},
		{"rewrite, new value", rowsOf("loss", []int64{3}, constant(9))},
		{"late point", rowsOf("acc", []int64{1}, constant(0.5))},
		{"sparse rows", []Row{
			{Step: 20, Time: 1020, Metrics: []Metric{{"loss", 1}}},
			{Step: 21, Time: 1021, Metrics: []Metric{{"acc", 2}}},
		}},
		{"next step", []Row{{Step: -1, Time: math.NaN(), Metrics: []Metric{{"loss", 3}}}}},
		{"no metric", []Row{{Step: 30, Time: 1030}}},
		{"fills heads", rowsOf("loss", stepRange(40, 60), sine)},
	}
	for _, maxHead := range []int{1000, 8} {
		dir := t.TempDir()
		opts := Options{HeadMaxPoints: maxHead}
		db := openDB(t, dir, opts)
		newRun(t, db, "p", "r")
		r, _ := db.Run("p", "r")
		if r.WriteGen != 0 {
			t.Fatalf("head %d: WriteGen of a new run = %d, want 0", maxHead, r.WriteGen)
		}
		inc := r.Incarnation
		for i, w := range writes {
			mustAppend(t, db, "p", "r", w.rows)
			if r, _ = db.Run("p", "r"); r.WriteGen != uint64(i+1) {
				t.Errorf("head %d: after %s WriteGen = %d, want %d",
					maxHead, w.name, r.WriteGen, i+1)
			}
		}
		want := uint64(len(writes))
		notes := "x"
		if _, err := db.UpdateRun("p", "r", RunPatch{Notes: &notes}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Append("p", "r", []Row{{Step: 1, Metrics: []Metric{{"", 1}}}}); err == nil {
			t.Fatal("Append of an empty key: no error")
		}
		if r, _ = db.Run("p", "r"); r.WriteGen != want {
			t.Errorf("head %d: after UpdateRun and a failed Append WriteGen = %d, want %d",
				maxHead, r.WriteGen, want)
		}

		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
		db = openDB(t, dir, opts)
		r, _ = db.Run("p", "r")
		if r.WriteGen != want || r.Incarnation != inc {
			t.Errorf("head %d: after a clean restart WriteGen %d, Incarnation %d; want %d, %d",
				maxHead, r.WriteGen, r.Incarnation, want, inc)
		}
		mustAppend(t, db, "p", "r", rowsOf("loss", []int64{3}, constant(8)))
		if r, _ = db.Run("p", "r"); r.WriteGen != want+1 {
			t.Errorf("head %d: write after restart: WriteGen %d, want %d",
				maxHead, r.WriteGen, want+1)
		}
	}
}

// TestWriteGenReplay checks that the log's replay after a crash counts the
// batches it applies again, on top of the last run record.
func TestWriteGenReplay(t *testing.T) {
	dir := t.TempDir()
	db := openDB(t, dir, Options{HeadMaxPoints: 1000})
	newRun(t, db, "p", "r")
	for i := range int64(5) {
		mustAppend(t, db, "p", "r", rowsOf("loss", []int64{i, 0}, constant(float64(i))))
	}
	crashed := openDB(t, copyDir(t, dir), Options{HeadMaxPoints: 1000})
	if r, _ := crashed.Run("p", "r"); r.WriteGen != 5 {
		t.Errorf("WriteGen after replay = %d, want 5", r.WriteGen)
	}
}

// TestWriteGenRecreatedRun checks that a run deleted and created again
// under the same id, then written as often, differs in Incarnation.
func TestWriteGenRecreatedRun(t *testing.T) {
	db := openDB(t, "", Options{})
	newRun(t, db, "p", "r")
	mustAppend(t, db, "p", "r", rowsOf("loss", []int64{0}, constant(1)))
	old, _ := db.Run("p", "r")
	if err := db.DeleteRun("p", "r"); err != nil {
		t.Fatal(err)
	}
	newRun(t, db, "p", "r")
	mustAppend(t, db, "p", "r", rowsOf("loss", []int64{0}, constant(2)))
	r, _ := db.Run("p", "r")
	if r.WriteGen != old.WriteGen || r.Incarnation == old.Incarnation {
		t.Errorf("recreated run: WriteGen %d, Incarnation %d; old run %d, %d",
			r.WriteGen, r.Incarnation, old.WriteGen, old.Incarnation)
	}
}
