// Shapes of the HTTP API (see docs/api.md). Only the fields the UI reads
// are typed; the server may send more.

/** A JSON value as the server sends it in configs and specs. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A metric value as JSON carries it: non-finite values come as strings. */
export type WireNumber = number | "NaN" | "Infinity" | "-Infinity" | null;

/** One metric's entry in a run's summary. */
export interface MetricSummary {
  /** Value at the largest step. */
  last: WireNumber;
  /** The largest step of the series. */
  step: number;
  /** Smallest finite value. */
  min: WireNumber;
  /** Largest finite value. */
  max: WireNumber;
}

/** A run's lifecycle state. */
export type RunState = "running" | "finished" | "failed" | "crashed";

/** A run as listed by GET .../runs. */
export interface Run {
  /** Unique within the project. */
  id: string;
  /** Display name; the id when empty. */
  name: string;
  /** Group the run belongs to, e.g. a sweep. */
  group: string;
  /** Kind of job, e.g. "train" or "eval". */
  job_type: string;
  /** Free labels. */
  tags: string[] | null;
  /** Free text, Markdown. */
  notes: string;
  /** Nested hyperparameters. */
  config: { [key: string]: Json } | null;
  /** Latest value and extremes of every metric key. */
  summary: { [key: string]: MetricSummary } | null;
  /** Lifecycle state. */
  state: RunState | string;
  /** User who created it. */
  author: string;
  /** Creation time, RFC 3339. */
  created: string;
  /** Last sign of life, RFC 3339. */
  heartbeat: string;
}

/** A project as listed by GET /projects. */
export interface Project {
  /** Unique name, used in paths. */
  name: string;
  /** Owning team, empty when a user owns it. */
  team?: string;
  /** Owning user when no team. */
  owner?: string;
  /** "private" or "public". */
  visibility?: string;
}

/** Body of POST .../charts. */
export interface ChartRequest {
  /** Run ids whose series are wanted. */
  runs: string[];
  /** Metric keys. */
  keys: string[];
  /** X-axis: "_step", "_timestamp", "_runtime" or a metric key. */
  x: string;
  /** Inclusive x range; absent means the data's. */
  x_min?: number;
  x_max?: number;
  /** Pixel columns of the chart. */
  width: number;
  /** Downsampling: "m4" (exact extremes per column) or "raw". */
  mode?: "m4" | "raw" | "lttb";
  /** Smoothing, computed by the server over the raw points in range. */
  smoothing?: { type: string; weight?: number; window?: number; sigma?: number };
  /** Grouping of runs into aggregate lines with bands. */
  grouping?: { by: string; agg?: string; band?: string };
}

/** One series of a chart answer: columnar x and y. */
export interface ChartSeries {
  run: string;
  key: string;
  x: WireNumber[];
  y: WireNumber[];
  /** Points in range before downsampling. */
  count: number;
  /** The smoothed y at each x, when smoothing was asked for. */
  smoothed_y?: WireNumber[];
}

/** One group's aggregate line of a chart answer, when grouping was asked for. */
export interface ChartGroup {
  /** The group's name (its value of the grouping field). */
  group: string;
  key: string;
  /** Member runs. */
  runs: string[];
  x: WireNumber[];
  /** Mean or median of the members. */
  y: WireNumber[];
  band_low?: WireNumber[];
  band_high?: WireNumber[];
}

/** Answer of POST .../charts. */
export interface ChartResponse {
  x_min: number | null;
  x_max: number | null;
  series: ChartSeries[] | null;
  groups?: ChartGroup[] | null;
}

/** Answer of GET .../runs/{run}/history (JSON). */
export interface History {
  steps: number[];
  columns: { [key: string]: WireNumber[] };
}
