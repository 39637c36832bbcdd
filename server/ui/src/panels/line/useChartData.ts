import { useEffect, useState } from "react";
import { queryChart, type ChartSource } from "../../api/client";
import { errorMessage } from "../../api/client";
import { perf } from "../../common/perf";
import type { ChartRequest } from "../../api/types";
import { decodeColumn, type Group, type Range, type Series } from "./data";

/** ChartData is a chart's answer, decoded, with the range it covers. */
export interface ChartData {
  series: Series[];
  /** Groups' aggregate lines, when the server grouped. */
  groups: Group[];
  range: Range;
  /** performance.now() when the answer arrived. */
  at: number;
  /** True when the answer is for a zoom, not the whole range. */
  zoomed: boolean;
}

/** ChartQuery is what a line panel asks for. */
export interface ChartQuery {
  source: ChartSource;
  runs: string[];
  keys: string[];
  x: string;
  /** The zoomed range, or undefined for all the data. */
  zoom: Range | undefined;
  /** Pixel columns of the plot. */
  width: number;
  /** Changes when runs logged more points: asks again. */
  version: string;
  /** Smoothing and grouping for the server to compute. */
  options: Pick<ChartRequest, "smoothing" | "grouping">;
}

/**
 * useChartData asks the server for a chart's series at the plot's width,
 * and again whenever the query changes (a zoom, a resize, new points).
 * An answer that a newer question overtook is dropped.
 */
export function useChartData(q: ChartQuery | undefined): {
  data?: ChartData;
  error: string;
  loading: boolean;
} {
  const [state, setState] = useState<{ data?: ChartData; error: string; loading: boolean }>({
    error: "",
    loading: false,
  });
  const key = q === undefined ? "" : JSON.stringify({ ...q, source: undefined, s: q.source });
  useEffect(() => {
    if (q === undefined || q.runs.length === 0 || q.keys.length === 0 || q.width <= 0) {
      setState((s) => ({ ...s, loading: false }));
      return;
    }
    const ctl = new AbortController();
    const log = perf();
    log.pending++;
    setState((s) => ({ ...s, loading: true }));
    queryChart(
      q.source,
      {
        runs: q.runs,
        keys: q.keys,
        x: q.x,
        x_min: q.zoom?.min,
        x_max: q.zoom?.max,
        width: Math.min(20000, Math.max(1, Math.round(q.width))),
        mode: "m4",
        ...q.options,
      },
      ctl.signal,
    )
      .then((res) => {
        const series = (res.series ?? []).map((s) => ({
          run: s.run,
          key: s.key,
          x: decodeColumn(s.x),
          y: decodeColumn(s.y),
          smoothed: s.smoothed_y ? decodeColumn(s.smoothed_y) : undefined,
        }));
        const groups = (res.groups ?? []).map((g) => ({
          name: g.group,
          key: g.key,
          runs: g.runs,
          x: decodeColumn(g.x),
          y: decodeColumn(g.y),
          lo: g.band_low ? decodeColumn(g.band_low) : undefined,
          hi: g.band_high ? decodeColumn(g.band_high) : undefined,
        }));
        const range = { min: res.x_min ?? q.zoom?.min ?? 0, max: res.x_max ?? q.zoom?.max ?? 0 };
        setState({
          data: { series, groups, range, at: performance.now(), zoomed: q.zoom !== undefined },
          error: "",
          loading: false,
        });
      })
      .catch((err: unknown) => {
        if (!ctl.signal.aborted)
          setState((s) => ({ ...s, error: errorMessage(err), loading: false }));
      })
      .finally(() => log.pending--);
    return () => ctl.abort();
    // The query is compared by value: key holds all of it.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  return state;
}
