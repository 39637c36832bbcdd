import type { Panel, RunTableState, Section, Spec } from "./spec";

// Pure edits of a spec's layout. Each returns a new spec and leaves its
// input alone, so that the previous state can be kept for a failed save.
// A hand edit of sections or panels ends the automatic layout (auto =
// false): from then on the server appends panels for new keys instead of
// re-sorting them.

/** newId returns an id not used by any section or panel of s. */
export function newId(s: Spec, prefix: string): string {
  const used = new Set<string>();
  for (const sec of s.sections) {
    used.add(sec.id);
    for (const p of sec.panels) used.add(p.id);
  }
  for (let i = 1; ; i++) {
    const id = `${prefix}${i}`;
    if (!used.has(id)) return id;
  }
}

function handEdit(s: Spec, sections: Section[]): Spec {
  return { ...s, sections, auto: false };
}

function mapSection(s: Spec, id: string, f: (sec: Section) => Section): Spec {
  return handEdit(
    s,
    s.sections.map((sec) => (sec.id === id ? f(sec) : sec)),
  );
}

/** addSection appends an empty, open section named name. */
export function addSection(s: Spec, name: string): Spec {
  const sec: Section = { id: newId(s, "s"), name, collapsed: false, panels: [] };
  return handEdit(s, [...s.sections, sec]);
}

/** renameSection gives section id a new name. */
export function renameSection(s: Spec, id: string, name: string): Spec {
  return mapSection(s, id, (sec) => ({ ...sec, name }));
}

/** toggleSection opens a collapsed section or collapses an open one. */
export function toggleSection(s: Spec, id: string): Spec {
  return {
    ...s,
    sections: s.sections.map((x) => (x.id === id ? { ...x, collapsed: !x.collapsed } : x)),
  };
}

/** deleteSection removes section id and its panels. */
export function deleteSection(s: Spec, id: string): Spec {
  return handEdit(
    s,
    s.sections.filter((sec) => sec.id !== id),
  );
}

/** moveSection moves section id by delta places (-1 up, +1 down). */
export function moveSection(s: Spec, id: string, delta: number): Spec {
  const from = s.sections.findIndex((sec) => sec.id === id);
  const to = from + delta;
  if (from < 0 || to < 0 || to >= s.sections.length) return s;
  const sections = [...s.sections];
  const [moved] = sections.splice(from, 1);
  sections.splice(to, 0, moved);
  return handEdit(s, sections);
}

/** addPanel appends p, given a fresh id, to section sectionId. */
export function addPanel(s: Spec, sectionId: string, p: Omit<Panel, "id">): Spec {
  const panel: Panel = { ...p, id: newId(s, "p") };
  return mapSection(s, sectionId, (sec) => ({ ...sec, panels: [...sec.panels, panel] }));
}

/** updatePanel replaces panel id with f of it, wherever it is. */
export function updatePanel(s: Spec, id: string, f: (p: Panel) => Panel): Spec {
  return {
    ...s,
    sections: s.sections.map((sec) =>
      sec.panels.some((p) => p.id === id)
        ? { ...sec, panels: sec.panels.map((p) => (p.id === id ? f(p) : p)) }
        : sec,
    ),
  };
}

/** deletePanel removes panel id. */
export function deletePanel(s: Spec, id: string): Spec {
  return handEdit(
    s,
    s.sections.map((sec) => ({ ...sec, panels: sec.panels.filter((p) => p.id !== id) })),
  );
}

/** findPanel returns the section id and index of panel id, or undefined. */
export function findPanel(s: Spec, id: string): { section: string; index: number } | undefined {
  for (const sec of s.sections) {
    const index = sec.panels.findIndex((p) => p.id === id);
    if (index >= 0) return { section: sec.id, index };
  }
  return undefined;
}

/**
 * movePanel moves panel id into section toSection at position toIndex (an
 * index into that section's panels as they are after the panel left its
 * place). Unknown ids leave s as it is.
 */
export function movePanel(s: Spec, id: string, toSection: string, toIndex: number): Spec {
  const from = findPanel(s, id);
  if (from === undefined || !s.sections.some((sec) => sec.id === toSection)) return s;
  let moved: Panel | undefined;
  const without = s.sections.map((sec) => {
    if (sec.id !== from.section) return sec;
    moved = sec.panels[from.index];
    return { ...sec, panels: sec.panels.filter((_, i) => i !== from.index) };
  });
  if (moved === undefined) return s;
  const panel = moved;
  const sections = without.map((sec) => {
    if (sec.id !== toSection) return sec;
    const panels = [...sec.panels];
    panels.splice(Math.max(0, Math.min(toIndex, panels.length)), 0, panel);
    return { ...sec, panels };
  });
  return handEdit(s, sections);
}

/** setRuns replaces the runs table state with f of it. */
export function setRuns(s: Spec, f: (r: RunTableState) => RunTableState): Spec {
  return { ...s, runs: f(s.runs) };
}

/** isVisible reports whether run id is drawn: runs not in the map are. */
export function isVisible(r: RunTableState, id: string): boolean {
  return r.visible?.[id] ?? true;
}

/** panelTitle is the title shown for p. */
export function panelTitle(p: Panel): string {
  if (p.title) return p.title;
  if (p.keys && p.keys.length > 0) return p.keys.join(", ");
  return p.kind === "markdown" ? "Notes" : p.kind;
}
