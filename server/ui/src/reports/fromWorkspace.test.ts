import { describe, expect, it } from "vitest";
import type { Run } from "../api/types";
import type { Spec } from "../workspace/spec";
import { toInput } from "./api";
import { reportFromWorkspace } from "./fromWorkspace";

const run = (id: string) => ({ id }) as Run;

describe("reportFromWorkspace", () => {
  it("takes the open sections with panels and the visible runs", () => {
    const spec: Spec = {
      version: 3,
      auto: false,
      known_keys: [],
      runs: { visible: { b: false } },
      sections: [
        {
          id: "1",
          name: "train",
          collapsed: false,
          panels: [{ id: "p", kind: "line", keys: ["train/loss"] }],
        },
        { id: "2", name: "empty", collapsed: false, panels: [] },
        {
          id: "3",
          name: "shut",
          collapsed: true,
          panels: [{ id: "q", kind: "line", keys: ["x"] }],
        },
      ],
    };
    const got = reportFromWorkspace("R", spec, [run("a"), run("b"), run("c")]);
    expect(got.blocks).toEqual([
      { type: "text", markdown: "Made from the workspace, 2 runs." },
      {
        type: "panels",
        name: "train",
        runs: { ids: ["a", "c"] },
        panels: [{ id: "p", kind: "line", keys: ["train/loss"] }],
      },
    ]);
  });
});

describe("toInput", () => {
  it("drops the fields the server sets", () => {
    const got = toInput({
      title: "t",
      mode: "static",
      blocks: [
        {
          type: "panels",
          name: "n",
          runs: { ids: ["a"] },
          panels: [],
          snapshot: { taken: "", runs: [] },
        },
      ],
    });
    expect(got.blocks[0]).toEqual({ type: "panels", name: "n", runs: { ids: ["a"] }, panels: [] });
  });
});
