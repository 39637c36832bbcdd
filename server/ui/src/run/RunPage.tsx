import { useEffect, useMemo, useState } from "react";
import { listRuns, projectPath, request } from "../api/client";
import { historyCsv } from "../api/exports";
import type { Run } from "../api/types";
import { DownloadButton } from "../common/DownloadButton";
import { Header } from "../common/Header";
import { renderMarkdown } from "../common/markdown";
import { notify, notifyError } from "../common/notify";
import { useAsync } from "../common/useAsync";
import { LinePlot } from "../panels/line/LinePlot";
import { RunDetails } from "../runs/RunDetails";
import { dataVersion } from "../runs/useRuns";

/** getRun reads one run; servers without GET on a run are asked through the list. */
async function getRun(project: string, id: string): Promise<Run> {
  try {
    return await request<Run>("GET", projectPath(project, `/runs/${encodeURIComponent(id)}`));
  } catch (err) {
    const all = await listRuns(project, {});
    const found = all.find((r) => r.id === id);
    if (found === undefined) throw err;
    return found;
  }
}

/** sectionsOf groups metric keys by their prefix, as the workspace does. */
export function sectionsOf(keys: string[]): [string, string[]][] {
  const m = new Map<string, string[]>();
  for (const k of [...keys].sort()) {
    const slash = k.indexOf("/");
    const name = slash > 0 ? k.slice(0, slash) : "Charts";
    m.set(name, [...(m.get(name) ?? []), k]);
  }
  return [...m];
}

/** RunPage shows one run: its config, summary, notes, tags, and a chart of every metric. */
export function RunPage({ project, run: id }: { project: string; run: string }) {
  const loaded = useAsync(() => getRun(project, id), [project, id]);
  const [run, setRun] = useState<Run>();
  useEffect(() => {
    if (loaded.value) setRun(loaded.value);
  }, [loaded.value]);
  useEffect(() => {
    if (run?.state !== "running") return;
    const t = window.setInterval(loaded.reload, 3000);
    return () => window.clearInterval(t);
  }, [run?.state, loaded.reload]);
  const keys = useMemo(
    () => Object.keys(run?.summary ?? {}).filter((k) => !k.startsWith("_")),
    [run],
  );
  const runs = useMemo(() => (run ? [run] : []), [run]);
  if (loaded.error && !run) {
    return (
      <div className="page">
        <Header project={project} />
        <p className="error-text page-error">{loaded.error}</p>
      </div>
    );
  }
  if (!run)
    return (
      <div className="page">
        <Header project={project} />
        <p className="muted page-error">Loading…</p>
      </div>
    );
  return (
    <div className="page">
      <Header project={project} />
      <main className="run-page">
        <div className="run-head">
          <h1>
            <span className={`state-dot state-${run.state}`} /> {run.name || run.id}
          </h1>
          <span className="muted">
            {run.id} · {run.state} · {run.author} · {run.group ? `group ${run.group} · ` : ""}
            {run.job_type}
          </span>
          <DownloadButton className="ghost small" file={() => historyCsv(project, run.id)}>
            Download history (CSV)
          </DownloadButton>
        </div>
        <RunEditor project={project} run={run} onSaved={setRun} />
        <RunDetails run={run} withNotes={false} />
        {sectionsOf(keys).map(([name, ks]) => (
          <section key={name} className="ws-section">
            <div className="section-head">
              <h3 className="section-name">{name}</h3>
            </div>
            <div className="panel-grid">
              {ks.map((k) => (
                <div key={k} className="panel">
                  <div className="panel-head">
                    <span className="panel-title">{k}</span>
                  </div>
                  <LinePlot
                    panel={{ id: k, kind: "line", keys: [k] }}
                    runs={runs}
                    table={{}}
                    source={{ project }}
                    version={dataVersion(runs)}
                    height={200}
                  />
                </div>
              ))}
            </div>
          </section>
        ))}
      </main>
    </div>
  );
}

function RunEditor(props: { project: string; run: Run; onSaved: (r: Run) => void }) {
  const { project, run } = props;
  const [notes, setNotes] = useState(run.notes);
  const [tags, setTags] = useState((run.tags ?? []).join(", "));
  const [editing, setEditing] = useState(false);
  const save = async () => {
    try {
      const tagList = tags
        .split(",")
        .map((t) => t.trim())
        .filter((t) => t !== "");
      const res = await request<Run>(
        "PATCH",
        projectPath(project, `/runs/${encodeURIComponent(run.id)}`),
        { notes, tags: tagList },
      );
      props.onSaved({ ...run, ...res, notes, tags: tagList });
      setEditing(false);
      notify("Run saved.");
    } catch (err) {
      notifyError(err, "Save run");
    }
  };
  if (!editing) {
    return (
      <div className="run-notes card">
        <div className="row">
          <h4>Notes</h4>
          <button className="ghost small" onClick={() => setEditing(true)}>
            Edit notes and tags
          </button>
        </div>
        <div
          className="markdown"
          dangerouslySetInnerHTML={{ __html: renderMarkdown(run.notes || "_No notes._") }}
        />
        <p>
          {(run.tags ?? []).map((t) => (
            <span key={t} className="tag">
              {t}
            </span>
          ))}
        </p>
      </div>
    );
  }
  return (
    <div className="run-notes card">
      <label>
        Notes (Markdown)
        <textarea
          aria-label="Run notes"
          rows={5}
          value={notes}
          onChange={(e) => setNotes(e.target.value)}
        />
      </label>
      <label>
        Tags (comma separated)
        <input aria-label="Run tags" value={tags} onChange={(e) => setTags(e.target.value)} />
      </label>
      <div className="row">
        <button className="primary" onClick={() => void save()}>
          Save
        </button>
        <button onClick={() => setEditing(false)}>Cancel</button>
      </div>
    </div>
  );
}
