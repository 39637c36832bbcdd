import { describe, expect, it } from "vitest";
import type { Panel } from "../workspace/spec";
import { cleanPanel } from "./clean";

describe("cleanPanel", () => {
  const line: Panel = {
    id: "p",
    kind: "line",
    keys: ["a", "b"],
    x: "_step",
    smoothing: { type: "ema", weight: 0.5 },
    log_y: true,
    log_x: false,
    summary: "max",
  };
  it.each<[string, Panel, Panel]>([
    [
      "line keeps its options, drops the default x",
      line,
      {
        id: "p",
        kind: "line",
        keys: ["a", "b"],
        smoothing: { type: "ema", weight: 0.5 },
        log_y: true,
      },
    ],
    [
      "scalar keeps one key and its statistic",
      { ...line, kind: "scalar" },
      { id: "p", kind: "scalar", keys: ["a"], summary: "max" },
    ],
    [
      "bar keeps keys and statistic",
      { ...line, kind: "bar", summary: "last" },
      { id: "p", kind: "bar", keys: ["a", "b"] },
    ],
    [
      "markdown keeps text only",
      { ...line, kind: "markdown" },
      { id: "p", kind: "markdown", text: "" },
    ],
  ])("%s", (_name, input, want) => {
    expect(cleanPanel(input)).toEqual(want);
  });
});
