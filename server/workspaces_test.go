package server

import (
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/sextant-ml/sextant/engine"
	"github.com/sextant-ml/sextant/workspace"
)

const wsPath = "/api/v1/projects/mnist/workspaces"

// shape renders the sections of a spec as "name[keys,...] ...".
func shape(s workspace.Spec) string {
	parts := make([]string, 0, len(s.Sections))
	for _, sec := range s.Sections {
		keys := make([]string, 0, len(sec.Panels))
		for _, p := range sec.Panels {
			keys = append(keys, strings.Join(p.Keys, "+"))
		}
		parts = append(parts, fmt.Sprintf("%s[%s]", sec.Name, strings.Join(keys, ",")))
	}
	return strings.Join(parts, " ")
}

// put saves spec over revision rev as user and returns the answer.
func (e *wsEnv) put(user string, rev uint64, spec workspace.Spec) workspace.Workspace {
	e.t.Helper()
	var w workspace.Workspace
	e.want(http.StatusOK, user, "PUT", wsPath+"/me", saveBody(rev, spec), &w)
	return w
}

func saveBody(rev uint64, spec workspace.Spec) map[string]any {
	return map[string]any{"revision": rev, "spec": spec}
}

func (e *wsEnv) me(user string) workspace.Workspace {
	e.t.Helper()
	var w workspace.Workspace
	e.want(http.StatusOK, user, "GET", wsPath+"/me", nil, &w)
	return w
}

// renamed returns spec with its first section renamed.
func renamed(spec workspace.Spec, name string) workspace.Spec {
	spec = spec.Clone()
	spec.Sections[0].Name = name
	return spec
}

func TestWorkspaceFirstReadIsAutomaticLayout(t *testing.T) {
	e := newWSEnv(t)
	w := e.me("ana")
	want := "Charts[lr] train[train/loss] val[val/acc]"
	if got := shape(w.Spec); got != want || w.Revision != 1 || !w.Spec.Auto || w.Owner != "ana" {
		t.Fatalf("GET me (first) = owner %q rev %d auto %v %q; want ana rev 1 auto %q",
			w.Owner, w.Revision, w.Spec.Auto, got, want)
	}
	if again := e.me("ana"); again.Revision != 1 {
		t.Errorf("GET me (second) = rev %d, want 1: a read must not save", again.Revision)
	}
}

func TestWorkspaceNewKeysFollowingAndArranged(t *testing.T) {
	e := newWSEnv(t)
	following := e.me("ana")
	bobSpec := e.me("bob").Spec
	arranged := bobSpec.Clone()
	// bob moves lr to the end and collapses train: he arranged by hand.
	arranged.Sections = append(arranged.Sections[1:], arranged.Sections[0])
	arranged.Sections[0].Collapsed = true
	bob := e.put("bob", 1, arranged)
	if bob.Spec.Auto {
		t.Fatalf("PUT arranged spec: auto still true")
	}

	e.log("mnist", "r2", 10, 12, "train/acc", "eval/f1", "zz")
	got := e.me("ana")
	want := "Charts[lr,zz] eval[eval/f1] train[train/acc,train/loss] val[val/acc]"
	if shape(got.Spec) != want || got.Revision != following.Revision {
		t.Errorf("GET me (following) after new keys = %q rev %d, want %q rev %d",
			shape(got.Spec), got.Revision, want, following.Revision)
	}
	got = e.me("bob")
	want = "train[train/loss,train/acc] val[val/acc] Charts[lr,zz] eval[eval/f1]"
	if shape(got.Spec) != want || !got.Spec.Sections[0].Collapsed {
		t.Errorf("GET me (arranged) after new keys = %q, want %q, train collapsed",
			shape(got.Spec), want)
	}

	// Saving what was read keeps the new keys known: no second panel.
	saved := e.put("bob", got.Revision, got.Spec)
	if shape(saved.Spec) != want {
		t.Errorf("PUT of the read spec = %q, want %q", shape(saved.Spec), want)
	}
}

func TestWorkspaceStaleRevision(t *testing.T) {
	e := newWSEnv(t)
	w := e.me("ana")
	e.put("ana", w.Revision, renamed(w.Spec, "tab one"))
	code, body := e.do("ana", "PUT", wsPath+"/me", saveBody(w.Revision, renamed(w.Spec, "tab two")))
	if code != http.StatusConflict || !strings.Contains(string(body), "revision") {
		t.Fatalf("PUT stale revision = %d %s, want 409 naming the revision", code, body)
	}
	if got := e.me("ana"); got.Spec.Sections[0].Name != "tab one" || got.Revision != 2 {
		t.Errorf("after the stale PUT: %q rev %d, want \"tab one\" rev 2",
			got.Spec.Sections[0].Name, got.Revision)
	}
}

func TestWorkspaceConcurrentPutsOneWins(t *testing.T) {
	e := newWSEnv(t)
	w := e.me("ana")
	const tabs = 6
	codes := make([]int, tabs)
	var wg sync.WaitGroup
	for i := range tabs {
		wg.Go(func() {
			codes[i], _ = e.do("ana", "PUT", wsPath+"/me",
				saveBody(w.Revision, renamed(w.Spec, fmt.Sprint("tab ", i))))
		})
	}
	wg.Wait()
	won := 0
	for i, code := range codes {
		switch code {
		case http.StatusOK:
			won++
		case http.StatusConflict:
		default:
			t.Errorf("tab %d: PUT = %d, want 200 or 409", i, code)
		}
	}
	if got := e.me("ana"); won != 1 || got.Revision != w.Revision+1 {
		t.Errorf("%d concurrent PUTs: %d won, rev %d; want 1 win, rev %d", tabs, won,
			got.Revision, w.Revision+1)
	}
}

func TestWorkspaceUndoRedo(t *testing.T) {
	e := newWSEnv(t)
	for _, op := range []string{"undo", "redo"} {
		code, body := e.do("ana", "POST", wsPath+"/me/"+op, nil)
		if code != http.StatusConflict || !strings.Contains(string(body), "nothing to "+op) {
			t.Errorf("POST %s on a new workspace = %d %s, want 409 nothing to %s", op, code,
				body, op)
		}
	}
	w := e.me("ana")
	w = e.put("ana", w.Revision, renamed(w.Spec, "a"))
	w = e.put("ana", w.Revision, renamed(w.Spec, "b"))

	step := func(op, want string) workspace.Workspace {
		t.Helper()
		var got workspace.Workspace
		e.want(http.StatusOK, "ana", "POST", wsPath+"/me/"+op, nil, &got)
		if got.Spec.Sections[0].Name != want {
			t.Errorf("POST %s = %q, want %q", op, got.Spec.Sections[0].Name, want)
		}
		return got
	}
	step("undo", "a")
	step("undo", "Charts")
	step("redo", "a")
	w = step("redo", "b")
	w = step("undo", "a")
	e.put("ana", w.Revision, renamed(w.Spec, "c"))
	if code, _ := e.do("ana", "POST", wsPath+"/me/redo", nil); code != http.StatusConflict {
		t.Errorf("POST redo after undo and save = %d, want 409", code)
	}
	step("undo", "a")
}

func TestWorkspaceOfTeammate(t *testing.T) {
	e := newWSEnv(t)
	ana := e.me("ana")
	ana = e.put("ana", ana.Revision, renamed(ana.Spec, "ana's"))

	var seen workspace.Workspace
	e.want(http.StatusOK, "bob", "GET", wsPath+"/ana", nil, &seen)
	if seen.Owner != "ana" || seen.Spec.Sections[0].Name != "ana's" {
		t.Errorf("GET ana's workspace as bob = %q %q", seen.Owner, seen.Spec.Sections[0].Name)
	}
	code, _ := e.do("bob", "PUT", wsPath+"/ana", saveBody(ana.Revision, renamed(ana.Spec, "x")))
	if code != http.StatusForbidden {
		t.Errorf("PUT ana's workspace as bob = %d, want 403", code)
	}
	e.want(http.StatusOK, "ana", "PUT", wsPath+"/ana", saveBody(ana.Revision, ana.Spec), nil)
	e.want(http.StatusForbidden, "eve", "GET", wsPath+"/ana", nil, nil)
	e.want(http.StatusNotFound, "bob", "GET", wsPath+"/carl", nil, nil)
	e.want(http.StatusOK, "carl", "GET", wsPath+"/carl", nil, &seen)
	if seen.Owner != "carl" || seen.Revision != 1 {
		t.Errorf("GET own workspace by name = %q rev %d, want carl's, created", seen.Owner,
			seen.Revision)
	}

	var list struct{ Owners []string }
	e.want(http.StatusOK, "bob", "GET", wsPath, nil, &list)
	if strings.Join(list.Owners, ",") != "ana,carl" {
		t.Errorf("GET workspaces = %q, want [ana carl]", list.Owners)
	}
}

// TestWorkspaceOfPublicReader: a reader of a public project who may not
// write sees the newcomers' layout and keeps nothing.
func TestWorkspaceOfPublicReader(t *testing.T) {
	e := newWSEnv(t)
	open := "/api/v1/projects/open/workspaces"
	var w workspace.Workspace
	e.want(http.StatusOK, "bob", "GET", open+"/me", nil, &w)
	if w.Owner != "bob" || w.Revision != 0 {
		t.Errorf("GET me as a public reader = owner %q rev %d, want bob rev 0", w.Owner,
			w.Revision)
	}
	for _, op := range []struct{ method, path string }{
		{"PUT", "/me"}, {"PUT", "/bob"}, {"POST", "/me/undo"}, {"POST", "/me/redo"},
		{"POST", "/me/copy"},
	} {
		code, _ := e.do("bob", op.method, open+op.path, saveBody(0, w.Spec))
		if code != http.StatusForbidden {
			t.Errorf("%s %s as a public reader = %d, want 403", op.method, op.path, code)
		}
	}
	var list struct{ Owners []string }
	e.want(http.StatusOK, "bob", "GET", open, nil, &list)
	if len(list.Owners) != 0 {
		t.Errorf("GET workspaces after a public reader's visit = %q, want none", list.Owners)
	}
	e.want(http.StatusOK, "eve", "PUT", open+"/me", saveBody(0, w.Spec), nil)
	e.want(http.StatusOK, "bob", "GET", open+"/eve", nil, nil)
}

func TestWorkspaceCopy(t *testing.T) {
	e := newWSEnv(t)
	ana := e.me("ana")
	e.put("ana", ana.Revision, renamed(ana.Spec, "ana's"))
	bob := e.me("bob")
	bob = e.put("bob", bob.Revision, renamed(bob.Spec, "bob's"))

	var got workspace.Workspace
	e.want(http.StatusOK, "bob", "POST", wsPath+"/me/copy", map[string]string{"from": "ana"}, &got)
	if got.Owner != "bob" || got.Spec.Sections[0].Name != "ana's" ||
		got.Revision != bob.Revision+1 {
		t.Fatalf("copy from ana = owner %q %q rev %d, want bob \"ana's\" rev %d", got.Owner,
			got.Spec.Sections[0].Name, got.Revision, bob.Revision+1)
	}
	e.want(http.StatusOK, "bob", "POST", wsPath+"/me/undo", nil, &got)
	if got.Spec.Sections[0].Name != "bob's" {
		t.Errorf("undo after copy = %q, want \"bob's\"", got.Spec.Sections[0].Name)
	}
	if e.me("ana").Spec.Sections[0].Name != "ana's" {
		t.Errorf("copy changed the source workspace")
	}
	e.want(http.StatusNotFound, "bob", "POST", wsPath+"/me/copy", map[string]string{"from": "carl"},
		nil)
	e.want(http.StatusBadRequest, "bob", "POST", wsPath+"/me/copy", map[string]string{}, nil)
}

func TestDefaultWorkspace(t *testing.T) {
	e := newWSEnv(t)
	var d workspace.Workspace
	e.want(http.StatusOK, "bob", "GET", wsPath+"/default", nil, &d)
	if d.Revision != 0 || shape(d.Spec) != "Charts[lr] train[train/loss] val[val/acc]" {
		t.Fatalf("GET default (unset) = rev %d %q, want rev 0, the automatic layout",
			d.Revision, shape(d.Spec))
	}
	landing := renamed(d.Spec, "landing")
	code, _ := e.do("bob", "PUT", wsPath+"/default", saveBody(0, landing))
	if code != http.StatusForbidden {
		t.Errorf("PUT default as team member = %d, want 403", code)
	}
	e.want(http.StatusForbidden, "eve", "PUT", wsPath+"/default", saveBody(0, landing), nil)
	e.want(http.StatusOK, "ana", "PUT", wsPath+"/default", saveBody(0, landing), &d)
	if d.Revision != 1 || d.Owner != "default" {
		t.Errorf("PUT default as team admin = rev %d owner %q, want rev 1 \"default\"",
			d.Revision, d.Owner)
	}
	e.want(http.StatusConflict, "ana", "PUT", wsPath+"/default", saveBody(0, landing), nil)

	if got := e.me("carl"); got.Spec.Sections[0].Name != "landing" {
		t.Errorf("newcomer's first workspace = %q, want the default's \"landing\"",
			got.Spec.Sections[0].Name)
	}
}

func TestWorkspaceRefusesBadInput(t *testing.T) {
	e := newWSEnv(t)
	w := e.me("ana")
	bad := w.Spec.Clone()
	bad.Sections[0].Panels[0].Kind = "pie"
	tests := []struct {
		name  string
		body  any
		field string
	}{
		{"bad kind", saveBody(w.Revision, bad), "sections[0].panels[0].kind"},
		{"no revision", map[string]any{"spec": w.Spec}, "revision"},
		{"no spec", map[string]any{"revision": 1}, "spec"},
		{"future version", `{"revision": 1, "spec": {"version": 99}}`, "version"},
		{"revision not a number", `{"revision": "1", "spec": {}}`, "revision"},
		{"not JSON", `{"revision": `, "body"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body := e.do("ana", "PUT", wsPath+"/me", tt.body)
			if code != http.StatusBadRequest || !strings.Contains(string(body), tt.field) {
				t.Errorf("PUT me (%s) = %d %s, want 400 naming %q", tt.name, code, body, tt.field)
			}
		})
	}
	// A version 1 spec is migrated, not refused.
	v1 := `{"revision": 1, "spec": {"version": 1, "runs": {"hidden": ["r2"]},
	  "sections": [{"id": "s", "name": "old", "panels": [
	    {"id": "p", "kind": "line", "keys": ["lr"], "smoothing": 0.5}]}]}}`
	var got workspace.Workspace
	e.want(http.StatusOK, "ana", "PUT", wsPath+"/me", v1, &got)
	p := got.Spec.Sections[0].Panels[0]
	if got.Spec.Version != workspace.Version || got.Spec.Runs.Visible["r2"] ||
		p.Smoothing == nil || p.Smoothing.Weight != 0.5 {
		t.Errorf("PUT v1 spec = version %d visible %v smoothing %+v, want migrated",
			got.Spec.Version, got.Spec.Runs.Visible, p.Smoothing)
	}
}

// TestWorkspaceHistorySurvivesRestart saves, undoes, stops the server and
// its store, starts them again on the same directory and redoes.
func TestWorkspaceHistorySurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	start := func() (*wsEnv, *engine.DB) {
		db, err := engine.Open(engine.Options{Dir: dir})
		if err != nil {
			t.Fatalf("engine.Open(%s): %v", dir, err)
		}
		s, err := New(db, Config{}, slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatalf("New: %v", err)
		}
		return &wsEnv{t: t, s: s, db: db, keys: map[string]string{}}, db
	}
	e, db := start()
	_, key, err := e.s.access.CreateUser("ana", false)
	e.must(err)
	e.keys["ana"] = key
	e.must(db.CreateProject(engine.Project{Name: "mnist", Owner: "ana",
		Visibility: visibilityPrivate}))
	_, err = db.CreateRun(engine.Run{Project: "mnist", ID: "r1"})
	e.must(err)
	e.log("mnist", "r1", 0, 3, "loss")
	w := e.me("ana")
	w = e.put("ana", w.Revision, renamed(w.Spec, "kept"))
	e.want(http.StatusOK, "ana", "POST", wsPath+"/me/undo", nil, nil)
	e.must(db.Close())

	e, db = start()
	defer func() { _ = db.Close() }()
	e.keys["ana"] = key
	var got workspace.Workspace
	e.want(http.StatusOK, "ana", "POST", wsPath+"/me/redo", nil, &got)
	if len(got.Spec.Sections) == 0 || got.Spec.Sections[0].Name != "kept" ||
		got.Revision != w.Revision+2 {
		t.Errorf("redo after restart = %+v rev %d, want section \"kept\" rev %d",
			got.Spec.Sections, got.Revision, w.Revision+2)
	}
}
