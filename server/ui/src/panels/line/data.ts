import type { WireNumber } from "../../api/types";

// Chart data stays columnar from the wire to uPlot: one Float64Array of x
// per series from the server, then one shared x array and one y array per
// series, as uPlot draws them.

/** Series is one line as the server sends it, decoded. */
export interface Series {
  /** Run id. */
  run: string;
  /** Metric key. */
  key: string;
  /** Increasing x values. */
  x: Float64Array;
  /** y values, one per x; NaN where the value is not finite. */
  y: Float64Array;
  /** Smoothed y, one per x, when the server smoothed. */
  smoothed?: Float64Array;
}

/** Group is a group's aggregate line as the server computed it. */
export interface Group {
  name: string;
  key: string;
  runs: string[];
  x: Float64Array;
  y: Float64Array;
  lo?: Float64Array;
  hi?: Float64Array;
}

/** Aligned is uPlot's data: one x array, and per series a y per x (null: no point). */
export interface Aligned {
  x: Float64Array;
  ys: (number | null)[][];
}

/** toNumber decodes a JSON metric value; non-finite strings become numbers. */
export function toNumber(v: WireNumber | undefined): number {
  if (typeof v === "number") return v;
  if (v === "Infinity") return Infinity;
  if (v === "-Infinity") return -Infinity;
  return NaN;
}

/** decodeColumn turns a JSON array of metric values into a Float64Array. */
export function decodeColumn(values: readonly WireNumber[]): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = toNumber(values[i]);
  return out;
}

/** Range is an inclusive x range. */
export interface Range {
  min: number;
  max: number;
}

/**
 * align puts the series on one x array. When the distinct x values of all
 * series number at most maxUnion, they are kept exactly. Past that (many
 * runs whose M4 extremes fall at different x), each point is placed on a
 * grid of four slots per pixel column of the range: it moves by less than
 * a pixel, so the drawing is the same, and the data stays width * 4 long
 * whatever the number of runs.
 */
export function align(
  series: readonly Series[],
  range: Range,
  width: number,
  maxUnion = 4 * width,
): Aligned {
  const union = distinctX(series, maxUnion);
  if (union !== undefined) return onUnion(series, union);
  return onGrid(series, range, Math.max(1, Math.floor(width)));
}

/** distinctX returns the sorted distinct x of all series, or undefined past limit. */
function distinctX(series: readonly Series[], limit: number): Float64Array | undefined {
  let total = 0;
  for (const s of series) total += s.x.length;
  const all = new Float64Array(total);
  let n = 0;
  for (const s of series) {
    all.set(s.x, n);
    n += s.x.length;
  }
  all.sort();
  let k = 0;
  for (let i = 0; i < all.length; i++) {
    if (k > 0 && all[i] === all[k - 1]) continue;
    if (k === limit) return undefined;
    all[k++] = all[i];
  }
  return all.slice(0, k);
}

function onUnion(series: readonly Series[], xs: Float64Array): Aligned {
  const ys = series.map((s) => {
    const y: (number | null)[] = new Array<number | null>(xs.length).fill(null);
    let j = 0;
    for (let i = 0; i < s.x.length; i++) {
      while (xs[j] < s.x[i]) j++;
      y[j] = finiteOrNull(s.y[i]);
    }
    return y;
  });
  return { x: xs, ys };
}

const slotsPerColumn = 4;

function onGrid(series: readonly Series[], range: Range, width: number): Aligned {
  const slots = width * slotsPerColumn;
  const span = range.max - range.min;
  const grid = series.map((s) => {
    const y: (number | null)[] = new Array<number | null>(slots).fill(null);
    let lastCol = -1;
    let k = 0;
    for (let i = 0; i < s.x.length; i++) {
      const col = column(s.x[i], range.min, span, width);
      if (col < 0) continue;
      k = col === lastCol ? Math.min(k + 1, slotsPerColumn - 1) : 0;
      lastCol = col;
      y[col * slotsPerColumn + k] = finiteOrNull(s.y[i]);
    }
    return y;
  });
  return compact(grid, slots, (slot) => {
    const col = Math.floor(slot / slotsPerColumn);
    const frac = ((slot % slotsPerColumn) + 0.5) / slotsPerColumn;
    return range.min + ((col + frac) * span) / width;
  });
}

/** column is the pixel column of x, as the server's M4 computes it; -1 outside. */
export function column(x: number, min: number, span: number, width: number): number {
  if (!(x >= min && x <= min + span)) return -1;
  if (span === 0) return 0;
  return Math.min(width - 1, Math.floor(((x - min) * width) / span));
}

/** compact drops the slots where no series has a point. */
function compact(grid: (number | null)[][], slots: number, xOf: (slot: number) => number): Aligned {
  const keep: number[] = [];
  for (let slot = 0; slot < slots; slot++) {
    if (grid.some((y) => y[slot] !== null)) keep.push(slot);
  }
  const x = Float64Array.from(keep, xOf);
  const ys = grid.map((y) => keep.map((slot) => y[slot]));
  return { x, ys };
}

function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

/** dataRange returns the smallest and largest x over all series, or undefined. */
export function dataRange(series: readonly Series[]): Range | undefined {
  let min = Infinity;
  let max = -Infinity;
  for (const s of series) {
    if (s.x.length === 0) continue;
    min = Math.min(min, s.x[0]);
    max = Math.max(max, s.x[s.x.length - 1]);
  }
  return min <= max ? { min, max } : undefined;
}

/**
 * interpolate fills the gaps inside y linearly in x, so that runs that
 * logged at different x can be averaged; before the first and after the
 * last point it stays null (a run is never extended past its data).
 */
export function interpolate(x: Float64Array, y: readonly (number | null)[]): (number | null)[] {
  const out = [...y];
  let prev = -1;
  for (let i = 0; i < out.length; i++) {
    const v = out[i];
    if (v === null) continue;
    if (prev >= 0 && i - prev > 1) {
      const pv = out[prev] as number;
      for (let j = prev + 1; j < i; j++) {
        out[j] = pv + ((v - pv) * (x[j] - x[prev])) / (x[i] - x[prev]);
      }
    }
    prev = i;
  }
  return out;
}

/** GroupLine is the aggregate of a group of runs on a shared x. */
export interface GroupLine {
  /** Mean or median per x; null where no run of the group has data. */
  mid: (number | null)[];
  /** Lower and upper edge of the band. */
  lo: (number | null)[];
  hi: (number | null)[];
  /** Number of runs in the group. */
  runs: number;
}

/**
 * aggregate draws a group: its mid line (mean or median) and band (min to
 * max, or mean plus and minus one standard deviation) at every x, over
 * the members' interpolated values.
 */
export function aggregate(
  x: Float64Array,
  members: readonly (readonly (number | null)[])[],
  agg: "mean" | "median",
  band: "minmax" | "stddev" | "none",
): GroupLine {
  const filled = members.map((y) => interpolate(x, y));
  const mid: (number | null)[] = [];
  const lo: (number | null)[] = [];
  const hi: (number | null)[] = [];
  const vals: number[] = [];
  for (let i = 0; i < x.length; i++) {
    vals.length = 0;
    for (const y of filled) {
      const v = y[i];
      if (v !== null) vals.push(v);
    }
    if (vals.length === 0) {
      mid.push(null);
      lo.push(null);
      hi.push(null);
      continue;
    }
    const m = mean(vals);
    mid.push(agg === "median" ? median(vals) : m);
    if (band === "stddev") {
      const sd = Math.sqrt(mean(vals.map((v) => (v - m) ** 2)));
      lo.push(m - sd);
      hi.push(m + sd);
    } else {
      lo.push(Math.min(...vals));
      hi.push(Math.max(...vals));
    }
  }
  return { mid, lo, hi, runs: members.length };
}

function mean(v: readonly number[]): number {
  let s = 0;
  for (const x of v) s += x;
  return s / v.length;
}

function median(v: readonly number[]): number {
  const s = [...v].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 === 1 ? s[h] : (s[h - 1] + s[h]) / 2;
}
