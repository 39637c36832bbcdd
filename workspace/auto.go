package workspace

import (
	"slices"
	"strconv"
	"strings"

	"github.com/sextant-ml/sextant/engine"
)

// Automatic ids are derived from names, so that the same key always gets
// the same panel id and a following workspace can be compared with the
// automatic layout.
const autoPrefix = "auto:"

// reservedKey reports the keys every row writes, which get no panel.
func reservedKey(k string) bool {
	return k == engine.KeyStep || k == engine.KeyTimestamp || k == engine.KeyRuntime
}

// SectionOf returns the name of the section a key's panel lands in: the
// key's prefix before its first "/", or DefaultSection.
func SectionOf(key string) string {
	prefix, _, found := strings.Cut(key, "/")
	if !found || prefix == "" {
		return DefaultSection
	}
	return prefix
}

// AutoLayout returns the automatic layout of a project with the given
// metric keys: one line panel per key, against _step, in the section named
// by its prefix. Sections come in name order with DefaultSection first,
// panels in key order. The reserved keys get no panel, and neither do keys
// past the limits of a spec (see Sync).
func AutoLayout(keys []string) Spec {
	s := Spec{Version: Version, Auto: true}
	s.Normalize()
	s, _ = Sync(s, keys)
	return s
}

// metricKeys returns keys sorted, without repeats and reserved keys.
func metricKeys(keys []string) []string {
	out := make([]string, 0, len(keys))
	for _, k := range keys {
		if !reservedKey(k) && k != "" {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// autoSections lays out sorted keys.
func autoSections(keys []string) []Section {
	byName := make(map[string][]Panel)
	for _, k := range keys {
		name := SectionOf(k)
		byName[name] = append(byName[name], autoPanel(k))
	}
	names := make([]string, 0, len(byName))
	for name := range byName {
		names = append(names, name)
	}
	slices.SortFunc(names, compareSections)
	sections := make([]Section, 0, len(names))
	for _, name := range names {
		sections = append(sections, Section{
			ID: autoPrefix + name, Name: name, Panels: byName[name],
		})
	}
	return sections
}

// compareSections orders section names, DefaultSection first.
func compareSections(a, b string) int {
	switch {
	case a == b:
		return 0
	case a == DefaultSection:
		return -1
	case b == DefaultSection:
		return 1
	}
	return strings.Compare(a, b)
}

func autoPanel(key string) Panel {
	return Panel{ID: autoPrefix + key, Kind: KindLine, Keys: []string{key}}
}

// Sync brings s up to date with the project's keys and tells whether it
// changed anything. Keys not in s.KnownKeys are new. A spec that follows
// the automatic layout (Auto) becomes the automatic layout of all its
// keys, keeping the options of panels and sections it had. An arranged
// spec keeps its arrangement; each new key's panel is appended to the
// first section of its name, or to a new section at the end.
//
// A new key that would take s past MaxPanels panels, MaxSections sections
// or MaxKnownKeys known keys gets no panel and stays new, so that it comes
// in once panels make room.
func Sync(s Spec, projectKeys []string) (Spec, bool) {
	fresh := s.admit(newKeys(s.KnownKeys, metricKeys(projectKeys)))
	if len(fresh) == 0 {
		return s, false
	}
	s = s.Clone()
	s.KnownKeys = append(s.KnownKeys, fresh...)
	if s.Auto {
		s.Sections = carryOver(autoSections(s.keysForAuto()), s.Sections)
	} else {
		s.appendPanels(fresh)
	}
	s.Normalize()
	return s, true
}

// admit returns the keys of fresh that s has room for, in order.
func (s *Spec) admit(fresh []string) []string {
	names := make(map[string]bool, len(s.Sections))
	for _, sec := range s.Sections {
		names[sec.Name] = true
	}
	panels := MaxPanels - s.panelCount()
	known := MaxKnownKeys - len(s.KnownKeys)
	sections := MaxSections - len(s.Sections)
	var kept []string
	for _, k := range fresh {
		if panels <= 0 || known <= 0 {
			break
		}
		if name := SectionOf(k); !names[name] {
			if sections <= 0 {
				continue
			}
			names[name] = true
			sections--
		}
		kept = append(kept, k)
		panels--
		known--
	}
	return kept
}

// panelCount returns the number of panels of s.
func (s *Spec) panelCount() int {
	n := 0
	for _, sec := range s.Sections {
		n += len(sec.Panels)
	}
	return n
}

// newKeys returns the keys of project missing from known; both are sorted.
func newKeys(known, project []string) []string {
	var fresh []string
	for _, k := range project {
		if _, found := slices.BinarySearch(known, k); !found {
			fresh = append(fresh, k)
		}
	}
	return fresh
}

// keysForAuto returns the keys the automatic layout of s draws.
func (s *Spec) keysForAuto() []string {
	return metricKeys(s.KnownKeys)
}

// carryOver returns layout with the sections and panels that old has under
// the same ids taken from old, options and collapsed state included.
func carryOver(layout, old []Section) []Section {
	sections := make(map[string]*Section)
	panels := make(map[string]*Panel)
	for i := range old {
		sections[old[i].ID] = &old[i]
		for j := range old[i].Panels {
			panels[old[i].Panels[j].ID] = &old[i].Panels[j]
		}
	}
	for i := range layout {
		if o := sections[layout[i].ID]; o != nil {
			layout[i].Collapsed = o.Collapsed
		}
		for j := range layout[i].Panels {
			if o := panels[layout[i].Panels[j].ID]; o != nil {
				layout[i].Panels[j] = *o
			}
		}
	}
	return layout
}

// appendPanels adds a panel for each key at the end of its section.
func (s *Spec) appendPanels(keys []string) {
	ids := s.ids()
	for _, k := range keys {
		name := SectionOf(k)
		i := slices.IndexFunc(s.Sections, func(sec Section) bool { return sec.Name == name })
		if i < 0 {
			s.Sections = append(s.Sections, Section{ID: uniqueID(autoPrefix+name, ids), Name: name})
			i = len(s.Sections) - 1
		}
		p := autoPanel(k)
		p.ID = uniqueID(p.ID, ids)
		s.Sections[i].Panels = append(s.Sections[i].Panels, p)
	}
}

// ids returns the set of section and panel ids of s.
func (s *Spec) ids() map[string]bool {
	ids := make(map[string]bool)
	for _, sec := range s.Sections {
		ids[sec.ID] = true
		for _, p := range sec.Panels {
			ids[p.ID] = true
		}
	}
	return ids
}

// uniqueID returns id, or id with the smallest "#N" suffix not in ids, and
// adds it to ids.
func uniqueID(id string, ids map[string]bool) string {
	out := id
	for n := 2; ids[out]; n++ {
		out = id + "#" + strconv.Itoa(n)
	}
	ids[out] = true
	return out
}

// FollowsAuto reports whether the sections of s have the shape of the
// automatic layout of its known keys: the same sections and panels, by
// id, in the same order. Panel options and collapsed flags do not count.
func (s *Spec) FollowsAuto() bool {
	auto := autoSections(s.keysForAuto())
	if len(auto) != len(s.Sections) {
		return false
	}
	for i, sec := range s.Sections {
		if sec.ID != auto[i].ID || sec.Name != auto[i].Name ||
			len(sec.Panels) != len(auto[i].Panels) {
			return false
		}
		for j, p := range sec.Panels {
			want := auto[i].Panels[j]
			if p.ID != want.ID || p.Kind != want.Kind || !slices.Equal(p.Keys, want.Keys) {
				return false
			}
		}
	}
	return true
}

// ResolveAuto settles the Auto flag of a spec a user saves. Auto with no
// sections asks for the automatic layout of the known keys, a reset; Auto
// with sections that differ from that layout means the user arranged
// panels by hand, so the spec stops following it.
func (s *Spec) ResolveAuto() {
	switch {
	case !s.Auto:
	case len(s.Sections) == 0:
		s.Sections = autoSections(s.keysForAuto())
		s.Normalize()
	case !s.FollowsAuto():
		s.Auto = false
	}
}
