import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useMemo, useRef, useState, type CSSProperties } from "react";
import { runsCsv } from "../api/exports";
import type { Run } from "../api/types";
import { DownloadButton } from "../common/DownloadButton";
import { Link } from "../common/Link";
import { paths } from "../router";
import { isVisible } from "../workspace/layout";
import type { RunTableState } from "../workspace/spec";
import { runColor } from "./colors";
import {
  availableColumns,
  cellOf,
  columnLabel,
  defaultColumns,
  formatCell,
  groupRuns,
  sortRuns,
} from "./columns";
import { ColumnPicker } from "./ColumnPicker";
import { RunDetails } from "./RunDetails";

/** Row is one line of the virtual list: a group's title or a run. */
type Row = { kind: "group"; name: string; runs: Run[] } | { kind: "run"; run: Run };

export interface RunsTableProps {
  /** Project the runs belong to. */
  project: string;
  /** Runs that pass the filter, as the server sent them. */
  runs: Run[];
  /** Table state from the workspace. */
  state: RunTableState;
  /** Changes the table state (saved with the workspace). */
  onChange: (f: (r: RunTableState) => RunTableState) => void;
  /** The server's complaint about the filter, if any. */
  error: string;
  /** True when the table takes the whole page. */
  wide: boolean;
  /** Widens or narrows the table. */
  onToggleWide: () => void;
}

/** RunsTable lists every run: toggles, colors, sorting, grouping, columns, details. */
export function RunsTable(props: RunsTableProps) {
  const { runs, state, onChange } = props;
  const [draft, setDraft] = useState(state.filter ?? "");
  const [open, setOpen] = useState<Set<string>>(new Set());
  const [collapsed, setCollapsed] = useState<Set<string>>(new Set());
  const [picking, setPicking] = useState(false);

  const allColumns = useMemo(() => availableColumns(runs), [runs]);
  const columns = state.columns ?? defaultColumns(runs);
  const sorted = useMemo(() => {
    const s = state.sort ?? { key: "created", order: "desc" as const };
    return sortRuns(runs, s.key, s.order);
  }, [runs, state.sort]);
  const rows = useMemo((): Row[] => {
    if (!state.group_by) return sorted.map((run) => ({ kind: "run", run }));
    return groupRuns(sorted, state.group_by).flatMap((g): Row[] => [
      { kind: "group", name: g.name, runs: g.runs },
      ...(collapsed.has(g.name) ? [] : g.runs.map((run): Row => ({ kind: "run", run }))),
    ]);
  }, [sorted, state.group_by, collapsed]);

  const scroller = useRef<HTMLDivElement>(null);
  const virtual = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    // Fixed heights: measuring rows forces layouts of the whole page,
    // which with many panels costs more than the table itself.
    estimateSize: (i) => (rowIsOpen(rows[i], open) ? rowHeight + detailsHeight : rowHeight),
    overscan: 12,
    getItemKey: (i) => rowKey(rows[i]),
  });

  useEffect(() => virtual.measure(), [virtual, open, rows]);

  const gridStyle: CSSProperties = {
    gridTemplateColumns: `26px 22px 18px minmax(150px, 1.4fr) repeat(${columns.length}, minmax(84px, 1fr))`,
  };
  const setVisible = (ids: string[], on: boolean) =>
    onChange((r) => {
      const visible = { ...r.visible };
      for (const id of ids) visible[id] = on;
      return { ...r, visible };
    });
  const setColor = (id: string, color: string) =>
    onChange((r) => ({ ...r, colors: { ...r.colors, [id]: color } }));
  const sortBy = (key: string) =>
    onChange((r) => {
      const cur = r.sort ?? { key: "created", order: "desc" };
      const order = cur.key === key && cur.order === "asc" ? "desc" : "asc";
      return { ...r, sort: { key, order } };
    });
  const toggle = (set: Set<string>, id: string) => {
    const next = new Set(set);
    if (!next.delete(id)) next.add(id);
    return next;
  };
  const visibleCount = runs.filter((r) => isVisible(state, r.id)).length;
  const allOn = visibleCount === runs.length;

  return (
    <section className={`runs-table${props.wide ? " wide" : ""}`} data-testid="runs-table">
      <div className="runs-toolbar">
        <form
          className="filter-form"
          onSubmit={(e) => {
            e.preventDefault();
            onChange((r) => ({ ...r, filter: draft.trim() }));
          }}
        >
          <input
            className={`filter${props.error ? " invalid" : ""}`}
            aria-label="Filter runs"
            placeholder="Filter: config.lr < 0.01 and summary.val/acc > 0.9"
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
          />
        </form>
        <select
          aria-label="Group runs by"
          value={state.group_by ?? ""}
          onChange={(e) => onChange((r) => ({ ...r, group_by: e.target.value }))}
        >
          <option value="">No grouping</option>
          <option value="group">Group</option>
          <option value="job_type">Job type</option>
          <option value="tags">Tags</option>
          {allColumns
            .filter((c) => c.startsWith("config."))
            .map((c) => (
              <option key={c} value={c}>
                {columnLabel(c)}
              </option>
            ))}
        </select>
        <button className="ghost" onClick={() => setPicking(true)}>
          Columns
        </button>
        <DownloadButton
          className="ghost"
          label="Download CSV"
          title="Download the runs that pass the filter, in this order, as CSV"
          file={() => runsCsv(props.project, { filter: state.filter, ...serverSort(state) })}
        >
          ⤓ CSV
        </DownloadButton>
        <button
          className="ghost"
          onClick={props.onToggleWide}
          aria-label={props.wide ? "Collapse table" : "Expand table"}
        >
          {props.wide ? "⇤" : "⇥"}
        </button>
      </div>
      {props.error ? (
        <p className="error-text filter-error" data-testid="filter-error">
          {props.error}
        </p>
      ) : null}
      <div className="runs-count muted">
        {visibleCount} of {runs.length} runs shown in charts
      </div>
      <div className="runs-scroll" ref={scroller}>
        <div className="runs-head runs-grid" style={gridStyle}>
          <input
            type="checkbox"
            aria-label="Show all runs"
            checked={allOn}
            onChange={() =>
              setVisible(
                runs.map((r) => r.id),
                !allOn,
              )
            }
          />
          <span />
          <span />
          <HeaderCell col="name" label="Name" sort={state.sort} onSort={sortBy} />
          {columns.map((c) => (
            <HeaderCell key={c} col={c} label={columnLabel(c)} sort={state.sort} onSort={sortBy} />
          ))}
        </div>
        <div style={{ height: virtual.getTotalSize(), position: "relative" }}>
          {virtual.getVirtualItems().map((item) => {
            const row = rows[item.index];
            const style: CSSProperties = {
              position: "absolute",
              top: 0,
              left: 0,
              right: 0,
              transform: `translateY(${item.start}px)`,
            };
            if (row.kind === "group") {
              const on = row.runs.every((r) => isVisible(state, r.id));
              return (
                <div key={item.key} style={style}>
                  <div className="group-row">
                    <button
                      className="icon"
                      onClick={() => setCollapsed((s) => toggle(s, row.name))}
                    >
                      {collapsed.has(row.name) ? "▸" : "▾"}
                    </button>
                    <input
                      type="checkbox"
                      aria-label={`Show group ${row.name}`}
                      checked={on}
                      onChange={() =>
                        setVisible(
                          row.runs.map((r) => r.id),
                          !on,
                        )
                      }
                    />
                    <strong>{row.name}</strong>
                    <span className="muted">{row.runs.length} runs</span>
                  </div>
                </div>
              );
            }
            const r = row.run;
            const color = runColor(r.id, state.colors);
            const expanded = open.has(r.id);
            return (
              <div key={item.key} style={style}>
                <div className="runs-grid run-row" style={gridStyle} data-run={r.id}>
                  <input
                    type="checkbox"
                    aria-label={`Show ${r.name || r.id}`}
                    checked={isVisible(state, r.id)}
                    onChange={(e) => setVisible([r.id], e.target.checked)}
                  />
                  <label className="swatch" style={{ background: color }} title="Change color">
                    <input
                      type="color"
                      aria-label={`Color of ${r.name || r.id}`}
                      value={color}
                      onChange={(e) => setColor(r.id, e.target.value)}
                    />
                  </label>
                  <button
                    className="icon expand"
                    aria-label={`Details of ${r.name || r.id}`}
                    aria-expanded={expanded}
                    onClick={() => setOpen((s) => toggle(s, r.id))}
                  >
                    {expanded ? "▾" : "▸"}
                  </button>
                  <span className="cell name-cell">
                    <span className={`state-dot state-${r.state}`} title={r.state} />
                    <Link href={paths.run(props.project, r.id)}>{r.name || r.id}</Link>
                  </span>
                  {columns.map((c) => {
                    const v = cellOf(r, c);
                    return (
                      <span
                        key={c}
                        className={typeof v === "number" ? "cell num" : "cell"}
                        title={formatCell(v, c)}
                      >
                        {formatCell(v, c)}
                      </span>
                    );
                  })}
                </div>
                {expanded ? <RunDetails run={r} /> : null}
              </div>
            );
          })}
        </div>
      </div>
      {picking ? (
        <ColumnPicker
          all={allColumns}
          chosen={columns}
          onClose={() => setPicking(false)}
          onChange={(cols) => onChange((r) => ({ ...r, columns: cols }))}
        />
      ) : null}
    </section>
  );
}

/**
 * serverSort is the table's order as the server names it; the columns
 * are named as its sort fields, and the default is the table's own.
 */
function serverSort(state: RunTableState): { sort: string; order: "asc" | "desc" } {
  const s = state.sort ?? { key: "created", order: "desc" };
  return { sort: s.key, order: s.order };
}

const rowHeight = 28;
const detailsHeight = 240;

function rowIsOpen(row: Row, open: Set<string>): boolean {
  return row.kind === "run" && open.has(row.run.id);
}

function rowKey(row: Row): string {
  return row.kind === "group" ? `g:${row.name}` : `r:${row.run.id}`;
}

function HeaderCell(props: {
  col: string;
  label: string;
  sort: RunTableState["sort"];
  onSort: (col: string) => void;
}) {
  const active = props.sort?.key === props.col;
  const arrow = active ? (props.sort?.order === "asc" ? " ↑" : " ↓") : "";
  return (
    <button
      className={`head-cell${active ? " active" : ""}`}
      title={props.col}
      onClick={() => props.onSort(props.col)}
    >
      {props.label}
      {arrow}
    </button>
  );
}
