import type { Json, Run } from "../api/types";
import { toNumber } from "../panels/line/data";

// Columns of the runs table, named as the server's filter and sort name
// fields: "state", "created", "config.lr", "summary.val/acc".

/** Cell is a column's value for one run: a number, text, or nothing. */
export type Cell = number | string | undefined;

const fixed = ["state", "created", "group", "job_type", "tags", "author"] as const;

/** fixedColumns are the run fields every project has. */
export const fixedColumns: readonly string[] = fixed;

/** configLeaves lists the dotted paths of the leaves of a nested config. */
export function configLeaves(config: Run["config"], prefix = ""): string[] {
  if (config === null) return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(config)) {
    const path = prefix + k;
    if (typeof v === "object" && v !== null && !Array.isArray(v)) {
      out.push(...configLeaves(v, `${path}.`));
    } else {
      out.push(path);
    }
  }
  return out;
}

/** availableColumns lists every column the runs have, config then summary keys, sorted. */
export function availableColumns(runs: readonly Run[]): string[] {
  const config = new Set<string>();
  const summary = new Set<string>();
  for (const r of runs) {
    for (const k of configLeaves(r.config)) config.add(`config.${k}`);
    for (const k of Object.keys(r.summary ?? {})) {
      if (!k.startsWith("_")) summary.add(`summary.${k}`);
    }
  }
  return [...fixed, ...[...config].sort(), ...[...summary].sort()];
}

/**
 * defaultColumns is what a table shows before the user chooses: the
 * state, then up to four config keys whose values differ between runs
 * (what a sweep varies), then up to four summary keys.
 */
export function defaultColumns(runs: readonly Run[]): string[] {
  const all = availableColumns(runs);
  const varies = (c: string) => new Set(runs.map((r) => cellOf(r, c))).size > 1;
  const config = all.filter((c) => c.startsWith("config."));
  const chosen = [...config.filter(varies), ...config.filter((c) => !varies(c))].slice(0, 4);
  const summary = all.filter((c) => c.startsWith("summary.")).slice(0, 4);
  return ["state", ...chosen, ...summary];
}

function configValue(config: Run["config"], path: string): Json | undefined {
  let cur: Json | undefined = config;
  for (const part of path.split(".")) {
    if (typeof cur !== "object" || cur === null || Array.isArray(cur)) return undefined;
    cur = cur[part];
  }
  if (cur === undefined && config !== null) return config[path];
  return cur;
}

/** cellOf returns run r's value in column col. */
export function cellOf(r: Run, col: string): Cell {
  if (col.startsWith("summary.")) {
    const s = r.summary?.[col.slice("summary.".length)];
    return s === undefined ? undefined : toNumber(s.last);
  }
  if (col.startsWith("config.")) {
    const v = configValue(r.config, col.slice("config.".length));
    if (v === undefined || v === null) return undefined;
    if (typeof v === "number" || typeof v === "string") return v;
    return JSON.stringify(v);
  }
  switch (col) {
    case "name":
      return r.name || r.id;
    case "tags":
      return (r.tags ?? []).join(", ");
    case "state":
    case "created":
    case "group":
    case "job_type":
    case "author":
    case "id":
      return r[col];
  }
  return undefined;
}

/** compareCells orders cells: numbers, then text, empty cells last. */
export function compareCells(a: Cell, b: Cell): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? 1 : -1;
  if (typeof a === "number" && typeof b === "number") {
    if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) ? (Number.isNaN(b) ? 0 : 1) : -1;
    return a - b;
  }
  if (typeof a === "number") return -1;
  if (typeof b === "number") return 1;
  return a.localeCompare(b, undefined, { numeric: true });
}

/** sortRuns returns runs ordered by col; empty cells stay last in both orders. */
export function sortRuns(runs: readonly Run[], col: string, order: "asc" | "desc"): Run[] {
  const sign = order === "asc" ? 1 : -1;
  return [...runs].sort((a, b) => {
    const ca = sortable(cellOf(a, col));
    const cb = sortable(cellOf(b, col));
    if (ca === undefined || cb === undefined) return compareCells(ca, cb);
    return sign * compareCells(ca, cb) || a.id.localeCompare(b.id);
  });
}

/** sortable treats NaN as an empty cell, so that it sorts last both ways. */
function sortable(v: Cell): Cell {
  return typeof v === "number" && Number.isNaN(v) ? undefined : v;
}

/** groupKeys returns the name of the group r falls in under by ("group", "tags", "config.x"). */
export function groupKeys(r: Run, by: string): string[] {
  if (by === "tags") return r.tags && r.tags.length > 0 ? [...r.tags] : ["(no tags)"];
  const v = cellOf(r, by);
  return [v === undefined || v === "" ? `(no ${by})` : String(v)];
}

/** RunGroup is a titled list of runs. */
export interface RunGroup {
  name: string;
  runs: Run[];
}

/** groupRuns splits runs by by, keeping their order; a run with several tags is in each. */
export function groupRuns(runs: readonly Run[], by: string): RunGroup[] {
  const groups = new Map<string, Run[]>();
  for (const r of runs) {
    for (const k of groupKeys(r, by)) {
      const list = groups.get(k);
      if (list) list.push(r);
      else groups.set(k, [r]);
    }
  }
  return [...groups].map(([name, list]) => ({ name, runs: list }));
}

/** formatCell renders a cell compactly, as a dense table wants it. */
export function formatCell(v: Cell, col: string): string {
  if (v === undefined) return "";
  if (typeof v === "string") {
    if (col === "created" && v !== "") return formatTime(v);
    return v;
  }
  return formatNumber(v);
}

/** formatNumber shows up to 4 significant digits, exponents for very large or small. */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return "0";
  if (Number.isInteger(v) && Math.abs(v) < 1e6) return String(v);
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(2);
  return String(Number(v.toPrecision(4)));
}

/** formatTime shows an RFC 3339 time as a short local date and time. */
export function formatTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** columnLabel is a column's header text. */
export function columnLabel(col: string): string {
  if (col.startsWith("config.")) return col.slice(7);
  if (col.startsWith("summary.")) return col.slice(8);
  return col === "job_type" ? "job type" : col;
}
