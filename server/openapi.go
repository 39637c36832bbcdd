package server

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"net/http"
	"path"

	"github.com/gin-gonic/gin"
)

// openAPIFiles hold the OpenAPI 3 description of the API: openapi.json is
// the base (info, shared schemas, the core paths); each feature adds its
// paths and schemas in its own file under openapi/ (see doc.go), so that
// owners never edit the same file.
//
//go:embed openapi.json openapi
var openAPIFiles embed.FS

// openAPIDoc is the merged document, built once at start.
var openAPIDoc = mustMergeOpenAPI()

func (s *Server) openAPI(c *gin.Context) {
	c.Data(http.StatusOK, "application/json", openAPIDoc)
}

// mustMergeOpenAPI merges the fragments into the base document. A broken
// fragment is a bug caught by the tests, so it panics.
func mustMergeOpenAPI() []byte {
	doc, err := mergeOpenAPI(openAPIFiles)
	if err != nil {
		panic(fmt.Sprintf("server: merge openapi files: %v", err))
	}
	return doc
}

func mergeOpenAPI(fsys fs.FS) ([]byte, error) {
	base, err := fs.ReadFile(fsys, "openapi.json")
	if err != nil {
		return nil, err
	}
	var doc map[string]any
	if err := json.Unmarshal(base, &doc); err != nil {
		return nil, fmt.Errorf("openapi.json: %w", err)
	}
	paths := doc["paths"].(map[string]any)
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)

	parts, err := fs.Glob(fsys, "openapi/*.json")
	if err != nil {
		return nil, err
	}
	for _, name := range parts {
		if err := mergePart(fsys, name, paths, schemas); err != nil {
			return nil, err
		}
	}
	return json.MarshalIndent(doc, "", "  ")
}

func mergePart(fsys fs.FS, name string, paths, schemas map[string]any) error {
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return err
	}
	var part struct {
		Paths      map[string]any `json:"paths"`
		Components struct {
			Schemas map[string]any `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(b, &part); err != nil {
		return fmt.Errorf("%s: %w", path.Base(name), err)
	}
	for p, ops := range part.Paths {
		if err := mergeOperations(paths, p, ops); err != nil {
			return fmt.Errorf("%s: %w", path.Base(name), err)
		}
	}
	maps.Copy(schemas, part.Components.Schemas)
	return nil
}

// mergeOperations adds the operations (get, post, ...) of one path; two
// files may describe the same path but not the same operation.
func mergeOperations(paths map[string]any, p string, ops any) error {
	add, ok := ops.(map[string]any)
	if !ok {
		return fmt.Errorf("path %q: not an object", p)
	}
	have, _ := paths[p].(map[string]any)
	if have == nil {
		paths[p] = add
		return nil
	}
	for method, op := range add {
		if _, dup := have[method]; dup {
			return fmt.Errorf("%s %q is described twice", method, p)
		}
		have[method] = op
	}
	return nil
}
