package server

import (
	"net/http"
	"strings"
	"testing"

	"github.com/sextant-ml/sextant/workspace"
)

const viewsPath = "/api/v1/projects/mnist/views"

func TestViews(t *testing.T) {
	e := newWSEnv(t)
	spec := e.me("ana").Spec

	var a, b workspace.View
	e.want(http.StatusCreated, "bob", "POST", viewsPath,
		map[string]any{"name": "losses", "spec": spec}, &a)
	e.want(http.StatusCreated, "ana", "POST", viewsPath,
		map[string]any{"name": "accuracy", "spec": spec}, &b)
	if a.ID == "" || a.CreatedBy != "bob" || a.Name != "losses" {
		t.Fatalf("POST view = %+v", a)
	}

	var list struct{ Views []workspace.View }
	e.want(http.StatusOK, "carl", "GET", viewsPath, nil, &list)
	if len(list.Views) != 2 || list.Views[0].Name != "accuracy" {
		t.Errorf("GET views = %d views, want 2 by name", len(list.Views))
	}

	var got workspace.View
	e.want(http.StatusOK, "ana", "PUT", viewsPath+"/"+a.ID, map[string]any{"name": "renamed"},
		&got)
	if got.Name != "renamed" || got.UpdatedBy != "ana" || len(got.Spec.Sections) != 3 {
		t.Errorf("PUT view name only = %+v, want renamed with the spec kept", got)
	}
	e.want(http.StatusOK, "carl", "GET", viewsPath+"/"+a.ID, nil, &got)
	if got.Name != "renamed" {
		t.Errorf("GET view after PUT = %q, want \"renamed\"", got.Name)
	}

	e.want(http.StatusNoContent, "carl", "DELETE", viewsPath+"/"+a.ID, nil, nil)
	e.want(http.StatusNotFound, "carl", "GET", viewsPath+"/"+a.ID, nil, nil)
	e.want(http.StatusNotFound, "carl", "DELETE", viewsPath+"/"+a.ID, nil, nil)
	e.want(http.StatusNotFound, "carl", "PUT", viewsPath+"/"+a.ID, map[string]any{"name": "x"},
		nil)
}

func TestViewsRefuse(t *testing.T) {
	e := newWSEnv(t)
	spec := e.me("ana").Spec
	body := map[string]any{"name": "v", "spec": spec}
	e.want(http.StatusForbidden, "eve", "POST", viewsPath, body, nil)
	e.want(http.StatusForbidden, "eve", "GET", viewsPath, nil, nil)
	e.want(http.StatusUnauthorized, "", "GET", viewsPath, nil, nil)

	// A public project's views are readable by all, changed by its members.
	open := "/api/v1/projects/open/views"
	var v workspace.View
	e.want(http.StatusCreated, "eve", "POST", open, body, &v)
	e.want(http.StatusOK, "bob", "GET", open+"/"+v.ID, nil, nil)
	e.want(http.StatusForbidden, "bob", "PUT", open+"/"+v.ID, body, nil)
	e.want(http.StatusForbidden, "bob", "DELETE", open+"/"+v.ID, nil, nil)

	tests := []struct {
		name  string
		body  any
		field string
	}{
		{"no name", map[string]any{"spec": spec}, "name"},
		{"empty name", map[string]any{"name": "", "spec": spec}, "name"},
		{"no spec", map[string]any{"name": "v"}, "spec"},
		{"bad spec", `{"name": "v", "spec": {"version": 3, "sections": [{"id": ""}]}}`,
			"sections[0].id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, data := e.do("ana", "POST", viewsPath, tt.body)
			if code != http.StatusBadRequest || !strings.Contains(string(data), tt.field) {
				t.Errorf("POST view (%s) = %d %s, want 400 naming %q", tt.name, code, data,
					tt.field)
			}
		})
	}
}

// TestSavedSinceIsRefused checks that a change to a view or a report made
// from a version that another save has replaced answers 409, says so and
// changes nothing, while a change made from the current version, or naming
// none, is saved.
func TestSavedSinceIsRefused(t *testing.T) {
	e := newWSEnv(t)
	spec := e.me("ana").Spec

	var v, got workspace.View
	e.want(http.StatusCreated, "bob", "POST", viewsPath,
		map[string]any{"name": "losses", "spec": spec}, &v)
	path := viewsPath + "/" + v.ID
	e.want(http.StatusOK, "ana", "PUT", path,
		map[string]any{"name": "ana's", "updated": v.Updated}, nil)
	code, body := e.do("bob", "PUT", path, map[string]any{"name": "bob's", "updated": v.Updated})
	if code != http.StatusConflict || !strings.Contains(string(body), "ana saved it") {
		t.Errorf("PUT view from an older version = %d %s, want 409 naming ana's save",
			code, body)
	}
	e.want(http.StatusOK, "bob", "GET", path, nil, &got)
	if got.Name != "ana's" {
		t.Errorf("view after the refused PUT is named %q, want ana's", got.Name)
	}
	e.want(http.StatusOK, "bob", "PUT", path,
		map[string]any{"name": "bob's", "updated": got.Updated}, &got)
	e.want(http.StatusOK, "ana", "PUT", path, map[string]any{"name": "no check"}, nil)

	r := e.createReport("bob", "mnist", reportBody("dynamic", []string{"r1"}, "train/loss"))
	path = reportsPath + "/" + r.ID
	edit := reportBody("dynamic", []string{"r1"}, "train/loss")
	edit["title"], edit["updated"] = "ana's", r.Updated
	e.want(http.StatusOK, "ana", "PUT", path, edit, nil)
	edit["title"] = "bob's"
	code, body = e.do("bob", "PUT", path, edit)
	if code != http.StatusConflict || !strings.Contains(string(body), "ana saved it") {
		t.Errorf("PUT report from an older version = %d %s, want 409 naming ana's save",
			code, body)
	}
	var rep workspace.Report
	e.want(http.StatusOK, "bob", "GET", path, nil, &rep)
	if rep.Title != "ana's" {
		t.Errorf("report after the refused PUT is titled %q, want ana's", rep.Title)
	}
	edit["updated"] = rep.Updated
	e.want(http.StatusOK, "bob", "PUT", path, edit, nil)
	delete(edit, "updated")
	e.want(http.StatusOK, "ana", "PUT", path, edit, nil)
}
