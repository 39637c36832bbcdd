import type { Run } from "../../api/types";
import { runColor, withAlpha } from "../../runs/colors";
import { groupKeys } from "../../runs/columns";
import type { Panel, RunTableState } from "../../workspace/spec";
import { aggregate, align, type Group, type Range, type Series } from "./data";
import { smooth } from "./smoothing";

/** Line is one drawn series of a plot, in uPlot's order (after the x). */
export interface Line {
  /** Shown in the tooltip. */
  label: string;
  /** Stroke color. */
  stroke: string;
  /** Stroke width in CSS pixels. */
  width: number;
  /** "main" lines are listed in the tooltip; "raw" (faint, behind a smoothed line) and "edge" (a band's border) are not. */
  role: "main" | "raw" | "edge";
  /** Band fill for the edge pair, on the upper edge only. */
  fill?: string;
}

/** Plot is what uPlot draws: columnar data, one line per y array, and band pairs. */
export interface Plot {
  x: Float64Array;
  ys: (number | null)[][];
  lines: Line[];
  /** Pairs of line indices (1-based, as uPlot counts) between which a band is filled. */
  bands: [number, number][];
}

/**
 * buildPlot turns a chart answer into what uPlot draws: the series put on
 * one x, smoothed (the original kept faint behind) or grouped (a mid line
 * with a band), in the runs' order and colors. Smoothing and groups come
 * from the server when its answer holds them (computed over the raw
 * points); otherwise they are computed here over the points drawn.
 */
export function buildPlot(
  series: readonly Series[],
  runs: readonly Run[],
  table: RunTableState,
  panel: Panel,
  range: Range,
  width: number,
  groups: readonly Group[] = [],
): Plot {
  if (panel.grouping && groups.length > 0)
    return serverGroups(groups, runs, table, panel, range, width);
  if (panel.smoothing && series.length > 0 && series.every((s) => s.smoothed)) {
    return serverSmoothed(series, runs, table, panel, range, width);
  }
  const order = new Map(runs.map((r, i) => [r.id, i]));
  const keys = panel.keys ?? [];
  const sorted = series
    .filter((s) => order.has(s.run))
    .sort(
      (a, b) =>
        (order.get(a.run) ?? 0) - (order.get(b.run) ?? 0) ||
        keys.indexOf(a.key) - keys.indexOf(b.key),
    );
  const aligned = align(sorted, range, width);
  let ys = aligned.ys;
  if (panel.log_y) ys = ys.map((y) => y.map((v) => (v !== null && v > 0 ? v : null)));
  const byId = new Map(runs.map((r) => [r.id, r]));
  const label = (s: Series) => {
    const r = byId.get(s.run);
    const name = r?.name || s.run;
    return keys.length > 1 ? `${name} · ${s.key}` : name;
  };
  const plot: Plot = { x: aligned.x, ys: [], lines: [], bands: [] };
  if (panel.grouping) {
    addGroups(plot, sorted, ys, byId, table, panel);
    return plot;
  }
  sorted.forEach((s, i) => {
    const color = runColor(s.run, table.colors);
    if (panel.smoothing) {
      plot.ys.push(ys[i]);
      plot.lines.push({ label: label(s), stroke: withAlpha(color, 0.22), width: 1, role: "raw" });
      plot.ys.push(smooth(aligned.x, ys[i], panel.smoothing));
      plot.lines.push({ label: label(s), stroke: color, width: 1.6, role: "main" });
    } else {
      plot.ys.push(ys[i]);
      plot.lines.push({ label: label(s), stroke: color, width: 1.4, role: "main" });
    }
  });
  return plot;
}

/** ordered returns the series of runs, in the runs' order, then by key. */
function ordered(series: readonly Series[], runs: readonly Run[], keys: string[]): Series[] {
  const order = new Map(runs.map((r, i) => [r.id, i]));
  return series
    .filter((s) => order.has(s.run))
    .sort(
      (a, b) =>
        (order.get(a.run) ?? 0) - (order.get(b.run) ?? 0) ||
        keys.indexOf(a.key) - keys.indexOf(b.key),
    );
}

function positive(ys: (number | null)[][], log: boolean | undefined): (number | null)[][] {
  return log ? ys.map((y) => y.map((v) => (v !== null && v > 0 ? v : null))) : ys;
}

function serverSmoothed(
  series: readonly Series[],
  runs: readonly Run[],
  table: RunTableState,
  panel: Panel,
  range: Range,
  width: number,
): Plot {
  const keys = panel.keys ?? [];
  const sorted = ordered(series, runs, keys);
  const both = sorted.flatMap((s) => [s, { ...s, y: s.smoothed ?? s.y }]);
  const aligned = align(both, range, width, 4 * width);
  const names = new Map(runs.map((r) => [r.id, r.name || r.id]));
  const plot: Plot = { x: aligned.x, ys: positive(aligned.ys, panel.log_y), lines: [], bands: [] };
  for (const s of sorted) {
    const color = runColor(s.run, table.colors);
    const label = keys.length > 1 ? `${names.get(s.run)} · ${s.key}` : (names.get(s.run) ?? s.run);
    plot.lines.push(
      { label, stroke: withAlpha(color, 0.22), width: 1, role: "raw" },
      { label, stroke: color, width: 1.6, role: "main" },
    );
  }
  return plot;
}

function serverGroups(
  groups: readonly Group[],
  runs: readonly Run[],
  table: RunTableState,
  panel: Panel,
  range: Range,
  width: number,
): Plot {
  const band = (panel.grouping?.band ?? "minmax") !== "none";
  const parts = groups.flatMap((g) => {
    const mid: Series = { run: g.name, key: g.key, x: g.x, y: g.y };
    if (!band || g.lo === undefined || g.hi === undefined) return [mid];
    return [{ ...mid, y: g.hi }, { ...mid, y: g.lo }, mid];
  });
  const aligned = align(parts, range, width, 4 * width);
  const plot: Plot = { x: aligned.x, ys: positive(aligned.ys, panel.log_y), lines: [], bands: [] };
  const multi = (panel.keys ?? []).length > 1;
  const known = new Set(runs.map((r) => r.id));
  for (const g of groups) {
    const first = g.runs.find((id) => known.has(id)) ?? g.runs[0] ?? g.name;
    const color = runColor(first, table.colors);
    const label = `${g.name}${multi ? ` · ${g.key}` : ""} (${g.runs.length} runs)`;
    if (band && g.lo !== undefined && g.hi !== undefined) {
      const edge = withAlpha(color, 0.35);
      plot.lines.push(
        { label, stroke: edge, width: 0.5, role: "edge", fill: withAlpha(color, 0.14) },
        { label, stroke: edge, width: 0.5, role: "edge" },
      );
      const hi = plot.lines.length - 1;
      plot.bands.push([hi, hi + 1]);
    }
    plot.lines.push({ label, stroke: color, width: 1.8, role: "main" });
  }
  return plot;
}

function addGroups(
  plot: Plot,
  series: readonly Series[],
  ys: (number | null)[][],
  runs: Map<string, Run>,
  table: RunTableState,
  panel: Panel,
): void {
  const g = panel.grouping;
  if (g === undefined) return;
  const members = new Map<string, { first: string; ys: (number | null)[][] }>();
  series.forEach((s, i) => {
    const run = runs.get(s.run);
    if (run === undefined) return;
    const y = panel.smoothing ? smooth(plot.x, ys[i], panel.smoothing) : ys[i];
    for (const name of groupKeys(run, g.by)) {
      const id = (panel.keys ?? []).length > 1 ? `${name} · ${s.key}` : name;
      const m = members.get(id);
      if (m) m.ys.push(y);
      else members.set(id, { first: s.run, ys: [y] });
    }
  });
  for (const [name, m] of members) {
    const color = runColor(m.first, table.colors);
    const agg = aggregate(plot.x, m.ys, g.agg ?? "mean", g.band ?? "minmax");
    const label = `${name} (${agg.runs} runs)`;
    if ((g.band ?? "minmax") !== "none") {
      plot.ys.push(agg.hi, agg.lo);
      plot.lines.push(
        {
          label,
          stroke: withAlpha(color, 0.35),
          width: 0.5,
          role: "edge",
          fill: withAlpha(color, 0.14),
        },
        { label, stroke: withAlpha(color, 0.35), width: 0.5, role: "edge" },
      );
      const hi = plot.lines.length - 1;
      plot.bands.push([hi, hi + 1]);
    }
    plot.ys.push(agg.mid);
    plot.lines.push({ label, stroke: color, width: 1.8, role: "main" });
  }
}

/** valueNear returns the value of y at i or at the nearest index within reach that has one. */
export function valueNear(y: readonly (number | null)[], i: number, reach = 6): number | null {
  for (let d = 0; d <= reach; d++) {
    const a = y[i - d];
    if (a !== undefined && a !== null) return a;
    const b = y[i + d];
    if (b !== undefined && b !== null) return b;
  }
  return null;
}
