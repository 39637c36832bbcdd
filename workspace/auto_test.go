package workspace

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// layout renders the sections of s as "name[panel keys...] ..." for
// comparison.
func layout(s Spec) string {
	var b strings.Builder
	for i, sec := range s.Sections {
		if i > 0 {
			b.WriteByte(' ')
		}
		keys := make([]string, 0, len(sec.Panels))
		for _, p := range sec.Panels {
			keys = append(keys, strings.Join(p.Keys, "+"))
		}
		fmt.Fprintf(&b, "%s[%s]", sec.Name, strings.Join(keys, ","))
	}
	return b.String()
}

func TestAutoLayout(t *testing.T) {
	tests := []struct {
		name string
		keys []string
		want string
	}{
		{"none", nil, ""},
		{"prefixes", []string{"section-b/metric", "section-a/metric", "section-a/b/c"},
			"section-a[section-a/b/c,section-a/metric] section-b[section-b/metric]"},
		{"default first", []string{"loss", "a/x", "_timestamp", "_runtime", "acc"},
			"Charts[acc,loss] a[a/x]"},
		{"empty prefix", []string{"/x", "x"}, "Charts[/x,x]"},
		{"repeats", []string{"b/x", "b/x"}, "b[b/x]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := AutoLayout(tt.keys)
			if got := layout(s); got != tt.want {
				t.Errorf("AutoLayout(%q) = %q, want %q", tt.keys, got, tt.want)
			}
			if err := s.Validate(); err != nil {
				t.Errorf("AutoLayout(%q).Validate() = %v", tt.keys, err)
			}
			if !s.Auto || !s.FollowsAuto() {
				t.Errorf("AutoLayout(%q): Auto %v, FollowsAuto %v, want both true",
					tt.keys, s.Auto, s.FollowsAuto())
			}
		})
	}
}

func TestSyncFollowing(t *testing.T) {
	s := AutoLayout([]string{"train/loss", "val/acc"})
	s.Sections[0].Panels[0].LogY = true
	s.Sections[1].Collapsed = true

	got, changed := Sync(s, []string{"train/loss", "val/acc", "train/acc", "eval/f1", "lr"})
	want := "Charts[lr] eval[eval/f1] train[train/acc,train/loss] val[val/acc]"
	if !changed || layout(got) != want {
		t.Fatalf("Sync(following) = %q, changed %v; want %q, true", layout(got), changed, want)
	}
	if !got.Auto || !got.FollowsAuto() {
		t.Errorf("Sync(following): Auto %v, FollowsAuto %v, want true", got.Auto, got.FollowsAuto())
	}
	if p := got.Sections[2].Panels[1]; !p.LogY {
		t.Errorf("Sync(following): train/loss panel %+v lost log_y", p)
	}
	if !got.Sections[3].Collapsed {
		t.Errorf("Sync(following): section val lost collapsed")
	}
	if layout(s) != "train[train/loss] val[val/acc]" {
		t.Errorf("Sync changed its argument: %q", layout(s))
	}
}

func TestSyncArranged(t *testing.T) {
	s := AutoLayout([]string{"train/loss", "train/lr", "val/acc"})
	// The user moves train/lr into val, before val/acc, and renames val.
	lr := s.Sections[0].Panels[1]
	s.Sections[0].Panels = s.Sections[0].Panels[:1]
	s.Sections[1].Panels = append([]Panel{lr}, s.Sections[1].Panels...)
	s.Sections[1].Name = "validation"
	s.ResolveAuto()
	if s.Auto {
		t.Fatalf("ResolveAuto after a move: Auto still true")
	}

	got, changed := Sync(s, []string{"train/loss", "train/lr", "val/acc", "train/acc",
		"val/f1", "acc"})
	// New sections come at the end, in the order of their first new key.
	want := "train[train/loss,train/acc] validation[train/lr,val/acc] " +
		"Charts[acc] val[val/f1]"
	if !changed || layout(got) != want {
		t.Fatalf("Sync(arranged) = %q, changed %v; want %q, true", layout(got), changed, want)
	}
	if err := got.Validate(); err != nil {
		t.Errorf("Sync(arranged).Validate() = %v", err)
	}

	again, changed := Sync(got, []string{"train/acc", "acc"})
	if changed || layout(again) != want {
		t.Errorf("Sync(no new keys) = %q, changed %v; want unchanged", layout(again), changed)
	}
}

func TestSyncDeletedPanelStaysDeleted(t *testing.T) {
	s := AutoLayout([]string{"a/x", "a/y"})
	s.Sections[0].Panels = s.Sections[0].Panels[:1]
	s.ResolveAuto()
	got, changed := Sync(s, []string{"a/x", "a/y"})
	if changed || layout(got) != "a[a/x]" {
		t.Errorf("Sync(deleted a/y) = %q, changed %v; want %q, false", layout(got), changed,
			"a[a/x]")
	}
}

func TestSyncIDClash(t *testing.T) {
	s := Spec{Version: Version, Sections: []Section{{ID: "auto:a", Name: "b", Panels: []Panel{
		{ID: "auto:a/x", Kind: KindMarkdown, Text: "hi"}}}}}
	s.Normalize()
	got, _ := Sync(s, []string{"a/x"})
	if err := got.Validate(); err != nil {
		t.Fatalf("Sync over clashing ids: Validate() = %v", err)
	}
	if sec := got.Sections[1]; sec.ID != "auto:a#2" || sec.Panels[0].ID != "auto:a/x#2" {
		t.Errorf("Sync over clashing ids: section %q panel %q, want auto:a#2, auto:a/x#2",
			sec.ID, sec.Panels[0].ID)
	}
}

func TestResolveAuto(t *testing.T) {
	base := AutoLayout([]string{"a/x", "b/y"})
	tests := []struct {
		name     string
		edit     func(s *Spec)
		wantAuto bool
		want     string
	}{
		{"options only", func(s *Spec) { s.Sections[0].Panels[0].LogY = true }, true,
			"a[a/x] b[b/y]"},
		{"reorder sections", func(s *Spec) {
			s.Sections[0], s.Sections[1] = s.Sections[1], s.Sections[0]
		}, false, "b[b/y] a[a/x]"},
		{"change keys", func(s *Spec) { s.Sections[0].Panels[0].Keys = []string{"b/y"} },
			false, "a[b/y] b[b/y]"},
		{"reset", func(s *Spec) { s.Sections = nil }, true, "a[a/x] b[b/y]"},
		{"not following", func(s *Spec) { s.Auto = false }, false, "a[a/x] b[b/y]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := base.Clone()
			tt.edit(&s)
			s.ResolveAuto()
			if s.Auto != tt.wantAuto || layout(s) != tt.want {
				t.Errorf("ResolveAuto(%s) = auto %v %q, want %v %q", tt.name, s.Auto, layout(s),
					tt.wantAuto, tt.want)
			}
		})
	}
}

// TestAutoLayoutCap checks that a project with more keys than a spec may
// hold panels gets a valid layout, and that the keys left out come in
// once panels make room.
func TestAutoLayoutCap(t *testing.T) {
	keys := make([]string, MaxPanels+5)
	for i := range keys {
		keys[i] = fmt.Sprintf("layer%d/grad%05d", i%10, i)
	}
	s := AutoLayout(keys)
	if n := s.panelCount(); n != MaxPanels || s.Validate() != nil {
		t.Fatalf("AutoLayout(%d keys): %d panels, Validate %v; want %d, nil", len(keys), n,
			s.Validate(), MaxPanels)
	}
	if got, changed := Sync(s, keys); changed {
		t.Errorf("Sync(full spec) changed it: %d panels", got.panelCount())
	}

	removed := 0
	for _, sec := range s.Sections[:3] {
		removed += len(sec.Panels)
	}
	s.Sections = s.Sections[3:]
	s.ResolveAuto()
	got, changed := Sync(s, keys)
	want := MaxPanels - removed + 5
	if !changed || got.panelCount() != want || got.Validate() != nil {
		t.Errorf("Sync(3 sections removed) = %d panels, changed %v, Validate %v; want %d",
			got.panelCount(), changed, got.Validate(), want)
	}
	last := got.Sections[len(got.Sections)-1]
	if p := last.Panels[len(last.Panels)-1]; p.Keys[0] != slices.Max(keys) {
		t.Errorf("Sync(3 sections removed): last panel %q, want %q", p.Keys[0],
			slices.Max(keys))
	}
}

func TestAutoLayoutSectionCap(t *testing.T) {
	keys := make([]string, MaxSections+10)
	for i := range keys {
		keys[i] = fmt.Sprintf("s%04d/x", i)
	}
	s := AutoLayout(append(keys, "s0000/y"))
	if len(s.Sections) != MaxSections || s.Validate() != nil {
		t.Fatalf("AutoLayout(%d prefixes): %d sections, Validate %v; want %d", len(keys),
			len(s.Sections), s.Validate(), MaxSections)
	}
	if got := layout(s)[:len("s0000[s0000/x,s0000/y]")]; got != "s0000[s0000/x,s0000/y]" {
		t.Errorf("AutoLayout: first section %q, want both keys of s0000", got)
	}
}
