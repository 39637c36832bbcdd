import type { Run } from "../../api/types";
import { renderMarkdown } from "../../common/markdown";
import { runColor } from "../../runs/colors";
import { formatNumber } from "../../runs/columns";
import type { Panel, RunTableState } from "../../workspace/spec";
import { toNumber } from "../line/data";

// Panels drawn from the runs' summaries, which the runs list already
// holds: no chart query needed.

interface Props {
  panel: Panel;
  runs: Run[];
  table: RunTableState;
}

function stat(r: Run, key: string, which: Panel["summary"]): number {
  const s = r.summary?.[key];
  if (s === undefined) return NaN;
  return toNumber(which === "min" ? s.min : which === "max" ? s.max : s.last);
}

/** ScalarPanel shows one key's summary as a big number: the mean over the runs shown. */
export function ScalarPanel({ panel, runs }: Props) {
  const key = panel.keys?.[0] ?? "";
  const vals = runs.map((r) => stat(r, key, panel.summary)).filter(Number.isFinite);
  const mean = vals.reduce((a, b) => a + b, 0) / vals.length;
  return (
    <div className="scalar">
      <div className="scalar-value">{vals.length ? formatNumber(mean) : "–"}</div>
      <div className="muted">
        {panel.summary ?? "last"} {key}
        {vals.length > 1
          ? ` · mean of ${vals.length} runs, ${formatNumber(Math.min(...vals))} to ${formatNumber(Math.max(...vals))}`
          : ""}
      </div>
    </div>
  );
}

/** BarPanel shows each run's summary of the panel's keys as horizontal bars. */
export function BarPanel({ panel, runs, table }: Props) {
  const keys = panel.keys ?? [];
  const rows = runs.flatMap((r) =>
    keys.map((k) => ({ r, k, v: stat(r, k, panel.summary) })).filter((x) => Number.isFinite(x.v)),
  );
  const max = Math.max(0, ...rows.map((x) => x.v));
  const min = Math.min(0, ...rows.map((x) => x.v));
  const span = max - min || 1;
  return (
    <div className="bars">
      {rows.map(({ r, k, v }) => (
        <div className="bar-row" key={`${r.id}/${k}`} title={`${r.name || r.id} ${k}: ${v}`}>
          <span className="bar-label">
            {keys.length > 1 ? `${r.name || r.id} · ${k}` : r.name || r.id}
          </span>
          <span className="bar-track">
            <span
              className="bar"
              style={{
                left: `${((Math.min(v, 0) - min) / span) * 100}%`,
                width: `${(Math.abs(v) / span) * 100}%`,
                background: runColor(r.id, table.colors),
              }}
            />
          </span>
          <span className="bar-value">{formatNumber(v)}</span>
        </div>
      ))}
    </div>
  );
}

/** TablePanel lists the runs with the summaries of the panel's keys. */
export function TablePanel({ panel, runs, table }: Props) {
  const keys = panel.keys ?? [];
  return (
    <div className="table-panel">
      <table className="dense">
        <thead>
          <tr>
            <th>run</th>
            {keys.map((k) => (
              <th key={k}>{k}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {runs.map((r) => (
            <tr key={r.id}>
              <td>
                <i className="dot" style={{ background: runColor(r.id, table.colors) }} />{" "}
                {r.name || r.id}
              </td>
              {keys.map((k) => (
                <td key={k} className="num">
                  {formatNumber(stat(r, k, panel.summary))}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** MarkdownPanel shows the panel's text. */
export function MarkdownPanel({ panel }: { panel: Panel }) {
  return (
    <div
      className="markdown"
      dangerouslySetInnerHTML={{ __html: renderMarkdown(panel.text ?? "") }}
    />
  );
}
