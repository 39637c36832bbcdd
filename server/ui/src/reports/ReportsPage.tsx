import { Header } from "../common/Header";
import { Link } from "../common/Link";
import { notifyError } from "../common/notify";
import { formatTime } from "../runs/columns";
import { useAsync } from "../common/useAsync";
import { navigate, paths } from "../router";
import { createReport, deleteReport, listReports } from "./api";

/** ReportsPage lists a project's reports and starts new ones. */
export function ReportsPage({ project }: { project: string }) {
  const reports = useAsync(() => listReports(project), [project]);
  const create = async () => {
    try {
      const r = await createReport(project, {
        title: "Untitled report",
        mode: "dynamic",
        blocks: [{ type: "text", markdown: "Write here." }],
      });
      navigate(paths.report(project, r.id, true));
    } catch (err) {
      notifyError(err, "Create report");
    }
  };
  const remove = async (id: string, title: string) => {
    if (!window.confirm(`Delete report "${title}"?`)) return;
    try {
      await deleteReport(project, id);
      reports.reload();
    } catch (err) {
      notifyError(err, "Delete report");
    }
  };
  return (
    <div className="page">
      <Header project={project} tab="reports" />
      <main className="narrow">
        <div className="row">
          <h1>Reports</h1>
          <div className="bar-fill" />
          <button className="primary" onClick={() => void create()}>
            New report
          </button>
        </div>
        {reports.error ? <p className="error-text">{reports.error}</p> : null}
        {reports.value?.length === 0 ? (
          <p className="muted">
            No reports yet. Make one here, or with “Create report” in the workspace.
          </p>
        ) : null}
        <ul className="project-list">
          {(reports.value ?? []).map((r) => (
            <li key={r.id}>
              <Link href={paths.report(project, r.id)}>{r.title}</Link>
              <span className="muted">
                {r.mode} · {r.created_by ?? ""} {r.updated ? `· ${formatTime(r.updated)}` : ""}
              </span>
              <span className="bar-fill" />
              <Link className="small-link" href={paths.report(project, r.id, true)}>
                Edit
              </Link>
              <button className="ghost small danger" onClick={() => void remove(r.id, r.title)}>
                Delete
              </button>
            </li>
          ))}
        </ul>
      </main>
    </div>
  );
}
