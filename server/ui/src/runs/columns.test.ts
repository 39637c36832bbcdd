import { describe, expect, it } from "vitest";
import type { Run } from "../api/types";
import { runColor, withAlpha } from "./colors";
import { reuse } from "./useRuns";
import {
  availableColumns,
  cellOf,
  configLeaves,
  defaultColumns,
  formatNumber,
  groupRuns,
  sortRuns,
} from "./columns";

function run(
  id: string,
  lr: number | undefined,
  acc: number | "NaN" | undefined,
  tags: string[] = [],
): Run {
  return {
    id,
    name: `run-${id}`,
    group: "sweep",
    job_type: "train",
    tags,
    notes: "",
    config: lr === undefined ? {} : { opt: { lr }, batch: 32 },
    summary: acc === undefined ? {} : { "val/acc": { last: acc, step: 10, min: 0, max: 1 } },
    state: "finished",
    author: "ana",
    created: "2026-01-01T00:00:00Z",
    heartbeat: "2026-01-01T00:00:00Z",
  };
}

describe("cells", () => {
  it("reads nested config and summary keys with slashes", () => {
    const r = run("a", 0.1, 0.9);
    expect(cellOf(r, "config.opt.lr")).toBe(0.1);
    expect(cellOf(r, "summary.val/acc")).toBe(0.9);
    expect(cellOf(r, "summary.nope")).toBeUndefined();
    expect(cellOf(r, "name")).toBe("run-a");
  });
  it("lists config leaves", () => {
    expect(configLeaves({ a: { b: 1, c: { d: "x" } }, e: [1] })).toEqual(["a.b", "a.c.d", "e"]);
  });
  it("lists the available columns", () => {
    expect(availableColumns([run("a", 0.1, 0.9)])).toEqual([
      "state",
      "created",
      "group",
      "job_type",
      "tags",
      "author",
      "config.batch",
      "config.opt.lr",
      "summary.val/acc",
    ]);
  });
});

describe("sortRuns", () => {
  const runs = [
    run("a", 0.3, 0.5),
    run("b", undefined, "NaN"),
    run("c", 0.1, 0.9),
    run("d", 0.2, undefined),
  ];
  it.each([
    ["config.opt.lr", "asc", ["c", "d", "a", "b"]],
    ["config.opt.lr", "desc", ["a", "d", "c", "b"]],
    ["summary.val/acc", "desc", ["c", "a", "b", "d"]],
  ] as const)("by %s %s", (col, order, want) => {
    expect(sortRuns(runs, col, order).map((r) => r.id)).toEqual(want);
  });
});

describe("groupRuns", () => {
  it("puts a run in each of its tags", () => {
    const got = groupRuns(
      [run("a", 1, 1, ["x", "y"]), run("b", 1, 1, ["y"]), run("c", 1, 1)],
      "tags",
    );
    expect(got.map((g) => [g.name, g.runs.map((r) => r.id)])).toEqual([
      ["x", ["a"]],
      ["y", ["a", "b"]],
      ["(no tags)", ["c"]],
    ]);
  });
  it("groups by a config key", () => {
    const got = groupRuns([run("a", 0.1, 1), run("b", 0.2, 1), run("c", 0.1, 1)], "config.opt.lr");
    expect(got.map((g) => g.name)).toEqual(["0.1", "0.2"]);
  });
});

describe("formatNumber", () => {
  it.each([
    [0, "0"],
    [42, "42"],
    [0.123456, "0.1235"],
    [1234.5678, "1235"],
    [0.00001234, "1.23e-5"],
    [NaN, "NaN"],
  ])("%d is %s", (v, want) => {
    expect(formatNumber(v)).toBe(want);
  });
});

describe("colors", () => {
  it("keeps a run's color stable and honours a chosen one", () => {
    expect(runColor("abc")).toBe(runColor("abc"));
    expect(runColor("abc", { abc: "#123456" })).toBe("#123456");
  });
  it("adds alpha", () => {
    expect(withAlpha("#ff0080", 0.5)).toBe("rgba(255, 0, 128, 0.5)");
  });
});

describe("defaultColumns", () => {
  it("puts config keys that vary first", () => {
    const runs = [run("a", 0.1, 0.5), run("b", 0.2, 0.6)];
    expect(defaultColumns(runs)).toEqual([
      "state",
      "config.opt.lr",
      "config.batch",
      "summary.val/acc",
    ]);
  });
});

describe("reuse", () => {
  it("keeps the old array when a poll brings nothing new", () => {
    const prev = [run("a", 0.1, 0.5), run("b", 0.2, 0.6)];
    const fresh = [run("a", 0.1, 0.5), run("b", 0.2, 0.6)];
    expect(reuse(prev, fresh)).toBe(prev);
  });
  it("keeps the unchanged runs of a changed list", () => {
    const prev = [run("a", 0.1, 0.5), run("b", 0.2, 0.6)];
    const fresh = [run("a", 0.1, 0.5), run("b", 0.2, 0.7)];
    const got = reuse(prev, fresh);
    expect(got).not.toBe(prev);
    expect(got[0]).toBe(prev[0]);
    expect(got[1]).toBe(fresh[1]);
  });
});
