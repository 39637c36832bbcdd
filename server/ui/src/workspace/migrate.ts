import type { Json } from "../api/types";
import { SPEC_VERSION, type Spec } from "./spec";

type Doc = { [key: string]: Json };

/**
 * migrations[v - 1] turns a version v document into version v + 1, in
 * place; each mirrors the server's migration of the same number
 * (workspace/migrate.go), so that a layout saved by an old UI, kept in
 * localStorage or in a report, reads the same on both sides.
 */
export const migrations: ReadonlyArray<(doc: Doc) => void> = [
  migrateV1HiddenToVisible,
  migrateV2SmoothingObject,
];

/**
 * Version 1 listed hidden runs in runs.hidden; version 2 maps run ids to
 * visibility in runs.visible.
 */
export function migrateV1HiddenToVisible(doc: Doc): void {
  const runs = asObject(doc.runs);
  if (runs === undefined || !("hidden" in runs)) return;
  const hidden = runs.hidden;
  delete runs.hidden;
  if (!Array.isArray(hidden)) throw new Error("runs.hidden: not a list of run ids");
  const visible: Doc = {};
  hidden.forEach((id, i) => {
    if (typeof id !== "string") throw new Error(`runs.hidden[${i}]: not a string`);
    visible[id] = false;
  });
  if (Object.keys(visible).length > 0) runs.visible = visible;
}

/**
 * Version 2 held a line panel's smoothing as a bare EMA weight; version 3
 * holds {type, weight}. A weight of 0 meant none and is dropped.
 */
export function migrateV2SmoothingObject(doc: Doc): void {
  const sections = Array.isArray(doc.sections) ? doc.sections : [];
  sections.forEach((s, i) => {
    const panels = asObject(s)?.panels;
    if (!Array.isArray(panels)) return;
    panels.forEach((p, j) => {
      const panel = asObject(p);
      if (panel === undefined || panel.smoothing === undefined || panel.smoothing === null) {
        return;
      }
      const w = panel.smoothing;
      if (typeof w !== "number") {
        throw new Error(`sections[${i}].panels[${j}].smoothing: not a number in a version 2 spec`);
      }
      if (w === 0) delete panel.smoothing;
      else panel.smoothing = { type: "ema", weight: w };
    });
  });
}

/**
 * migrate brings a spec of any known version to SPEC_VERSION and returns
 * it; the input is not changed. It throws on a missing or unknown version.
 */
export function migrate(input: Json): Spec {
  const doc = asObject(structuredClone(input));
  if (doc === undefined) throw new Error("spec: not an object");
  const v = doc.version;
  if (typeof v !== "number" || !Number.isInteger(v)) {
    throw new Error("version: missing or not an integer");
  }
  if (v < 1 || v > SPEC_VERSION) {
    throw new Error(`version: ${v} is not between 1 and ${SPEC_VERSION}`);
  }
  for (let i = v; i < SPEC_VERSION; i++) migrations[i - 1](doc);
  doc.version = SPEC_VERSION;
  return normalize(doc as unknown as Spec);
}

/** normalize gives a spec the fields the UI relies on. */
function normalize(s: Spec): Spec {
  return {
    ...s,
    sections: (s.sections ?? []).map((sec) => ({
      ...sec,
      collapsed: sec.collapsed ?? false,
      panels: sec.panels ?? [],
    })),
    runs: s.runs ?? {},
    auto: s.auto ?? false,
    known_keys: s.known_keys ?? [],
  };
}

function asObject(v: Json | undefined): Doc | undefined {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? v : undefined;
}
