package server

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"testing/fstest"

	"github.com/gin-gonic/gin"
)

func TestUIHandler(t *testing.T) {
	fsys := fstest.MapFS{
		"index.html":    {Data: []byte("INDEX")},
		"assets/app.js": {Data: []byte("JS")},
	}
	r := gin.New()
	r.NoRoute(uiHandler(fsys))

	tests := []struct {
		path, body, cache string
	}{
		{"/", "INDEX", "no-cache"},
		{"/p/mnist", "INDEX", "no-cache"},
		{"/shared/abc", "INDEX", "no-cache"},
		{"/assets/app.js", "JS", "public, max-age=31536000, immutable"},
		{"/assets/missing.js", "INDEX", "no-cache"},
		{"/../index.html", "INDEX", "no-cache"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			w := httptest.NewRecorder()
			r.ServeHTTP(w, httptest.NewRequest(http.MethodGet, tt.path, nil))
			if w.Code != http.StatusOK || w.Body.String() != tt.body {
				t.Errorf("GET %s = %d %q, want 200 %q", tt.path, w.Code, w.Body, tt.body)
			}
			if got := w.Header().Get("Cache-Control"); got != tt.cache {
				t.Errorf("GET %s Cache-Control = %q, want %q", tt.path, got, tt.cache)
			}
		})
	}
}

func TestUIHandlerWithoutBuild(t *testing.T) {
	r := gin.New()
	r.NoRoute(uiHandler(fstest.MapFS{".keep": {}}))
	w := httptest.NewRecorder()
	r.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/", nil))
	if w.Code != http.StatusOK || w.Body.String() != uiMissingPage {
		t.Errorf("GET / without a build = %d %q, want the missing-UI page", w.Code, w.Body)
	}
}
