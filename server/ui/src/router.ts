import { useSyncExternalStore } from "react";

// A small router over the History API: the app has a handful of pages,
// each named by its path, and the server answers index.html for all of
// them (server/ui.go).

/** Route is a page of the app with its parameters. */
export type Route =
  | { page: "signin" }
  | { page: "projects" }
  | { page: "workspace"; project: string; user: string }
  | { page: "run"; project: string; run: string }
  | { page: "reports"; project: string }
  | { page: "report"; project: string; id: string; edit: boolean }
  | { page: "shared"; token: string }
  | { page: "notfound"; path: string };

/** parseRoute reads a location's path and query into a Route. */
export function parseRoute(pathname: string, search = ""): Route {
  const parts = pathname
    .split("/")
    .filter((p) => p !== "")
    .map(decodeURIComponent);
  const [a, b, c, d, e] = parts;
  const n = parts.length;
  if (n === 0) return { page: "projects" };
  if (a === "signin" && n === 1) return { page: "signin" };
  if (a === "shared" && n === 2) return { page: "shared", token: b };
  if (a === "p" && n >= 2) {
    if (n === 2) {
      const user = new URLSearchParams(search).get("user") ?? "";
      return { page: "workspace", project: b, user };
    }
    if (c === "runs" && n === 4) return { page: "run", project: b, run: d };
    if (c === "reports" && n === 3) return { page: "reports", project: b };
    if (c === "reports" && n === 4) return { page: "report", project: b, id: d, edit: false };
    if (c === "reports" && n === 5 && e === "edit") {
      return { page: "report", project: b, id: d, edit: true };
    }
  }
  return { page: "notfound", path: pathname };
}

const enc = encodeURIComponent;

/** paths builds the app's links. */
export const paths = {
  projects: () => "/",
  signin: () => "/signin",
  workspace: (project: string, user = "") =>
    `/p/${enc(project)}${user ? `?user=${enc(user)}` : ""}`,
  run: (project: string, run: string) => `/p/${enc(project)}/runs/${enc(run)}`,
  reports: (project: string) => `/p/${enc(project)}/reports`,
  report: (project: string, id: string, edit = false) =>
    `/p/${enc(project)}/reports/${enc(id)}${edit ? "/edit" : ""}`,
};

const listeners = new Set<() => void>();

function subscribe(f: () => void): () => void {
  listeners.add(f);
  window.addEventListener("popstate", f);
  return () => {
    listeners.delete(f);
    window.removeEventListener("popstate", f);
  };
}

function snapshot(): string {
  return window.location.pathname + window.location.search;
}

/** navigate shows the page at path, adding it to the history. */
export function navigate(path: string, replace = false): void {
  if (replace) window.history.replaceState(null, "", path);
  else window.history.pushState(null, "", path);
  listeners.forEach((f) => f());
}

/** useRoute returns the current route, re-rendering when it changes. */
export function useRoute(): Route {
  const loc = useSyncExternalStore(subscribe, snapshot);
  const url = new URL(loc, window.location.origin);
  return parseRoute(url.pathname, url.search);
}
