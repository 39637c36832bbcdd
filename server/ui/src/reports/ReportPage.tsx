import { useEffect, useMemo, useRef, useState } from "react";
import { listRuns } from "../api/client";
import type { Run } from "../api/types";
import { Header } from "../common/Header";
import { Link } from "../common/Link";
import { notify, notifyError } from "../common/notify";
import { useAsync } from "../common/useAsync";
import { paths } from "../router";
import { getReport, saveReport, shareReport, shareUrl, type Block, type Report } from "./api";
import { ReportEditor } from "./ReportEditor";
import { blockRunIds, ReportView, stubRun } from "./ReportView";

/** ReportPage shows a project's report, or edits it. */
export function ReportPage({ project, id, edit }: { project: string; id: string; edit: boolean }) {
  const loaded = useAsync(() => getReport(project, id), [project, id]);
  const runs = useAsync(() => listRuns(project, {}), [project]);
  const filtered = useFilteredRuns(project, loaded.value);
  const [link, setLink] = useState("");
  const byId = useMemo(() => new Map((runs.value ?? []).map((r) => [r.id, r])), [runs.value]);
  const runsFor = (b: Block): Run[] => {
    if (!b.snapshot && b.runs?.filter) return filtered.get(b.runs.filter) ?? [];
    return blockRunIds(b, runs.value ?? []).map((rid) => byId.get(rid) ?? stubRun(rid));
  };
  const share = async () => {
    try {
      const s = await shareReport(project, id);
      setLink(shareUrl(s));
    } catch (err) {
      notifyError(err, "Share report");
    }
  };
  // The version the editor started from: the loaded report's, then each
  // save's own, so that a save refused because someone else saved first
  // says so instead of overwriting their change.
  const since = useRef<string | undefined>(undefined);
  useEffect(() => {
    since.current = loaded.value?.updated;
  }, [loaded.value]);
  const save = async (r: Report) => {
    try {
      const saved = await saveReport(project, id, r, since.current);
      since.current = saved.updated;
      notify("Report saved.");
      loaded.reload();
    } catch (err) {
      notifyError(err, "Save report");
    }
  };
  const report = loaded.value;
  return (
    <div className="page">
      <Header project={project} tab="reports" />
      <main className="report-page">
        {loaded.error ? <p className="error-text">{loaded.error}</p> : null}
        {report ? (
          <>
            <div className="report-bar row">
              {edit ? (
                <Link href={paths.report(project, id)}>View</Link>
              ) : (
                <Link href={paths.report(project, id, true)}>Edit</Link>
              )}
              <div className="bar-fill" />
              <button onClick={() => void share()}>Share link</button>
            </div>
            {link ? <ShareBox link={link} /> : null}
            {edit ? (
              <ReportEditor report={report} runs={runs.value ?? []} onSave={(r) => void save(r)} />
            ) : (
              <ReportView report={report} source={{ project, report: id }} runsFor={runsFor} />
            )}
          </>
        ) : null}
      </main>
    </div>
  );
}

/** useFilteredRuns lists, for each filter a block of r uses, the runs it selects. */
function useFilteredRuns(project: string, r: Report | undefined): Map<string, Run[]> {
  const [out, setOut] = useState(new Map<string, Run[]>());
  const filters = useMemo(
    () => [...new Set((r?.blocks ?? []).map((b) => b.runs?.filter ?? "").filter((f) => f !== ""))],
    [r],
  );
  useEffect(() => {
    let live = true;
    Promise.all(
      filters.map(async (f) => [f, await listRuns(project, { filter: f })] as const),
    ).then(
      (pairs) => live && setOut(new Map(pairs)),
      (err: unknown) => notifyError(err, "Runs of a report section"),
    );
    return () => {
      live = false;
    };
  }, [project, filters]);
  return out;
}

function ShareBox({ link }: { link: string }) {
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(link);
      notify("Link copied.");
    } catch (err) {
      notifyError(err, "Copy link");
    }
  };
  return (
    <div className="share-box card">
      <span className="muted">View-only link, no account needed:</span>
      <input readOnly aria-label="Share link" value={link} onFocus={(e) => e.target.select()} />
      <button className="primary" onClick={() => void copy()}>
        Copy
      </button>
    </div>
  );
}
