import type { ChartRequest } from "../../api/types";
import type { Panel } from "../../workspace/spec";

// The panel's smoothing and grouping, as the chart query names them. The
// server computes both over the raw points in range (query/chart.go), so
// that a smoothed line does not depend on how the chart was downsampled.

/** chartOptions returns the smoothing and grouping fields of p's chart query. */
export function chartOptions(p: Panel): Pick<ChartRequest, "smoothing" | "grouping"> {
  const out: Pick<ChartRequest, "smoothing" | "grouping"> = {};
  const s = p.smoothing;
  if (s) {
    switch (s.type) {
      case "ema":
        out.smoothing = { type: "ema", weight: s.weight ?? 0 };
        break;
      case "time_ema":
        out.smoothing = { type: "twema", weight: s.weight ?? 0 };
        break;
      case "mean":
        out.smoothing = { type: "mean", window: Math.max(1, s.window ?? 1) };
        break;
      case "gaussian":
        out.smoothing = { type: "gaussian", sigma: Math.max(1, s.window ?? 1) / 4 };
        break;
    }
  }
  const g = p.grouping;
  if (g) {
    out.grouping = {
      by: g.by === "tags" ? "tag" : g.by,
      agg: g.agg ?? "mean",
      band: g.band === "stddev" ? "std" : (g.band ?? "minmax"),
    };
  }
  return out;
}
