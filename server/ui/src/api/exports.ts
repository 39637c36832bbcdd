import { projectPath, requestBlob, type RunsQuery } from "./client";

// Exports the server writes (CSV of the runs table, of a run's history),
// saved by the browser as files. The API wants the user's key in a
// header, which a plain <a href download> cannot send: the body is
// fetched with the key, then handed to the browser as an object URL.

/** Export is an API answer to save, and the name of the file it goes in. */
export interface Export {
  /** API path under /api/v1, with its query. */
  path: string;
  /** Suggested file name. */
  filename: string;
}

/**
 * runsCsv is the runs table of project as CSV: every run that passes
 * q.filter, in q's order (newest first without a sort), not paged.
 */
export function runsCsv(project: string, q: RunsQuery): Export {
  const params = new URLSearchParams({ format: "csv" });
  if (q.filter) params.set("filter", q.filter);
  if (q.sort) params.set("sort", q.sort);
  if (q.order) params.set("order", q.order);
  return {
    path: projectPath(project, `/runs?${params.toString()}`),
    filename: `${fileSafe(project)}-runs.csv`,
  };
}

/** historyCsv is every series of a run at full resolution, one row per step. */
export function historyCsv(project: string, run: string): Export {
  return {
    path: projectPath(project, `/runs/${encodeURIComponent(run)}/history?format=csv`),
    filename: `${fileSafe(project)}-${fileSafe(run)}-history.csv`,
  };
}

/**
 * fileSafe keeps the characters every file system takes in a name and
 * turns the others into "_". Project and run ids are already made of
 * them; this guards against a server that allows more.
 */
export function fileSafe(id: string): string {
  return id.replace(/[^A-Za-z0-9._~-]/g, "_");
}

/**
 * download fetches e with the user's key and has the browser save it as
 * e.filename. An error answer throws in the server's words, and nothing
 * is saved.
 */
export async function download(e: Export, signal?: AbortSignal): Promise<void> {
  const blob = await requestBlob(e.path, { signal });
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = e.filename;
  a.style.display = "none";
  document.body.append(a);
  a.click();
  a.remove();
  // Not revoked at once: some browsers read the URL only after click()
  // has returned, and would save nothing.
  window.setTimeout(() => URL.revokeObjectURL(url), revokeDelayMs);
}

const revokeDelayMs = 1000;
