package sextant_test

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestEveryPackageHasDoc fails when a Go package of the module has no package
// doc comment: a reader arriving at a folder should learn its terms there.
func TestEveryPackageHasDoc(t *testing.T) {
	for dir, files := range goPackages(t) {
		if !anyHasDoc(t, files) {
			t.Errorf("package in %s has no doc comment (add a doc.go)", dir)
		}
	}
}

// TestLineWidth keeps code lines at 100 columns or less, with tabs counted
// as four, so that a diff reads without scrolling.
func TestLineWidth(t *testing.T) {
	for _, files := range goPackages(t) {
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatalf("read %s: %v", f, err)
			}
			for i, line := range strings.Split(string(data), "\n") {
				width := len(strings.ReplaceAll(line, "\t", "    "))
				if width > 100 && !strings.Contains(line, "http") {
					t.Errorf("%s:%d is %d columns wide, want <= 100", f, i+1, width)
				}
			}
		}
	}
}

// goPackages maps each folder holding non-test Go files to those files,
// skipping vendored and generated trees.
func goPackages(t *testing.T) map[string][]string {
	t.Helper()
	pkgs := map[string][]string{}
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && skipDir(path, d.Name()) {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, "_test.go") {
			pkgs[filepath.Dir(path)] = append(pkgs[filepath.Dir(path)], path)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("walk the tree: %v", err)
	}
	return pkgs
}

func skipDir(path, name string) bool {
	if path == "." {
		return false
	}
	return strings.HasPrefix(name, ".") || name == "node_modules" || name == "testdata" ||
		name == "vendor"
}

func anyHasDoc(t *testing.T, files []string) bool {
	t.Helper()
	fset := token.NewFileSet()
	for _, f := range files {
		af, err := parser.ParseFile(fset, f, nil, parser.PackageClauseOnly|parser.ParseComments)
		if err != nil {
			t.Fatalf("parse %s: %v", f, err)
		}
		if af.Doc != nil && strings.TrimSpace(af.Doc.Text()) != "" {
			return true
		}
	}
	return false
}
