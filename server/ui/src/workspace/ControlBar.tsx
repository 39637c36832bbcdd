import { useEffect, useState } from "react";
import { projectPath, request } from "../api/client";
import type { Run } from "../api/types";
import { Modal } from "../common/Modal";
import { notify, notifyError } from "../common/notify";
import { useAsync } from "../common/useAsync";
import { createReport } from "../reports/api";
import { reportFromWorkspace } from "../reports/fromWorkspace";
import { navigate, paths } from "../router";
import { createView, deleteView, listViews, listWorkspaceOwners, setDefaultWorkspace } from "./api";
import type { WorkspaceHandle } from "./useWorkspace";

/**
 * ControlBar is the workspace's bar at the bottom of the page: whose
 * workspace, undo and redo (also Ctrl+Z and Ctrl+Shift+Z), saved views,
 * create report, set as the project's default, copy to my workspace.
 */
export function ControlBar(props: {
  project: string;
  user: string;
  handle: WorkspaceHandle;
  runs: Run[];
}) {
  const { project, user, handle } = props;
  const [viewsOpen, setViewsOpen] = useState(false);
  const owners = useAsync(() => listWorkspaceOwners(project).catch(() => []), [project]);
  const info = useAsync(
    () =>
      request<{ can_admin?: boolean }>("GET", projectPath(project)).catch(
        (): { can_admin?: boolean } => ({}),
      ),
    [project],
  );
  const { undo, redo, readOnly } = handle;

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || e.key.toLowerCase() !== "z" || readOnly) return;
      const t = e.target;
      if (
        t instanceof HTMLInputElement ||
        t instanceof HTMLTextAreaElement ||
        t instanceof HTMLSelectElement
      )
        return;
      e.preventDefault();
      if (e.shiftKey) redo();
      else undo();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [undo, redo, readOnly]);

  const switchTo = (who: string) => {
    if (who === "__other") {
      const name = window.prompt("Whose workspace? (user name)");
      if (name) navigate(paths.workspace(project, name.trim()));
      return;
    }
    navigate(paths.workspace(project, who));
  };
  const copy = async () => {
    try {
      await handle.copyToMine();
      notify(`Copied ${user}'s workspace to yours.`);
      navigate(paths.workspace(project));
    } catch (err) {
      notifyError(err, "Copy to my workspace");
    }
  };
  const report = async () => {
    const ws = handle.ws;
    if (ws === undefined) return;
    const title = window.prompt("Report title", `${project} report`);
    if (!title) return;
    try {
      const r = await createReport(project, reportFromWorkspace(title, ws.spec, props.runs));
      navigate(paths.report(project, r.id, true));
    } catch (err) {
      notifyError(err, "Create report");
    }
  };
  const makeDefault = async () => {
    if (handle.ws === undefined) return;
    try {
      await setDefaultWorkspace(project, handle.ws.spec);
      notify("This layout is now the project's default for newcomers.");
    } catch (err) {
      notifyError(err, "Set as default");
    }
  };
  const others = (owners.value ?? []).filter((o) => o !== user);
  return (
    <footer className="control-bar" data-testid="control-bar">
      <label className="bar-item">
        <span className="muted">Workspace</span>
        <select
          aria-label="Whose workspace"
          value={user}
          onChange={(e) => switchTo(e.target.value)}
        >
          <option value="">My workspace</option>
          {user !== "" ? <option value={user}>{user}'s workspace</option> : null}
          {others.map((o) => (
            <option key={o} value={o}>
              {o}'s workspace
            </option>
          ))}
          <option value="__other">Another user…</option>
        </select>
      </label>
      {readOnly ? (
        <>
          <span className="bar-note">
            Viewing {user}'s workspace
            {handle.changedLocally
              ? ": your changes stay in this tab"
              : " (read-only, changes stay local)"}
          </span>
          <button className="primary" onClick={() => void copy()}>
            Copy to my workspace
          </button>
        </>
      ) : (
        <>
          <button
            aria-label="Undo"
            title="Undo (Ctrl+Z)"
            disabled={handle.ws?.can_undo === false}
            onClick={undo}
          >
            ↶ Undo
          </button>
          <button
            aria-label="Redo"
            title="Redo (Ctrl+Shift+Z)"
            disabled={handle.ws?.can_redo === false}
            onClick={redo}
          >
            ↷ Redo
          </button>
          <span className="muted revision" data-testid="revision">
            rev {handle.ws?.revision ?? "–"}
          </span>
        </>
      )}
      <div className="bar-fill" />
      <button onClick={() => setViewsOpen(true)}>Saved views</button>
      <button onClick={() => void report()}>Create report</button>
      <button
        hidden={info.value?.can_admin === false}
        onClick={() => void makeDefault()}
        title="Newcomers to the project start from this layout (project owners only)"
      >
        Set as default
      </button>
      {viewsOpen ? (
        <ViewsDialog project={project} handle={handle} onClose={() => setViewsOpen(false)} />
      ) : null}
    </footer>
  );
}

function ViewsDialog(props: { project: string; handle: WorkspaceHandle; onClose: () => void }) {
  const { project, handle } = props;
  const views = useAsync(() => listViews(project), [project]);
  const [name, setName] = useState("");
  const save = async () => {
    if (handle.ws === undefined || name.trim() === "") return;
    try {
      await createView(project, name.trim(), handle.ws.spec);
      setName("");
      views.reload();
    } catch (err) {
      notifyError(err, "Save view");
    }
  };
  const remove = async (id: string) => {
    try {
      await deleteView(project, id);
      views.reload();
    } catch (err) {
      notifyError(err, "Delete view");
    }
  };
  return (
    <Modal title="Saved views" onClose={props.onClose}>
      {views.error ? <p className="error-text">{views.error}</p> : null}
      <ul className="view-list">
        {(views.value ?? []).map((v) => (
          <li key={v.id}>
            <span>{v.name}</span>
            <button
              className="small"
              onClick={() => {
                handle.update(() => v.spec);
                props.onClose();
              }}
            >
              Open
            </button>
            <button className="small danger" onClick={() => void remove(v.id)}>
              Delete
            </button>
          </li>
        ))}
        {views.value?.length === 0 ? <li className="muted">No saved views yet.</li> : null}
      </ul>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <input
          aria-label="View name"
          placeholder="Name of a new view"
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <button className="primary" type="submit" disabled={name.trim() === ""}>
          Save current layout
        </button>
      </form>
    </Modal>
  );
}
