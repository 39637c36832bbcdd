import type { Run } from "../api/types";
import { toNumber } from "../panels/line/data";
import { configLeaves, formatNumber } from "./columns";
import { cellOf } from "./columns";

/** RunDetails shows a run's notes, config and summary; withNotes false leaves notes to the caller. */
export function RunDetails({ run, withNotes = true }: { run: Run; withNotes?: boolean }) {
  const config = configLeaves(run.config);
  const summary = Object.entries(run.summary ?? {}).sort(([a], [b]) => a.localeCompare(b));
  return (
    <div className="run-details" data-testid={`details-${run.id}`}>
      <div hidden={!withNotes}>
        <h4>Notes</h4>
        <p className="notes">{run.notes || <span className="muted">No notes.</span>}</p>
        {run.tags && run.tags.length > 0 ? (
          <p>
            {run.tags.map((t) => (
              <span key={t} className="tag">
                {t}
              </span>
            ))}
          </p>
        ) : null}
      </div>
      <div>
        <h4>Config</h4>
        <table className="kv">
          <tbody>
            {config.map((k) => (
              <tr key={k}>
                <td>{k}</td>
                <td>{String(cellOf(run, `config.${k}`) ?? "")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div>
        <h4>Summary</h4>
        <table className="kv">
          <tbody>
            {summary.map(([k, s]) => (
              <tr key={k}>
                <td>{k}</td>
                <td>{formatNumber(toNumber(s.last))}</td>
                <td className="muted">
                  min {formatNumber(toNumber(s.min))} · max {formatNumber(toNumber(s.max))} · step{" "}
                  {s.step}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
