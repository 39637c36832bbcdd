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
