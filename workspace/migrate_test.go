package workspace

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// decodeDoc parses a JSON object for the migration tests.
func decodeDoc(t *testing.T, s string) map[string]any {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal([]byte(s), &doc); err != nil {
		t.Fatalf("test input %q: %v", s, err)
	}
	return doc
}

func TestMigrateV1HiddenToVisible(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"hidden list", `{"runs": {"hidden": ["a", "b"], "filter": "x"}}`,
			`{"runs": {"visible": {"a": false, "b": false}, "filter": "x"}}`},
		{"empty list", `{"runs": {"hidden": []}}`, `{"runs": {}}`},
		{"no hidden", `{"runs": {"filter": "x"}}`, `{"runs": {"filter": "x"}}`},
		{"no runs", `{"sections": []}`, `{"sections": []}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := decodeDoc(t, tt.in)
			if err := migrateV1HiddenToVisible(doc); err != nil {
				t.Fatalf("migrateV1HiddenToVisible(%s) = %v", tt.in, err)
			}
			if want := decodeDoc(t, tt.want); !reflect.DeepEqual(doc, want) {
				t.Errorf("migrateV1HiddenToVisible(%s) = %v, want %v", tt.in, doc, want)
			}
		})
	}
	doc := decodeDoc(t, `{"runs": {"hidden": [1]}}`)
	if err := migrateV1HiddenToVisible(doc); err == nil || !strings.Contains(err.Error(),
		"runs.hidden[0]") {
		t.Errorf("migrateV1HiddenToVisible(hidden [1]) = %v, want an error naming runs.hidden[0]",
			err)
	}
}

func TestMigrateV2SmoothingObject(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"weight", `{"sections": [{"panels": [{"smoothing": 0.8}]}]}`,
			`{"sections": [{"panels": [{"smoothing": {"type": "ema", "weight": 0.8}}]}]}`},
		{"zero weight", `{"sections": [{"panels": [{"smoothing": 0, "kind": "line"}]}]}`,
			`{"sections": [{"panels": [{"kind": "line"}]}]}`},
		{"none", `{"sections": [{"panels": [{"kind": "line"}]}]}`,
			`{"sections": [{"panels": [{"kind": "line"}]}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := decodeDoc(t, tt.in)
			if err := migrateV2SmoothingObject(doc); err != nil {
				t.Fatalf("migrateV2SmoothingObject(%s) = %v", tt.in, err)
			}
			if want := decodeDoc(t, tt.want); !reflect.DeepEqual(doc, want) {
				t.Errorf("migrateV2SmoothingObject(%s) = %v, want %v", tt.in, doc, want)
			}
		})
	}
	doc := decodeDoc(t, `{"sections": [{"panels": [{}, {"smoothing": "ema"}]}]}`)
	err := migrateV2SmoothingObject(doc)
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "sections[0].panels[1]") {
		t.Errorf("migrateV2SmoothingObject(smoothing \"ema\") = %v, want ErrInvalid naming "+
			"sections[0].panels[1].smoothing", err)
	}
}

func TestMigrationsCoverEveryVersion(t *testing.T) {
	if len(migrations) != Version-1 {
		t.Errorf("%d migrations for version %d, want %d", len(migrations), Version, Version-1)
	}
}

// TestDecodeGolden decodes old specs under testdata/ and compares the
// result with the matching .golden.json file.
func TestDecodeGolden(t *testing.T) {
	for _, name := range []string{"spec_v1", "spec_v2"} {
		t.Run(name, func(t *testing.T) {
			in, err := os.ReadFile(filepath.Join("testdata", name+".json"))
			if err != nil {
				t.Fatal(err)
			}
			s, err := Decode(in)
			if err != nil {
				t.Fatalf("Decode(%s) = %v", name, err)
			}
			got, err := json.MarshalIndent(s, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", name+".golden.json")
			if *update {
				if err := os.WriteFile(golden, append(got, '\n'), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(append(got, '\n'), want) {
				t.Errorf("Decode(%s) =\n%s\nwant\n%s", name, got, want)
			}
		})
	}
}
