import { useMemo, useState } from "react";
import type { Run } from "../api/types";
import { Header } from "../common/Header";
import { EmptyProject } from "../projects/EmptyProject";
import { RunsTable } from "../runs/RunsTable";
import { dataVersion, useRuns } from "../runs/useRuns";
import { ControlBar } from "./ControlBar";
import { isVisible, setRuns } from "./layout";
import { Sections } from "./Sections";
import { useWorkspace } from "./useWorkspace";

/** chartRunLimit caps the runs each chart asks for; the table still lists them all. */
export const chartRunLimit = 200;

/** WorkspacePage is a project's playground: the runs table beside the sections of panels. */
export function WorkspacePage({ project, user }: { project: string; user: string }) {
  const handle = useWorkspace(project, user);
  const spec = handle.ws?.spec;
  const filter = spec?.runs.filter ?? "";
  const runs = useRuns(project, filter);
  const [wide, setWide] = useState(false);
  // Memos keyed by what they read, so that a layout edit leaves the runs
  // and keys the panels get untouched, and no chart redraws for it.
  const visibleKey = runs.runs
    .filter((r) => spec === undefined || isVisible(spec.runs, r.id))
    .map((r) => r.id)
    .join("\n");
  const visibility = spec?.runs.visible;
  const shown = useMemo(
    () => runs.runs.filter((r) => isVisible({ visible: visibility }, r.id)).slice(0, chartRunLimit),
    // visibleKey stands for visibility: only the set of ids matters.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [runs.runs, visibleKey],
  );
  const knownKeys = spec?.known_keys;
  const keys = useMemo(() => metricKeys(runs.runs, knownKeys), [runs.runs, knownKeys]);
  const source = useMemo(() => ({ project }), [project]);
  const version = dataVersion(shown);
  const empty = runs.loaded && runs.runs.length === 0 && filter === "" && !runs.error;

  return (
    <div className="page workspace-page">
      <Header project={project} tab="workspace" />
      {handle.error ? <p className="error-text page-error">{handle.error}</p> : null}
      {spec === undefined ? (
        handle.error ? null : (
          <p className="muted page-error">Loading workspace…</p>
        )
      ) : empty ? (
        <main className="narrow">
          <EmptyProject project={project} />
        </main>
      ) : (
        <div className={`workspace${wide ? " table-wide" : ""}`}>
          <RunsTable
            project={project}
            runs={runs.runs}
            state={spec.runs}
            onChange={(f) => handle.update((s) => setRuns(s, f))}
            error={runs.error}
            wide={wide}
            onToggleWide={() => setWide((w) => !w)}
          />
          {wide ? null : (
            <main className="panels" data-testid="panels">
              {shown.length < runs.runs.filter((r) => isVisible(spec.runs, r.id)).length ? (
                <p className="muted hint">
                  Charts draw the first {chartRunLimit} runs shown in the table.
                </p>
              ) : null}
              <Sections
                spec={spec}
                runs={shown}
                table={spec.runs}
                keys={keys}
                source={source}
                version={version}
                update={handle.update}
              />
            </main>
          )}
        </div>
      )}
      {spec ? <ControlBar project={project} user={user} handle={handle} runs={runs.runs} /> : null}
    </div>
  );
}

/** metricKeys lists the project's metric keys: the spec's known keys and the runs' summaries. */
function metricKeys(runs: Run[], known: string[] | undefined): string[] {
  const keys = new Set(known ?? []);
  for (const r of runs)
    for (const k of Object.keys(r.summary ?? {})) if (!k.startsWith("_")) keys.add(k);
  return [...keys].sort();
}
