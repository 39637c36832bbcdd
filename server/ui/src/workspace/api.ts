import type { Json } from "../api/types";
import { ApiError, projectPath, request } from "../api/client";
import { migrate } from "./migrate";
import type { Spec, Workspace } from "./spec";

// Workspace endpoints. Specs are migrated as they come in, so the UI only
// ever sees the current version.

interface WireWorkspace {
  owner: string;
  revision: number;
  spec: Json;
  can_undo?: boolean;
  can_redo?: boolean;
}

function decode(w: WireWorkspace): Workspace {
  return {
    owner: w.owner,
    revision: w.revision,
    spec: migrate(w.spec),
    can_undo: w.can_undo,
    can_redo: w.can_redo,
  };
}

const wsPath = (project: string, who: string, rest = "") =>
  projectPath(project, `/workspaces/${encodeURIComponent(who)}${rest}`);

/** getWorkspace reads who's workspace ("me", a user, or "default"). */
export async function getWorkspace(project: string, who: string): Promise<Workspace> {
  return decode(await request<WireWorkspace>("GET", wsPath(project, who)));
}

/** putWorkspace saves spec over revision; a 409 ApiError means it moved on. */
export async function putWorkspace(
  project: string,
  who: "me" | "default",
  revision: number,
  spec: Spec,
): Promise<Workspace> {
  return decode(await request<WireWorkspace>("PUT", wsPath(project, who), { revision, spec }));
}

/** undoWorkspace steps my workspace back one revision. */
export async function undoWorkspace(project: string, redo = false): Promise<Workspace> {
  const res = await request<WireWorkspace>("POST", wsPath(project, "me", redo ? "/redo" : "/undo"));
  return decode(res);
}

/** copyWorkspace makes my workspace a copy of user's. */
export async function copyWorkspace(project: string, from: string): Promise<Workspace> {
  return decode(await request<WireWorkspace>("POST", wsPath(project, "me", "/copy"), { from }));
}

/**
 * setDefaultWorkspace makes spec the project's default. It reads the
 * default's revision first, since a PUT names the revision it replaces.
 */
export async function setDefaultWorkspace(project: string, spec: Spec): Promise<void> {
  let revision = 0;
  try {
    revision = (await getWorkspace(project, "default")).revision;
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 404)) throw err;
  }
  await putWorkspace(project, "default", revision, spec);
}

/** listWorkspaceOwners names the users with a workspace in the project. */
export async function listWorkspaceOwners(project: string): Promise<string[]> {
  const res = await request<{ owners?: string[] | null }>(
    "GET",
    projectPath(project, "/workspaces"),
  );
  return (res.owners ?? []).filter((o) => o !== "");
}

/** SavedView is a named copy of a layout. */
export interface SavedView {
  id: string;
  name: string;
  spec: Spec;
}

interface WireView {
  id: string;
  name: string;
  spec: Json;
}

/** listViews returns the project's saved views. */
export async function listViews(project: string): Promise<SavedView[]> {
  const res = await request<{ views?: WireView[] | null } | WireView[]>(
    "GET",
    projectPath(project, "/views"),
  );
  const list = Array.isArray(res) ? res : (res.views ?? []);
  return list.map((v) => ({ id: v.id, name: v.name, spec: migrate(v.spec) }));
}

/** createView saves spec as a view named name. */
export async function createView(project: string, name: string, spec: Spec): Promise<void> {
  await request("POST", projectPath(project, "/views"), { name, spec });
}

/** deleteView removes view id. */
export async function deleteView(project: string, id: string): Promise<void> {
  await request("DELETE", projectPath(project, `/views/${encodeURIComponent(id)}`));
}
