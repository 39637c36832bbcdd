import { useEffect, useRef, useState } from "react";
import { errorMessage, listRuns } from "../api/client";
import type { Run } from "../api/types";

/** RunsLoad is the project's runs that pass the filter, kept current. */
export interface RunsLoad {
  runs: Run[];
  loaded: boolean;
  /** The server's word on a bad filter or a failed load. */
  error: string;
}

/** livePollMs is how often runs are re-read while one of them is running. */
export const livePollMs = 3000;
const idlePollMs = 15000;

/**
 * useRuns reads the runs that match filter, and reads them again every
 * few seconds, faster while a run is running, so that the table and the
 * charts follow live runs.
 */
export function useRuns(project: string, filter: string): RunsLoad {
  const [state, setState] = useState<RunsLoad>({ runs: [], loaded: false, error: "" });
  const running = useRef(false);
  useEffect(() => {
    let timer = 0;
    const ctl = new AbortController();
    const load = async () => {
      try {
        const fresh = await listRuns(project, { filter }, ctl.signal);
        running.current = fresh.some((r) => r.state === "running");
        setState((s) => ({ runs: reuse(s.runs, fresh), loaded: true, error: "" }));
      } catch (err) {
        if (ctl.signal.aborted) return;
        setState((s) => ({ ...s, loaded: true, error: errorMessage(err) }));
      }
      if (!ctl.signal.aborted)
        timer = window.setTimeout(load, running.current ? livePollMs : idlePollMs);
    };
    void load();
    return () => {
      ctl.abort();
      window.clearTimeout(timer);
    };
  }, [project, filter]);
  return state;
}

/**
 * dataVersion changes whenever a run logged new points: charts use it to
 * ask again for their data.
 */
export function dataVersion(runs: readonly Run[]): string {
  let steps = 0;
  let keys = 0;
  for (const r of runs) {
    for (const s of Object.values(r.summary ?? {})) {
      steps += s.step;
      keys++;
    }
  }
  return `${runs.length}:${keys}:${steps}`;
}

/**
 * reuse keeps the objects of prev that fresh did not change, and prev
 * itself when nothing changed, so that a poll that brings nothing new
 * redraws nothing.
 */
export function reuse(prev: readonly Run[], fresh: Run[]): Run[] {
  const old = new Map(prev.map((r) => [r.id, r]));
  let same = prev.length === fresh.length;
  const out = fresh.map((r, i) => {
    const o = old.get(r.id);
    if (o !== undefined && JSON.stringify(o) === JSON.stringify(r)) {
      same &&= prev[i] === o;
      return o;
    }
    same = false;
    return r;
  });
  return same ? (prev as Run[]) : out;
}
