package server

import (
	"encoding/json"
	"strings"
	"testing"
	"testing/fstest"
)

// TestOpenAPIDescribesEveryRoute checks that the served document is
// OpenAPI 3 and describes every route of the router under /api/.
func TestOpenAPIDescribesEveryRoute(t *testing.T) {
	e := newEnv(t, Config{})
	res := e.mustDo("", "GET", "/api/v1/openapi.json", "", 200, nil)
	var doc struct {
		OpenAPI string                    `json:"openapi"`
		Paths   map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(res.body, &doc); err != nil {
		t.Fatalf("GET /api/v1/openapi.json: %v", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Errorf("openapi = %q, want 3.x", doc.OpenAPI)
	}
	for _, r := range e.srv.router.Routes() {
		if !strings.HasPrefix(r.Path, "/api/") {
			continue
		}
		path := openAPIPath(r.Path)
		if _, ok := doc.Paths[path][strings.ToLower(r.Method)]; !ok {
			t.Errorf("route %s %s is not described as %s %q in the OpenAPI document "+
				"(add it to server/openapi/FEATURE.json)", r.Method, r.Path,
				strings.ToLower(r.Method), path)
		}
	}
}

// openAPIPath turns gin's /a/:b/*c into OpenAPI's /a/{b}/{c}.
func openAPIPath(path string) string {
	parts := strings.Split(path, "/")
	for i, p := range parts {
		if strings.HasPrefix(p, ":") || strings.HasPrefix(p, "*") {
			parts[i] = "{" + p[1:] + "}"
		}
	}
	return strings.Join(parts, "/")
}

func TestMergeOpenAPI(t *testing.T) {
	base := `{"openapi":"3.0.3","paths":{"/a":{"post":{}}},"components":{"schemas":{}}}`
	tests := []struct {
		name, part string
		wantErr    bool
	}{
		{"new method on a known path", `{"paths":{"/a":{"get":{}}}}`, false},
		{"new path and schema", `{"paths":{"/b":{"get":{}}},"components":{"schemas":{"X":{}}}}`,
			false},
		{"same method twice", `{"paths":{"/a":{"post":{}}}}`, true},
		{"not JSON", `{"paths":`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{
				"openapi.json":      {Data: []byte(base)},
				"openapi/part.json": {Data: []byte(tt.part)},
			}
			_, err := mergeOpenAPI(fsys)
			if (err != nil) != tt.wantErr {
				t.Errorf("mergeOpenAPI with %s: error %v, want error %v", tt.part, err, tt.wantErr)
			}
		})
	}
}
