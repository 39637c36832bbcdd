import { describe, expect, it } from "vitest";
import type { Run } from "../../api/types";
import type { Panel } from "../../workspace/spec";
import { buildPlot, valueNear } from "./plot";

const run = (id: string, group: string): Run => ({
  id,
  name: `n-${id}`,
  group,
  job_type: "",
  tags: [],
  notes: "",
  config: {},
  summary: {},
  state: "finished",
  author: "",
  created: "",
  heartbeat: "",
});
const series = (r: string, y: number[]) => ({
  run: r,
  key: "loss",
  x: Float64Array.from(y.map((_, i) => i)),
  y: Float64Array.from(y),
});
const range = { min: 0, max: 2 };

describe("buildPlot", () => {
  const runs = [run("a", "g1"), run("b", "g1"), run("c", "g2")];
  const data = [series("c", [5, 5, 5]), series("a", [1, 2, 3]), series("b", [3, 4, 5])];

  it("draws one line per run, in the runs' order", () => {
    const p = buildPlot(data, runs, {}, { id: "p", kind: "line", keys: ["loss"] }, range, 100);
    expect(p.lines.map((l) => l.label)).toEqual(["n-a", "n-b", "n-c"]);
    expect(p.ys[0]).toEqual([1, 2, 3]);
    expect(p.bands).toEqual([]);
  });
  it("keeps the original faint behind a smoothed line", () => {
    const panel: Panel = {
      id: "p",
      kind: "line",
      keys: ["loss"],
      smoothing: { type: "ema", weight: 0.5 },
    };
    const p = buildPlot(data.slice(1, 2), runs, {}, panel, range, 100);
    expect(p.lines.map((l) => l.role)).toEqual(["raw", "main"]);
    expect(p.ys[0]).toEqual([1, 2, 3]);
    expect(p.ys[1][2]).not.toBe(3);
  });
  it("draws a group's mean between its min and max", () => {
    const panel: Panel = { id: "p", kind: "line", keys: ["loss"], grouping: { by: "group" } };
    const p = buildPlot(data, runs, {}, panel, range, 100);
    expect(p.lines.map((l) => `${l.label}:${l.role}`)).toEqual([
      "g1 (2 runs):edge",
      "g1 (2 runs):edge",
      "g1 (2 runs):main",
      "g2 (1 runs):edge",
      "g2 (1 runs):edge",
      "g2 (1 runs):main",
    ]);
    expect(p.ys[2]).toEqual([2, 3, 4]);
    expect(p.ys[0]).toEqual([3, 4, 5]);
    expect(p.ys[1]).toEqual([1, 2, 3]);
    expect(p.bands).toEqual([
      [1, 2],
      [4, 5],
    ]);
  });
  it("drops values a log scale cannot draw", () => {
    const panel: Panel = { id: "p", kind: "line", keys: ["loss"], log_y: true };
    const p = buildPlot([series("a", [0, -1, 2])], runs, {}, panel, range, 100);
    expect(p.ys[0]).toEqual([null, null, 2]);
  });
});

describe("valueNear", () => {
  it("finds the closest value", () => {
    expect(valueNear([null, 1, null, null, 7], 3)).toBe(7);
    expect(valueNear([null, null], 0)).toBeNull();
  });
});

describe("buildPlot with the server's smoothing and groups", () => {
  const runs = [run("a", "g1"), run("b", "g1")];
  it("draws the server's smoothed line over the faint original", () => {
    const s = { ...series("a", [1, 3, 2]), smoothed: Float64Array.from([1, 1.5, 1.7]) };
    const panel: Panel = {
      id: "p",
      kind: "line",
      keys: ["loss"],
      smoothing: { type: "ema", weight: 0.5 },
    };
    const p = buildPlot([s], runs, {}, panel, range, 100);
    expect(p.lines.map((l) => l.role)).toEqual(["raw", "main"]);
    expect(p.ys).toEqual([
      [1, 3, 2],
      [1, 1.5, 1.7],
    ]);
  });
  it("draws the server's groups with their bands", () => {
    const g = {
      name: "g1",
      key: "loss",
      runs: ["a", "b"],
      x: Float64Array.from([0, 2]),
      y: Float64Array.from([2, 4]),
      lo: Float64Array.from([1, 3]),
      hi: Float64Array.from([3, 5]),
    };
    const panel: Panel = { id: "p", kind: "line", keys: ["loss"], grouping: { by: "group" } };
    const p = buildPlot([], runs, {}, panel, range, 100, [g]);
    expect(p.lines.map((l) => `${l.label}:${l.role}`)).toEqual([
      "g1 (2 runs):edge",
      "g1 (2 runs):edge",
      "g1 (2 runs):main",
    ]);
    expect(p.ys).toEqual([
      [3, 5],
      [1, 3],
      [2, 4],
    ]);
    expect(p.bands).toEqual([[1, 2]]);
  });
});
