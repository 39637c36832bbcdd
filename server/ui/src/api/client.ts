import type { ChartRequest, ChartResponse, Project, Run } from "./types";

/** ApiError is an error answer of the server, with its code and message. */
export class ApiError extends Error {
  /** HTTP status, 0 when the server could not be reached. */
  readonly status: number;
  /** Stable error code, e.g. "invalid_argument" or "conflict". */
  readonly code: string;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
  }
}

const keyStorage = "sextant.api_key";

/** apiKey returns the signed-in user's key, or "" when signed out. */
export function apiKey(): string {
  return localStorage.getItem(keyStorage) ?? "";
}

/** setApiKey stores the key used on every call; "" signs out. */
export function setApiKey(key: string): void {
  if (key === "") localStorage.removeItem(keyStorage);
  else localStorage.setItem(keyStorage, key);
}

/** errorMessage turns anything thrown into words for the user. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}

/** parseError builds an ApiError from an error answer's status and body. */
export function parseError(status: number, body: string): ApiError {
  try {
    const parsed: unknown = JSON.parse(body);
    if (isErrorBody(parsed)) {
      return new ApiError(status, parsed.error.code, parsed.error.message);
    }
  } catch {
    // Not JSON: a proxy or a crash answered. Fall through to the text.
  }
  const text = body.trim().slice(0, 200) || `HTTP ${status}`;
  return new ApiError(status, "unknown", text);
}

interface ErrorBody {
  error: { code: string; message: string };
}

function isErrorBody(v: unknown): v is ErrorBody {
  if (typeof v !== "object" || v === null || !("error" in v)) return false;
  const e = v.error;
  return typeof e === "object" && e !== null && "message" in e && "code" in e;
}

/** CallOptions are the options of every API call. */
export interface CallOptions {
  /** False sends no API key, as a share link's viewer has none. */
  auth?: boolean;
  /** Aborts the call. */
  signal?: AbortSignal;
}

/**
 * send calls the API at path (under /api/v1) with the user's key and
 * returns the answer; an error answer throws an ApiError in the server's
 * words, and an unreachable server one with code "unreachable".
 */
async function send(
  method: string,
  path: string,
  body: unknown,
  opts: CallOptions,
): Promise<Response> {
  const headers: Record<string, string> = {};
  if (opts.auth !== false && apiKey() !== "") headers.Authorization = `Bearer ${apiKey()}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: opts.signal,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === "AbortError") throw err;
    throw new ApiError(0, "unreachable", `cannot reach the server: ${errorMessage(err)}`);
  }
  if (!res.ok) throw parseError(res.status, await res.text());
  return res;
}

/** request calls the API at path (under /api/v1) and decodes the JSON answer. */
export async function request<T>(
  method: string,
  path: string,
  body?: unknown,
  opts: CallOptions = {},
): Promise<T> {
  const text = await (await send(method, path, body, opts)).text();
  return (text === "" ? {} : JSON.parse(text)) as T;
}

/**
 * requestBlob GETs path (under /api/v1) and returns the answer's bytes as
 * they came, for exports (CSV) that the browser saves rather than reads.
 */
export async function requestBlob(path: string, opts: CallOptions = {}): Promise<Blob> {
  return (await send("GET", path, undefined, opts)).blob();
}

const enc = encodeURIComponent;

/** projectPath is the API path of a project's resource. */
export function projectPath(project: string, rest = ""): string {
  return `/projects/${enc(project)}${rest}`;
}

/** listProjects returns the projects the user can see. */
export async function listProjects(): Promise<Project[]> {
  const res = await request<{ projects?: Project[] | null } | Project[]>("GET", "/projects");
  if (Array.isArray(res)) return res;
  return res.projects ?? [];
}

/** RunsQuery selects and orders runs on the server. */
export interface RunsQuery {
  /** Filter expression, e.g. `config.lr < 0.01`. */
  filter?: string;
  /** Column to sort by. */
  sort?: string;
  /** "asc" or "desc". */
  order?: "asc" | "desc";
}

/** listRuns fetches every run that matches q, following the pages. */
export async function listRuns(
  project: string,
  q: RunsQuery,
  signal?: AbortSignal,
): Promise<Run[]> {
  const runs: Run[] = [];
  let next = "";
  for (let page = 0; page < 100; page++) {
    const params = new URLSearchParams({ limit: "1000" });
    if (q.filter) params.set("filter", q.filter);
    if (q.sort) params.set("sort", q.sort);
    if (q.order) params.set("order", q.order);
    if (next) params.set("next", next);
    const res = await request<{ runs: Run[] | null; next?: string }>(
      "GET",
      projectPath(project, `/runs?${params.toString()}`),
      undefined,
      { signal },
    );
    runs.push(...(res.runs ?? []));
    next = res.next ?? "";
    if (next === "") break;
  }
  return runs;
}

/**
 * ChartSource is where a chart's data comes from: a project (live), a
 * report viewed in its project, or a share link. A report's charts, either
 * way, draw only its runs and keys, cut at its snapshot when static.
 */
export type ChartSource =
  | { project: string }
  | { project: string; report: string; block?: number }
  | { token: string; block?: number };

/** queryChart asks the server for the downsampled series of a chart. */
export function queryChart(
  src: ChartSource,
  req: ChartRequest,
  signal?: AbortSignal,
): Promise<ChartResponse> {
  if ("token" in src) {
    const body = src.block === undefined ? req : { ...req, block: src.block };
    return request("POST", `/shared/${enc(src.token)}/charts`, body, { auth: false, signal });
  }
  if ("report" in src) {
    const body = src.block === undefined ? req : { ...req, block: src.block };
    return request("POST", projectPath(src.project, `/reports/${enc(src.report)}/charts`), body, {
      signal,
    });
  }
  return request("POST", projectPath(src.project, "/charts"), req, { signal });
}
