import { describe, expect, it } from "vitest";
import { chartOptions } from "./request";

describe("chartOptions", () => {
  it.each([
    [
      { type: "ema", weight: 0.6 },
      { type: "ema", weight: 0.6 },
    ],
    [
      { type: "time_ema", weight: 0.5 },
      { type: "twema", weight: 0.5 },
    ],
    [
      { type: "mean", window: 7 },
      { type: "mean", window: 7 },
    ],
    [
      { type: "gaussian", window: 8 },
      { type: "gaussian", sigma: 2 },
    ],
  ] as const)("smoothing %j", (smoothing, want) => {
    expect(chartOptions({ id: "p", kind: "line", smoothing }).smoothing).toEqual(want);
  });
  it("names grouping as the query does", () => {
    const got = chartOptions({ id: "p", kind: "line", grouping: { by: "tags", band: "stddev" } });
    expect(got.grouping).toEqual({ by: "tag", agg: "mean", band: "std" });
  });
  it("asks for nothing extra by default", () => {
    expect(chartOptions({ id: "p", kind: "line" })).toEqual({});
  });
});
