import { useEffect, useMemo, useRef, useState } from "react";
import uPlot from "uplot";
import type { ChartSource } from "../../api/client";
import type { Run } from "../../api/types";
import { perf } from "../../common/perf";
import { useInView, useWidth } from "../../common/useInView";
import { formatNumber } from "../../runs/columns";
import type { Panel, RunTableState } from "../../workspace/spec";
import type { Range } from "./data";
import { buildPlot, valueNear, type Plot } from "./plot";
import { chartOptions } from "./request";
import { useChartData } from "./useChartData";

export interface LinePlotProps {
  /** The panel: keys, x-axis, smoothing, grouping, scales. */
  panel: Panel;
  /** Runs drawn, in table order. */
  runs: Run[];
  /** Colors and the rest of the table state. */
  table: RunTableState;
  /** Where the data comes from. */
  source: ChartSource;
  /** Changes when runs logged more points. */
  version: string;
  /** Plot height in CSS pixels. */
  height: number;
}

const axisLabels: Record<string, string> = {
  _step: "step",
  _runtime: "relative time (s)",
  _timestamp: "wall time",
};

/**
 * LinePlot draws a line panel with uPlot. It asks for data only once the
 * panel scrolls into view, at the plot's pixel width; dragging across the
 * plot zooms in and asks the server for that range at full resolution;
 * a double click zooms back out.
 */
export function LinePlot(props: LinePlotProps) {
  const { panel, runs, table } = props;
  const box = useRef<HTMLDivElement>(null);
  const inView = useInView(box);
  const width = useWidth(box);
  const [zoom, setZoom] = useState<Range | undefined>(fixedRange(panel));
  // A range set in the panel editor replaces whatever the plot was zoomed
  // to; clearing it shows the whole range again.
  useEffect(() => {
    setZoom(fixedRange({ x_min: panel.x_min, x_max: panel.x_max }));
  }, [panel.x_min, panel.x_max]);
  const plotWidth = Math.max(1, width - 56);
  const runIds = useMemo(() => runs.map((r) => r.id), [runs]);
  const { data, error, loading } = useChartData(
    inView && width > 0
      ? {
          source: props.source,
          runs: runIds,
          keys: panel.keys ?? [],
          x: panel.x ?? "_step",
          zoom,
          width: plotWidth,
          version: props.version,
          options: chartOptions(panel),
        }
      : undefined,
  );
  // A plot is rebuilt when its data, colors or options change. A change of
  // the runs shown asks the server again (runIds is in the query), and the
  // plot is rebuilt once with that answer rather than twice; the runs
  // (names and order) are read when it comes.
  const colors = table.colors;
  const latestRuns = useRef(runs);
  useEffect(() => {
    latestRuns.current = runs;
  });
  const plot = useMemo(
    () =>
      data === undefined
        ? undefined
        : buildPlot(
            data.series,
            latestRuns.current,
            { colors },
            panel,
            data.range,
            plotWidth,
            data.groups,
          ),
    // plotWidth is left out: a resize asks again, and redraws with that answer.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [data, colors, panel],
  );
  useUPlot(box, plot, {
    panel,
    width,
    height: props.height,
    range: data?.range,
    answeredAt: data?.at,
    zoomed: data?.zoomed ?? false,
    onZoom: setZoom,
  });

  const empty = data !== undefined && data.series.every((s) => s.x.length === 0);
  return (
    <div
      className="line-plot"
      data-testid={`plot-${panel.id}`}
      data-zoomed={zoom ? "true" : "false"}
    >
      <div ref={box} className="plot-box" style={{ height: props.height }} />
      {zoom ? (
        <button
          className="zoom-reset"
          onClick={() => setZoom(undefined)}
          title="Show the whole range"
        >
          Reset zoom
        </button>
      ) : null}
      {error ? <div className="plot-note error-text">{error}</div> : null}
      {!error && empty ? (
        <div className="plot-note muted">No data{runs.length === 0 ? ": no runs shown" : ""}</div>
      ) : null}
      {!error && !data && !loading && runs.length === 0 ? (
        <div className="plot-note muted">No runs shown</div>
      ) : null}
      {loading && !data ? <div className="plot-note muted">Loading…</div> : null}
    </div>
  );
}

interface DrawOpts {
  panel: Panel;
  width: number;
  height: number;
  range: Range | undefined;
  answeredAt: number | undefined;
  zoomed: boolean;
  /** Zooms to a range, or back out with undefined. */
  onZoom: (r: Range | undefined) => void;
}

/**
 * useUPlot keeps a uPlot instance in box drawing plot. The instance is
 * rebuilt when the lines change (count, colors, scales), and otherwise
 * only handed new data, which is much cheaper.
 */
function useUPlot(
  box: React.RefObject<HTMLDivElement | null>,
  plot: Plot | undefined,
  o: DrawOpts,
) {
  const chart = useRef<uPlot | null>(null);
  const shape = useRef("");
  const onZoom = useRef(o.onZoom);
  useEffect(() => {
    onZoom.current = o.onZoom;
  });
  useEffect(() => {
    const node = box.current;
    if (node === null || plot === undefined || o.width <= 0) return;
    const data = [plot.x, ...plot.ys] as uPlot.AlignedData;
    const newShape = JSON.stringify([
      plot.lines,
      plot.bands,
      o.panel.x,
      o.panel.log_x,
      o.panel.log_y,
      o.height,
    ]);
    if (chart.current === null || shape.current !== newShape) {
      chart.current?.destroy();
      chart.current = new uPlot(
        options(plot, o, (r) => onZoom.current(r)),
        data,
        node,
      );
      shape.current = newShape;
    } else {
      chart.current.batch(() => {
        chart.current?.setData(data, o.range === undefined);
      });
    }
    const u = chart.current;
    if (o.range !== undefined && o.range.max > o.range.min)
      u.setScale("x", { min: o.range.min, max: o.range.max });
    if (u.width !== o.width) u.setSize({ width: o.width, height: o.height });
    const log = perf();
    log.draws.push(performance.now());
    log.firstDraw[o.panel.id] ??= performance.now();
    if (o.zoomed && o.answeredAt !== undefined) log.zooms.push(performance.now() - o.answeredAt);
    // Only a new plot or size redraws; the other options travel with them.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [plot, o.width, o.height]);
  useEffect(
    () => () => {
      chart.current?.destroy();
      chart.current = null;
    },
    [],
  );
}

function options(plot: Plot, o: DrawOpts, onZoom: (r: Range | undefined) => void): uPlot.Options {
  const x = o.panel.x ?? "_step";
  const time = x === "_timestamp";
  return {
    width: o.width,
    height: o.height,
    legend: { show: false },
    cursor: {
      drag: { x: true, y: false, setScale: false, dist: 6 },
      points: { size: 5 },
      focus: { prox: 16 },
      // A double click zooms back out to the whole range, asked anew.
      bind: {
        dblclick: () => () => {
          onZoom(undefined);
          return null;
        },
      },
    },
    focus: { alpha: 0.35 },
    scales: {
      x: { time, distr: o.panel.log_x ? 3 : 1 },
      y: { distr: o.panel.log_y ? 3 : 1 },
    },
    axes: [
      {
        stroke: "#6b7280",
        grid: { stroke: "#eef0f3", width: 1 },
        ticks: { stroke: "#e5e7eb", width: 1 },
        font: "11px system-ui, sans-serif",
        label: axisLabels[x] ?? x,
        labelSize: 16,
        labelFont: "11px system-ui, sans-serif",
      },
      {
        stroke: "#6b7280",
        grid: { stroke: "#eef0f3", width: 1 },
        ticks: { stroke: "#e5e7eb", width: 1 },
        font: "11px system-ui, sans-serif",
        size: 48,
        values: (_u, splits) => splits.map((v) => formatNumber(v)),
      },
    ],
    series: [
      { label: axisLabels[x] ?? x },
      ...plot.lines.map((l) => ({
        label: l.label,
        stroke: l.stroke,
        width: l.width,
        spanGaps: true,
        points: { show: false },
        fill: undefined,
      })),
    ],
    bands: plot.bands.map(([hi, lo]) => ({
      series: [hi, lo] as [number, number],
      fill: plot.lines[hi - 1].fill,
    })),
    hooks: {
      setSelect: [
        (u) => {
          const sel = u.select;
          if (sel.width < 6) return;
          const min = u.posToVal(sel.left, "x");
          const max = u.posToVal(sel.left + sel.width, "x");
          u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
          if (max > min) onZoom({ min, max });
        },
      ],
      setCursor: [(u) => tooltip(u, plot, time)],
    },
  };
}

/** tooltip lists every drawn run's value at the cursor, largest first. */
function tooltip(u: uPlot, plot: Plot, time: boolean) {
  const root = u.root;
  let tip = root.querySelector<HTMLDivElement>(".plot-tip");
  if (tip === null) {
    tip = document.createElement("div");
    tip.className = "plot-tip";
    root.appendChild(tip);
  }
  const idx = u.cursor.idx;
  const left = u.cursor.left ?? -1;
  if (idx === null || idx === undefined || left < 0) {
    tip.style.display = "none";
    return;
  }
  const rows: { label: string; color: string; v: number }[] = [];
  plot.lines.forEach((l, i) => {
    if (l.role !== "main") return;
    const v = valueNear(plot.ys[i], idx);
    if (v !== null) rows.push({ label: l.label, color: l.stroke, v });
  });
  rows.sort((a, b) => b.v - a.v);
  const xv = plot.x[idx];
  const head = time ? new Date(xv * 1000).toLocaleString() : formatNumber(xv);
  const max = 40;
  const lines = rows
    .slice(0, max)
    .map(
      (r) =>
        `<div class="tip-row"><i style="background:${r.color}"></i><span>${escapeHtml(r.label)}</span><b>${formatNumber(r.v)}</b></div>`,
    );
  if (rows.length > max) lines.push(`<div class="muted">+${rows.length - max} more</div>`);
  tip.innerHTML = `<div class="tip-head">${escapeHtml(head)}</div>${lines.join("")}`;
  tip.style.display = "block";
  const plotLeft = u.over.offsetLeft;
  const flip = left > u.over.clientWidth / 2;
  tip.style.left = flip ? "" : `${plotLeft + left + 14}px`;
  tip.style.right = flip ? `${root.clientWidth - plotLeft - left + 14}px` : "";
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** fixedRange is the x range a panel's spec fixes, when both ends are set. */
function fixedRange(p: Pick<Panel, "x_min" | "x_max">): Range | undefined {
  return p.x_min !== undefined && p.x_max !== undefined
    ? { min: p.x_min, max: p.x_max }
    : undefined;
}
