package workspace

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/sextant-ml/sextant/engine"
)

func TestViews(t *testing.T) {
	st := openMem(t)
	a, err := st.CreateView("p", "ana", View{Name: "zoomed", Spec: specWith("z")})
	if err != nil || a.ID == "" || a.CreatedBy != "ana" {
		t.Fatalf("CreateView = %+v, %v", a, err)
	}
	b, err := st.CreateView("p", "bob", View{Name: "all", Spec: specWith("all")})
	if err != nil {
		t.Fatal(err)
	}
	other := View{Name: "other project", Spec: specWith("o")}
	if _, err := st.CreateView("q", "bob", other); err != nil {
		t.Fatal(err)
	}

	views, err := st.Views("p")
	if err != nil || len(views) != 2 || views[0].ID != b.ID || views[1].ID != a.ID {
		t.Fatalf("Views(p) = %d views, %v; want [all, zoomed]", len(views), err)
	}
	up, err := st.UpdateView("p", a.ID, "bob", "renamed", specWith("z2"), time.Time{})
	if err != nil || up.Name != "renamed" || up.UpdatedBy != "bob" || up.CreatedBy != "ana" {
		t.Errorf("UpdateView = %+v, %v", up, err)
	}
	_, err = st.UpdateView("p", a.ID, "bob", "", specWith("z"), time.Time{})
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "name") {
		t.Errorf("UpdateView(empty name) = %v, want ErrInvalid naming name", err)
	}
	_, err = st.UpdateView("p", a.ID, "carl", "stale", specWith("z"), a.Updated)
	if !errors.Is(err, ErrSavedSince) || !errors.Is(err, ErrConflict) {
		t.Errorf("UpdateView(from the version before bob's) = %v, want ErrSavedSince", err)
	}
	if v, _ := st.View("p", a.ID); v.Name != "renamed" {
		t.Errorf("view after the refused update is named %q, want renamed", v.Name)
	}
	if _, err := st.UpdateView("p", a.ID, "carl", "fresh", specWith("z"), up.Updated); err != nil {
		t.Errorf("UpdateView(from the current version) = %v", err)
	}
	if _, err := st.View("q", a.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("View(other project) = %v, want ErrNotFound", err)
	}
	if err := st.DeleteView("p", a.ID); err != nil {
		t.Errorf("DeleteView = %v", err)
	}
	if err := st.DeleteView("p", a.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("DeleteView(twice) = %v, want ErrNotFound", err)
	}
}

const reportJSON = `{"title": "Week 12", "mode": "static", "blocks": [
  {"type": "text", "markdown": "# Results"},
  {"type": "panels", "name": "best", "runs": ["r1", "r2"], "panels": [
    {"id": "p1", "kind": "line", "keys": ["loss"], "x": "epoch"}]},
  {"type": "panels", "name": "all", "runs": {"filter": "state = finished"}, "panels": [
    {"id": "p2", "kind": "bar", "keys": ["acc"]}]}
]}`

func TestDecodeReport(t *testing.T) {
	r, err := DecodeReport([]byte(reportJSON))
	if err != nil {
		t.Fatalf("DecodeReport = %v", err)
	}
	if got := r.Blocks[1].Runs.IDs; len(got) != 2 || r.Blocks[2].Runs.Filter == "" {
		t.Errorf("DecodeReport: run sets %+v, %+v", r.Blocks[1].Runs, r.Blocks[2].Runs)
	}
	if got := strings.Join(r.Blocks[1].Keys(), ","); got != "loss,epoch" {
		t.Errorf("Block.Keys() = %q, want \"loss,epoch\"", got)
	}
	tests := []struct{ name, old, new, field string }{
		{"no title", `"Week 12"`, `""`, "title"},
		{"bad mode", `"static"`, `"frozen"`, "mode"},
		{"bad type", `"type": "text"`, `"type": "video"`, "blocks[0].type"},
		{"runs on text", `"markdown": "# Results"`, `"runs": ["a"]`, "blocks[0]"},
		{"no run set", `"runs": ["r1", "r2"], `, ``, "blocks[1].runs"},
		{"both", `{"filter": "state = finished"}`, `{"ids": ["a"], "filter": "x"}`,
			"blocks[2].runs"},
		{"unknown run set field", `{"filter": "state = finished"}`, `{"query": "x"}`, "query"},
		{"repeated panel id", `"id": "p2"`, `"id": "p1"`, "blocks[2].panels[0].id"},
		{"bad panel", `"kind": "bar"`, `"kind": "pie"`, "blocks[2].panels[0].kind"},
		{"unknown field", `"title"`, `"subtitle": "x", "title"`, "subtitle"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := strings.Replace(reportJSON, tt.old, tt.new, 1)
			_, err := DecodeReport([]byte(in))
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.field) {
				t.Errorf("DecodeReport(%s) = %v, want ErrInvalid naming %q", tt.name, err, tt.field)
			}
		})
	}
}

func TestFreeze(t *testing.T) {
	r, _ := DecodeReport([]byte(reportJSON))
	runs := map[string]*engine.Run{
		"r1": {ID: "r1", Summary: map[string]engine.MetricSummary{
			"loss": {Step: 99}, "epoch": {Step: 90}, "acc": {Step: 7}}},
		"r2": {ID: "r2", Summary: map[string]engine.MetricSummary{"loss": {Step: 5}}},
		"r3": {ID: "r3", State: "finished", Summary: map[string]engine.MetricSummary{
			"acc": {Step: 42}}},
	}
	resolve := func(rs RunSet) ([]*engine.Run, error) {
		if rs.Filter != "" {
			return []*engine.Run{runs["r3"]}, nil
		}
		var out []*engine.Run
		for _, id := range rs.IDs {
			out = append(out, runs[id])
		}
		return out, nil
	}
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	if err := r.Freeze(resolve, now); err != nil {
		t.Fatalf("Freeze = %v", err)
	}
	if r.Blocks[0].Snapshot != nil {
		t.Errorf("Freeze: text block got a snapshot")
	}
	sn := r.Blocks[1].Snapshot
	checks := []struct {
		run, key string
		want     int64
		ok       bool
	}{{"r1", "loss", 99, true}, {"r1", "epoch", 90, true}, {"r2", "loss", 5, true},
		{"r2", "epoch", 0, false}, {"r1", "acc", 0, false}, {"r3", "loss", 0, false}}
	for _, c := range checks {
		if got, ok := sn.Bound(c.run, c.key); got != c.want || ok != c.ok {
			t.Errorf("Bound(%s, %s) = %d, %v; want %d, %v", c.run, c.key, got, ok, c.want, c.ok)
		}
	}
	if got := r.Blocks[2].Snapshot; len(got.Runs) != 1 || got.Bounds["r3"]["acc"] != 42 {
		t.Errorf("Freeze(filter block) = %+v, want r3 with acc bound 42", got)
	}

	r.Mode = ModeDynamic
	if err := r.Freeze(resolve, now); err != nil {
		t.Fatalf("Freeze(dynamic) = %v", err)
	}
	if r.Blocks[1].Snapshot != nil {
		t.Errorf("Freeze(dynamic) kept a snapshot")
	}
}

func TestReportsAndShares(t *testing.T) {
	st := openMem(t)
	in, _ := DecodeReport([]byte(reportJSON))
	r, err := st.CreateReport("p", "ana", in)
	if err != nil {
		t.Fatalf("CreateReport = %v", err)
	}
	other, _ := st.CreateReport("p", "ana", in)

	token, err := st.CreateShare("p", r.ID, "ana")
	if err != nil || len(token) != 43 {
		t.Fatalf("CreateShare = %q, %v; want a 43-character token", token, err)
	}
	sh, err := st.Share(token)
	if err != nil || sh.Project != "p" || sh.Report != r.ID {
		t.Errorf("Share(token) = %+v, %v; want report %s of p", sh, err, r.ID)
	}
	if _, err := st.Share(token + "x"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Share(unknown) = %v, want ErrNotFound", err)
	}
	if _, err := st.CreateShare("p", "nope", "ana"); !errors.Is(err, ErrNotFound) {
		t.Errorf("CreateShare(no report) = %v, want ErrNotFound", err)
	}
	if err := st.RevokeShare("p", other.ID, token); !errors.Is(err, ErrNotFound) {
		t.Errorf("RevokeShare(other report) = %v, want ErrNotFound", err)
	}
	if err := st.RevokeShare("p", r.ID, token); err != nil {
		t.Errorf("RevokeShare = %v", err)
	}
	if _, err := st.Share(token); !errors.Is(err, ErrNotFound) {
		t.Errorf("Share(revoked) = %v, want ErrNotFound", err)
	}

	token2, _ := st.CreateShare("p", r.ID, "ana")
	in.Title = "Week 13"
	up, err := st.UpdateReport("p", r.ID, "bob", in)
	if err != nil || up.Title != "Week 13" || up.CreatedBy != "ana" || up.UpdatedBy != "bob" {
		t.Errorf("UpdateReport = %+v, %v", up, err)
	}
	list, _ := st.Reports("p")
	if len(list) != 2 || list[0].ID != r.ID {
		t.Errorf("Reports(p) = %d, first %q; want 2, the updated one first", len(list),
			list[0].ID)
	}
	if err := st.DeleteReport("p", r.ID); err != nil {
		t.Fatalf("DeleteReport = %v", err)
	}
	if _, err := st.Share(token2); !errors.Is(err, ErrNotFound) {
		t.Errorf("Share(token of deleted report) = %v, want ErrNotFound", err)
	}
	if _, err := st.Report("p", r.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("Report(deleted) = %v, want ErrNotFound", err)
	}
}

// TestStoredViewIsMigrated stores a view whose spec has version 1, as an
// older server wrote it, and reads it back migrated.
func TestStoredViewIsMigrated(t *testing.T) {
	st := openMem(t)
	old := `{"id": "v1", "name": "old", "spec": {"version": 1, "sections": [],
	  "runs": {"hidden": ["r9"]}}}`
	err := st.db.Update(func(txn *badger.Txn) error {
		return txn.Set(viewKey("p", "v1"), append([]byte{formatV1}, old...))
	})
	if err != nil {
		t.Fatal(err)
	}
	v, err := st.View("p", "v1")
	if err != nil || v.Spec.Version != Version || v.Spec.Runs.Visible["r9"] {
		t.Errorf("View(stored v1 spec) = version %d visible %v, %v; want version %d, r9 hidden",
			v.Spec.Version, v.Spec.Runs.Visible, err, Version)
	}
	if _, ok := v.Spec.Runs.Visible["r9"]; !ok {
		t.Errorf("View(stored v1 spec): r9 missing from visible %v", v.Spec.Runs.Visible)
	}
}
