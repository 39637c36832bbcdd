import { useAsync } from "../common/useAsync";
import { getShared, type Block } from "./api";
import { ReportView } from "./ReportView";

/** SharedReport shows a report opened from its view-only link, with no account. */
export function SharedReport({ token }: { token: string }) {
  const shared = useAsync(() => getShared(token), [token]);
  const runsFor = (_b: Block, i: number) => shared.value?.blockRuns[i] ?? [];
  return (
    <div className="page">
      <header className="topbar">
        <span className="logo">
          <span className="logo-mark" aria-hidden="true" />
          Sextant
        </span>
        <span className="crumb muted">
          Shared report{shared.value?.project ? ` · ${shared.value.project}` : ""} (view only)
        </span>
      </header>
      <main className="report-page">
        {shared.error ? <p className="error-text">{shared.error}</p> : null}
        {shared.value ? (
          <ReportView report={shared.value.report} source={{ token }} runsFor={runsFor} />
        ) : null}
      </main>
    </div>
  );
}
