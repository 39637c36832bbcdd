import { useCallback, useEffect, useRef, useState } from "react";
import { ApiError, errorMessage } from "../api/client";
import { notify, notifyError } from "../common/notify";
import { copyWorkspace, getWorkspace, putWorkspace, undoWorkspace } from "./api";
import type { Spec, Workspace } from "./spec";

/** WorkspaceHandle is a loaded workspace and the ways to change it. */
export interface WorkspaceHandle {
  /** The workspace as shown, with local changes applied. */
  ws: Workspace | undefined;
  /** Why it could not be loaded, in words. */
  error: string;
  /** True when it is a teammate's: changes stay local. */
  readOnly: boolean;
  /** True when a teammate's workspace was changed here. */
  changedLocally: boolean;
  /** update applies f to the spec, and saves it when the workspace is mine. */
  update: (f: (s: Spec) => Spec) => void;
  undo: () => void;
  redo: () => void;
  /** copyToMine makes my workspace what is shown, then shows mine. */
  copyToMine: () => Promise<void>;
  /** replace shows a workspace that the server answered with (after a copy or an undo). */
  replace: (w: Workspace) => void;
}

/**
 * useWorkspace loads user's workspace ("" for mine) and keeps it saved.
 * Saves go one at a time, each naming the revision it replaces; edits made
 * while one is in flight are saved together after it. A 409 means the
 * workspace moved on elsewhere (another tab): the server's version is
 * loaded and the user told so.
 */
export function useWorkspace(project: string, user: string): WorkspaceHandle {
  const [ws, setWs] = useState<Workspace>();
  const [error, setError] = useState("");
  const [changedLocally, setChangedLocally] = useState(false);
  const readOnly = user !== "";
  const latest = useRef<Workspace | undefined>(undefined);
  const saving = useRef(false);
  const dirty = useRef(false);

  const show = useCallback((w: Workspace) => {
    latest.current = w;
    setWs(w);
  }, []);

  useEffect(() => {
    let live = true;
    getWorkspace(project, user || "me").then(
      (w) => live && show(w),
      (err: unknown) => live && setError(errorMessage(err)),
    );
    return () => {
      live = false;
    };
  }, [project, user, show]);

  const reload = useCallback(async () => {
    show(await getWorkspace(project, "me"));
  }, [project, show]);

  const flush = useCallback(async () => {
    if (saving.current) return;
    saving.current = true;
    try {
      while (dirty.current && latest.current) {
        dirty.current = false;
        const sent = latest.current;
        const saved = await putWorkspace(project, "me", sent.revision, sent.spec);
        // Keep the local spec, so that objects the page holds keep their
        // identity and nothing redraws; the server's normalized copy only
        // differs in known_keys, which it recomputes on every save anyway.
        show({
          ...latest.current,
          revision: saved.revision,
          can_undo: saved.can_undo,
          can_redo: saved.can_redo,
        });
      }
    } catch (err) {
      dirty.current = false;
      if (err instanceof ApiError && err.status === 409) {
        notify(
          "Your workspace was changed elsewhere (another tab?): loaded its latest version.",
          "error",
        );
        await reload().catch((e: unknown) => notifyError(e, "Reload workspace"));
      } else {
        notifyError(err, "Save workspace");
      }
    } finally {
      saving.current = false;
    }
  }, [project, reload, show]);

  const update = useCallback(
    (f: (s: Spec) => Spec) => {
      const cur = latest.current;
      if (cur === undefined) return;
      show({ ...cur, spec: f(cur.spec) });
      if (readOnly) {
        setChangedLocally(true);
        return;
      }
      dirty.current = true;
      void flush();
    },
    [flush, readOnly, show],
  );

  const step = useCallback(
    async (redo: boolean) => {
      if (readOnly) return;
      try {
        show(await undoWorkspace(project, redo));
      } catch (err) {
        if (err instanceof ApiError && err.status === 409)
          notify(redo ? "Nothing to redo." : "Nothing to undo.");
        else notifyError(err, redo ? "Redo" : "Undo");
      }
    },
    [project, readOnly, show],
  );

  const copyToMine = useCallback(async () => {
    const shown = latest.current;
    if (!readOnly || shown === undefined) return;
    const copied = await copyWorkspace(project, user);
    if (changedLocally) await putWorkspace(project, "me", copied.revision, shown.spec);
  }, [project, user, readOnly, changedLocally]);

  return {
    ws,
    error,
    readOnly,
    changedLocally,
    update,
    undo: () => void step(false),
    redo: () => void step(true),
    copyToMine,
    replace: show,
  };
}
