package workspace

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
)

// A migration rewrites a decoded document of one version into the next
// version, in place. migrations[v] takes version v+1 to v+2; the version
// field itself is set by Migrate. Each is pure and has its own test.
var migrations = []func(doc map[string]any) error{
	migrateV1HiddenToVisible,
	migrateV2SmoothingObject,
}

// Migrate brings a decoded document of any known version to Version. It
// refuses a document without a version or of a version newer than this
// package knows.
func Migrate(doc map[string]any) error {
	v, err := docVersion(doc)
	if err != nil {
		return err
	}
	for ; v < Version; v++ {
		if err := migrations[v-1](doc); err != nil {
			return fmt.Errorf("migrate version %d to %d: %w", v, v+1, err)
		}
	}
	doc["version"] = float64(Version)
	return nil
}

func docVersion(doc map[string]any) (int, error) {
	raw, ok := doc["version"]
	if !ok {
		return 0, invalid("version", "missing")
	}
	f, ok := raw.(float64)
	if !ok || f != math.Trunc(f) {
		return 0, invalid("version", "not an integer")
	}
	if f < 1 || f > Version {
		return 0, invalid("version", "%g is not between 1 and %d", f, Version)
	}
	return int(f), nil
}

// migrateV1HiddenToVisible: version 1 listed hidden runs in runs.hidden;
// version 2 maps run IDs to visibility in runs.visible, so that a run can
// be shown explicitly even when a later default hides runs.
func migrateV1HiddenToVisible(doc map[string]any) error {
	runs, ok := doc["runs"].(map[string]any)
	if !ok {
		return nil
	}
	raw, ok := runs["hidden"]
	if !ok {
		return nil
	}
	delete(runs, "hidden")
	list, ok := raw.([]any)
	if !ok {
		return invalid("runs.hidden", "not a list of run ids")
	}
	visible := make(map[string]any, len(list))
	for i, r := range list {
		id, ok := r.(string)
		if !ok {
			return invalid(fmt.Sprintf("runs.hidden[%d]", i), "not a string")
		}
		visible[id] = false
	}
	if len(visible) > 0 {
		runs["visible"] = visible
	}
	return nil
}

// migrateV2SmoothingObject: version 2 held a line panel's smoothing as a
// bare EMA weight; version 3 holds an object naming the method, so that
// running mean and Gaussian smoothing can be chosen. A weight of 0 meant
// no smoothing and is dropped.
func migrateV2SmoothingObject(doc map[string]any) error {
	sections, _ := doc["sections"].([]any)
	for i, s := range sections {
		sec, _ := s.(map[string]any)
		panels, _ := sec["panels"].([]any)
		for j, p := range panels {
			panel, _ := p.(map[string]any)
			raw, ok := panel["smoothing"]
			if !ok || raw == nil {
				continue
			}
			w, ok := raw.(float64)
			if !ok {
				field := fmt.Sprintf("sections[%d].panels[%d].smoothing", i, j)
				return invalid(field, "not a number in a version 2 spec")
			}
			if w == 0 {
				delete(panel, "smoothing")
				continue
			}
			panel["smoothing"] = map[string]any{"type": SmoothEMA, "weight": w}
		}
	}
	return nil
}

// Decode reads a spec of any known version, migrates it, checks every
// field and returns it normalized (see Normalize). Errors wrap ErrInvalid.
func Decode(data []byte) (Spec, error) {
	var s Spec
	if err := s.UnmarshalJSON(data); err != nil {
		return Spec{}, err
	}
	s.Normalize()
	if err := s.Validate(); err != nil {
		return Spec{}, err
	}
	return s, nil
}

// specFields has the fields of Spec without its methods, so that decoding
// into it does not call UnmarshalJSON again.
type specFields Spec

// UnmarshalJSON reads a spec of any known version, migrating it, and
// refuses fields the current version does not have. Every spec decoded
// from JSON, inside a view or a stored record too, passes through it; it
// does not validate (Decode does).
func (s *Spec) UnmarshalJSON(data []byte) error {
	// The common case, a current spec, takes one strict pass; anything
	// else goes through the generic document, which also words the errors.
	if err := decodeFields(data, s); err == nil && s.Version == Version {
		return nil
	}
	*s = Spec{}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		return invalid("spec", "not a JSON object: %v", err)
	}
	if doc == nil {
		return invalid("spec", "missing")
	}
	if err := Migrate(doc); err != nil {
		return err
	}
	migrated, err := json.Marshal(doc)
	if err != nil {
		return fmt.Errorf("encode migrated spec: %w", err)
	}
	if err := decodeFields(migrated, s); err != nil {
		var typ *json.UnmarshalTypeError
		if errors.As(err, &typ) {
			return invalid("spec."+typ.Field, "want %s, got JSON %s", typ.Type, typ.Value)
		}
		return invalid("spec", "%v", err)
	}
	return nil
}

// decodeFields decodes data into s, refusing unknown fields.
func decodeFields(data []byte, s *Spec) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode((*specFields)(s)); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("more than one JSON value")
	}
	return nil
}

// Normalize gives s its canonical form: empty lists instead of null, and
// KnownKeys sorted without repeats, holding every key a panel shows, so
// that a key with a panel never gets a second one when it is first logged.
func (s *Spec) Normalize() {
	if s.Sections == nil {
		s.Sections = []Section{}
	}
	for i := range s.Sections {
		if s.Sections[i].Panels == nil {
			s.Sections[i].Panels = []Panel{}
		}
	}
	s.KnownKeys = append(s.KnownKeys, s.panelKeys()...)
	if s.KnownKeys == nil {
		s.KnownKeys = []string{}
	}
	slices.Sort(s.KnownKeys)
	s.KnownKeys = slices.Compact(s.KnownKeys)
}

// panelKeys returns the keys that the line panels of s draw: such a key
// needs no automatic panel.
func (s *Spec) panelKeys() []string {
	var keys []string
	for _, sec := range s.Sections {
		for _, p := range sec.Panels {
			if p.Kind == KindLine {
				keys = append(keys, p.Keys...)
			}
		}
	}
	return keys
}

// Encode returns s as JSON, the form Decode reads back.
func (s *Spec) Encode() ([]byte, error) {
	data, err := json.Marshal(s)
	if err != nil {
		return nil, fmt.Errorf("encode spec: %w", err)
	}
	return data, nil
}

// Clone returns a deep copy of s, so that a cached or stored spec is never
// changed through a caller's copy.
func (s *Spec) Clone() Spec {
	data, err := json.Marshal(s)
	if err != nil {
		panic(fmt.Sprintf("workspace: spec does not encode: %v", err))
	}
	var c specFields
	if err := json.Unmarshal(data, &c); err != nil {
		panic(fmt.Sprintf("workspace: spec does not decode: %v", err))
	}
	return Spec(c)
}
