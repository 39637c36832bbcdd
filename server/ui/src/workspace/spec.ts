// The workspace document, as the server stores it (workspace/spec.go and
// docs/format/workspace.md). The server refuses fields it does not know,
// so nothing UI-only is ever put in a Spec.

/** SPEC_VERSION is the spec version this UI writes; it mirrors the server's. */
export const SPEC_VERSION = 3;

/** Kinds of panel. */
export type PanelKind = "line" | "scalar" | "bar" | "table" | "markdown";

/** Smoothing of a line panel's series. */
export interface Smoothing {
  /** Method: debiased EMA, time-weighted EMA, running mean or Gaussian. */
  type: "ema" | "time_ema" | "mean" | "gaussian";
  /** For ema and time_ema, in [0, 1): 0 leaves the data as it is. */
  weight?: number;
  /** For mean and gaussian, in points, at least 1. */
  window?: number;
}

/** Grouping draws one line per group of runs with a band around it. */
export interface Grouping {
  /** "group", "job_type", "tags" or "config.KEY". */
  by: string;
  /** Line drawn: "mean" (when absent) or "median". */
  agg?: "mean" | "median";
  /** Shaded range: "minmax" (when absent), "stddev" or "none". */
  band?: "minmax" | "stddev" | "none";
}

/** Panel is one chart, table or text box. */
export interface Panel {
  /** Unique within the spec (sections and panels share the id space). */
  id: string;
  /** What the panel draws. */
  kind: PanelKind;
  /** Title; the keys joined when absent. */
  title?: string;
  /** Metric keys shown. */
  keys?: string[];
  /** X-axis of a line panel: "_step" when absent, "_timestamp", "_runtime" or a key. */
  x?: string;
  /** Pinned x range of a line panel. */
  x_min?: number;
  x_max?: number;
  /** Smoothing of a line panel. */
  smoothing?: Smoothing;
  /** Grouping of a line panel's runs. */
  grouping?: Grouping;
  /** Log scales of a line panel. */
  log_x?: boolean;
  log_y?: boolean;
  /** Statistic of a scalar or bar panel: "last" when absent, "min" or "max". */
  summary?: "last" | "min" | "max";
  /** Content of a markdown panel. */
  text?: string;
}

/** Section is a titled, collapsible group of panels. */
export interface Section {
  /** Unique within the spec; automatic sections use "auto:NAME". */
  id: string;
  /** Title shown. */
  name: string;
  /** Hides the panels. */
  collapsed: boolean;
  /** Panels in display order. */
  panels: Panel[];
}

/** Sort order of the runs table. */
export interface RunSort {
  /** A column, as in RunTableState.columns. */
  key: string;
  /** Direction. */
  order: "asc" | "desc";
}

/** RunTableState is the runs table: which runs draw, in which colors, in which order. */
export interface RunTableState {
  /** Run id to whether its lines are drawn; runs not in the map are drawn. */
  visible?: Record<string, boolean>;
  /** Run id to color, "#rrggbb". */
  colors?: Record<string, string>;
  /** Runs filter expression; empty keeps every run. */
  filter?: string;
  /** Groups the rows: "", "group", "job_type", "tags" or "config.KEY". */
  group_by?: string;
  /** Order; by creation time, newest first, when absent. */
  sort?: RunSort;
  /** Columns besides the name: "state", "created", "config.KEY", "summary.KEY". */
  columns?: string[];
}

/** Spec is a workspace document. */
export interface Spec {
  /** Schema version; see migrate.ts. */
  version: number;
  /** Sections in display order. */
  sections: Section[];
  /** The runs table. */
  runs: RunTableState;
  /** True while the layout follows the automatic one of the project's keys. */
  auto: boolean;
  /** Keys the layout has seen; the server adds panels for the others. */
  known_keys: string[];
}

/** Workspace is a stored spec with its owner and revision. */
export interface Workspace {
  /** User who owns it ("" for the project default). */
  owner: string;
  /** Revision number; a save names the one it replaces. */
  revision: number;
  /** The document. */
  spec: Spec;
  /** Whether undo and redo have a revision to go to, when the server says. */
  can_undo?: boolean;
  can_redo?: boolean;
}

/** emptySpec is a spec with no sections, as a project without metrics has. */
export function emptySpec(): Spec {
  return { version: SPEC_VERSION, sections: [], runs: {}, auto: true, known_keys: [] };
}
