import { projectPath, request } from "../api/client";
import type { Run } from "../api/types";
import type { Panel } from "../workspace/spec";

// Reports: a page of text blocks and panel sections, each section with its
// own run set (workspace/report.go on the server).

/** RunSet selects the runs of a panels block: ids or a filter. */
export interface RunSet {
  ids?: string[];
  filter?: string;
}

/** Snapshot is what a static report froze; the server sets it. */
export interface Snapshot {
  taken: string;
  runs: string[];
}

/** Block is a text block or a section of panels. */
export interface Block {
  type: "text" | "panels";
  /** A text block's Markdown. */
  markdown?: string;
  /** A panels block's title. */
  name?: string;
  /** A panels block's runs. */
  runs?: RunSet;
  /** A panels block's panels. */
  panels?: Panel[];
  /** Set by the server on static reports. */
  snapshot?: Snapshot;
}

/** Report is a stored report. */
export interface Report {
  id: string;
  version?: number;
  title: string;
  blocks: Block[];
  mode: "static" | "dynamic";
  created_by?: string;
  updated?: string;
}

/** ReportInput is what a client sends: the server sets the rest. */
export type ReportInput = Pick<Report, "title" | "blocks" | "mode">;

const reportPath = (project: string, id = "", rest = "") =>
  projectPath(project, `/reports${id ? `/${encodeURIComponent(id)}` : ""}${rest}`);

/** input strips what the server sets, which it would refuse or ignore. */
export function toInput(r: ReportInput): ReportInput {
  return {
    title: r.title,
    mode: r.mode,
    blocks: r.blocks.map((b) =>
      b.type === "text"
        ? { type: "text", markdown: b.markdown ?? "" }
        : { type: "panels", name: b.name, runs: b.runs, panels: b.panels ?? [] },
    ),
  };
}

export async function listReports(project: string): Promise<Report[]> {
  const res = await request<{ reports?: Report[] | null } | Report[]>("GET", reportPath(project));
  return Array.isArray(res) ? res : (res.reports ?? []);
}

export function getReport(project: string, id: string): Promise<Report> {
  return request("GET", reportPath(project, id));
}

export function createReport(project: string, r: ReportInput): Promise<Report> {
  return request("POST", reportPath(project), toInput(r));
}

/**
 * saveReport replaces a report. since is the `updated` of the version the
 * edit started from: the server refuses the save (409) when someone saved
 * the report after it, rather than losing their change.
 */
export function saveReport(
  project: string,
  id: string,
  r: ReportInput,
  since?: string,
): Promise<Report> {
  return request("PUT", reportPath(project, id), { ...toInput(r), updated: since });
}

export async function deleteReport(project: string, id: string): Promise<void> {
  await request("DELETE", reportPath(project, id));
}

/** Share is a view-only link to a report. */
export interface Share {
  token: string;
  url: string;
}

export function shareReport(project: string, id: string): Promise<Share> {
  return request("POST", reportPath(project, id, "/share"));
}

/** SharedView is what a share link reads: the report, and per block the runs it draws. */
export interface SharedView {
  report: Report;
  project: string;
  /** For each block, the runs a panels block draws (empty for text). */
  blockRuns: Run[][];
}

interface WireShared extends Report {
  project?: string;
  block_runs?: (Partial<Run>[] | null)[] | null;
}

/** getShared reads a shared report without a key. */
export async function getShared(token: string): Promise<SharedView> {
  const res = await request<WireShared>("GET", `/shared/${encodeURIComponent(token)}`, undefined, {
    auth: false,
  });
  const blockRuns = res.blocks.map((_, i) =>
    (res.block_runs?.[i] ?? []).map((r) => ({ ...stubRun(r.id ?? ""), ...r })),
  );
  return { report: res, project: res.project ?? "", blockRuns };
}

/** stubRun stands for a run the viewer knows little of (a shared link). */
export function stubRun(id: string): Run {
  return {
    id,
    name: id,
    group: "",
    job_type: "",
    tags: [],
    notes: "",
    config: {},
    summary: {},
    state: "finished",
    author: "",
    created: "",
    heartbeat: "",
  };
}

/**
 * shareUrl is the page a share opens: /shared/TOKEN on this origin (the
 * server's url field names the API path of the share).
 */
export function shareUrl(s: Share): string {
  return `${window.location.origin}/shared/${encodeURIComponent(s.token)}`;
}
