package engine

import (
	"errors"
	"strings"
	"testing"
)

func TestCreateProject(t *testing.T) {
	tests := []struct {
		name string
		p    Project
		want error
	}{
		{"ok", Project{Name: "mnist"}, nil},
		{"taken", Project{Name: "taken"}, ErrExists},
		{"empty name", Project{Name: ""}, ErrInvalid},
		{"slash", Project{Name: "a/b"}, ErrInvalid},
		{"dot dot", Project{Name: ".."}, ErrInvalid},
		{"too long", Project{Name: strings.Repeat("a", MaxIDLen+1)}, ErrInvalid},
		{"bad visibility", Project{Name: "v", Visibility: "secret"}, ErrInvalid},
	}
	db := openDB(t, "", Options{})
	if err := db.CreateProject(Project{Name: "taken"}); err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := db.CreateProject(tt.p)
			if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
				t.Fatalf("CreateProject(%+v) = %v, want %v", tt.p, err, tt.want)
			}
			if err != nil {
				return
			}
			got, err := db.Project(tt.p.Name)
			if err != nil || got.Visibility != "private" || got.Created.IsZero() {
				t.Errorf("Project(%q) = %+v, %v; want private, created set", tt.p.Name, got, err)
			}
		})
	}
	ps, _ := db.Projects()
	if len(ps) != 2 || ps[0].Name != "mnist" || ps[1].Name != "taken" {
		t.Errorf("Projects() = %+v, want mnist and taken", ps)
	}
	if _, err := db.Project("nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Project(nope) = %v, want ErrNotFound", err)
	}
}

func TestCreateRun(t *testing.T) {
	tests := []struct {
		name string
		r    Run
		want error
	}{
		{"generated id", Run{Project: "p"}, nil},
		{"given id", Run{Project: "p", ID: "run-1", Name: "first", Tags: []string{"a"}}, nil},
		{"taken", Run{Project: "p", ID: "taken"}, ErrExists},
		{"unknown project", Run{Project: "q", ID: "x"}, ErrNotFound},
		{"bad id", Run{Project: "p", ID: "a b"}, ErrInvalid},
		{"bad state", Run{Project: "p", ID: "s", State: "paused"}, ErrInvalid},
	}
	db := openDB(t, "", Options{})
	newRun(t, db, "p", "taken")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := db.CreateRun(tt.r)
			if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
				t.Fatalf("CreateRun(%+v) = %v, want %v", tt.r, err, tt.want)
			}
			if err != nil {
				return
			}
			if got.ID == "" || validateID("run id", got.ID) != nil {
				t.Errorf("CreateRun: id %q is not a valid id", got.ID)
			}
			if got.State != StateRunning || got.LastStep != -1 || got.Created.IsZero() {
				t.Errorf("CreateRun = %+v; want running, last step -1, created set", got)
			}
			stored, err := db.Run("p", got.ID)
			if err != nil || stored.Name != tt.r.Name {
				t.Errorf("Run(p, %q) = %+v, %v", got.ID, stored, err)
			}
		})
	}
}

func TestUpdateRun(t *testing.T) {
	dir := t.TempDir()
	db := openDB(t, dir, Options{})
	if err := db.CreateProject(Project{Name: "p"}); err != nil {
		t.Fatal(err)
	}
	_, err := db.CreateRun(Run{Project: "p", ID: "r", Config: map[string]any{"lr": 0.1, "bs": 32.0}})
	if err != nil {
		t.Fatal(err)
	}
	before, _ := db.Run("p", "r")
	name, state := "renamed", StateFinished
	tags := []string{"best"}
	got, err := db.UpdateRun("p", "r", RunPatch{Name: &name, State: &state, Tags: &tags,
		Config: map[string]any{"lr": 0.01, "wd": 0.1}})
	if err != nil {
		t.Fatalf("UpdateRun: %v", err)
	}
	check := func(call string, r Run) {
		t.Helper()
		if r.Name != name || r.State != state || len(r.Tags) != 1 ||
			r.Config["lr"] != 0.01 || r.Config["bs"] != 32.0 || r.Config["wd"] != 0.1 {
			t.Errorf("%s = %+v; want the patch applied and config merged", call, r)
		}
	}
	check("UpdateRun", got)
	if before.Name != "" || before.Config["lr"] != 0.1 {
		t.Errorf("snapshot taken before the update changed: %+v", before)
	}
	db.Close()
	db = openDB(t, dir, Options{})
	after, err := db.Run("p", "r")
	if err != nil {
		t.Fatal(err)
	}
	check("Run after reopen", *after)

	bad := "paused"
	if _, err := db.UpdateRun("p", "r", RunPatch{State: &bad}); !errors.Is(err, ErrInvalid) {
		t.Errorf("UpdateRun(state paused) = %v, want ErrInvalid", err)
	}
	if _, err := db.UpdateRun("p", "nope", RunPatch{}); !errors.Is(err, ErrNotFound) {
		t.Errorf("UpdateRun(nope) = %v, want ErrNotFound", err)
	}
}

func TestRunsSnapshots(t *testing.T) {
	db := openDB(t, "", Options{})
	for _, id := range []string{"c", "a", "b"} {
		newRun(t, db, "p", id)
	}
	first, _ := db.Runs("p")
	second, _ := db.Runs("p")
	if len(first) != 3 || first[0].ID != "c" || first[2].ID != "b" {
		t.Fatalf("Runs = %v, want c, a, b in creation order", ids(first))
	}
	for i := range first {
		if first[i] != second[i] {
			t.Errorf("Runs()[%d]: a new snapshot without a change", i)
		}
	}
	mustAppend(t, db, "p", "a", rowsOf("x", []int64{0}, func(int64) float64 { return 1 }))
	third, _ := db.Runs("p")
	if third[1] == first[1] || first[1].LastStep != -1 || third[1].LastStep != 0 {
		t.Errorf("after Append: old snapshot last step %d, new %d; want -1 and 0 in a new snapshot",
			first[1].LastStep, third[1].LastStep)
	}
	if third[0] != first[0] {
		t.Errorf("Append to run a made a new snapshot of run c")
	}
	if _, err := db.Runs("nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Runs(nope) = %v, want ErrNotFound", err)
	}
}

func ids(runs []*Run) []string {
	var out []string
	for _, r := range runs {
		out = append(out, r.ID)
	}
	return out
}
