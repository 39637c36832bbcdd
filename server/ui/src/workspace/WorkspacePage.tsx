import { useMemo, useState } from "react";
import type { Run } from "../api/types";
import { Header } from "../common/Header";
import { EmptyProject } from "../projects/EmptyProject";
import { RunsTable } from "../runs/RunsTable";
import { dataVersion, useRuns } from "../runs/useRuns";
import { ControlBar } from "./ControlBar";
import { isVisible, setRuns } from "./layout";
import { Sections } from "./Sections";
import type { Spec } from "./spec";
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
  const shown = useMemo(() => chartRuns(runs.runs, spec), [runs.runs, spec]);
  const keys = useMemo(() => metricKeys(runs.runs, spec), [runs.runs, spec]);
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
                source={{ project }}
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

/** chartRuns is the runs the charts draw: visible ones, at most chartRunLimit. */
function chartRuns(runs: Run[], spec: Spec | undefined): Run[] {
  if (spec === undefined) return [];
  return runs.filter((r) => isVisible(spec.runs, r.id)).slice(0, chartRunLimit);
}

/** metricKeys lists the project's metric keys: the spec's known keys and the runs' summaries. */
function metricKeys(runs: Run[], spec: Spec | undefined): string[] {
  const keys = new Set(spec?.known_keys ?? []);
  for (const r of runs)
    for (const k of Object.keys(r.summary ?? {})) if (!k.startsWith("_")) keys.add(k);
  return [...keys].sort();
}
