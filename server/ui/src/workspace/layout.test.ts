import { describe, expect, it } from "vitest";
import {
  addPanel,
  addSection,
  deletePanel,
  deleteSection,
  moveSection,
  movePanel,
  newId,
  renameSection,
  toggleSection,
} from "./layout";
import type { Spec } from "./spec";

function spec(): Spec {
  return {
    version: 3,
    auto: true,
    known_keys: ["train/loss", "train/acc", "val/loss"],
    runs: {},
    sections: [
      {
        id: "auto:train",
        name: "train",
        collapsed: false,
        panels: [
          { id: "auto:train/loss", kind: "line", keys: ["train/loss"] },
          { id: "auto:train/acc", kind: "line", keys: ["train/acc"] },
        ],
      },
      {
        id: "auto:val",
        name: "val",
        collapsed: false,
        panels: [{ id: "auto:val/loss", kind: "line", keys: ["val/loss"] }],
      },
    ],
  };
}

const ids = (s: Spec) => s.sections.map((sec) => [sec.id, sec.panels.map((p) => p.id)]);

describe("movePanel", () => {
  it.each([
    {
      name: "within a section",
      args: ["auto:train/acc", "auto:train", 0] as const,
      want: [
        ["auto:train", ["auto:train/acc", "auto:train/loss"]],
        ["auto:val", ["auto:val/loss"]],
      ],
    },
    {
      name: "between sections",
      args: ["auto:train/loss", "auto:val", 1] as const,
      want: [
        ["auto:train", ["auto:train/acc"]],
        ["auto:val", ["auto:val/loss", "auto:train/loss"]],
      ],
    },
    {
      name: "past the end clamps",
      args: ["auto:val/loss", "auto:train", 99] as const,
      want: [
        ["auto:train", ["auto:train/loss", "auto:train/acc", "auto:val/loss"]],
        ["auto:val", []],
      ],
    },
  ])("$name", ({ args, want }) => {
    const s = spec();
    const got = movePanel(s, args[0], args[1], args[2]);
    expect(ids(got)).toEqual(want);
    expect(got.auto).toBe(false);
    expect(ids(s)).toEqual(ids(spec()));
  });
  it("ignores an unknown panel or section", () => {
    const s = spec();
    expect(movePanel(s, "nope", "auto:val", 0)).toBe(s);
    expect(movePanel(s, "auto:val/loss", "nope", 0)).toBe(s);
  });
});

describe("sections", () => {
  it("adds a section with a fresh id", () => {
    const got = addSection(spec(), "mine");
    expect(got.sections.at(-1)).toEqual({ id: "s1", name: "mine", collapsed: false, panels: [] });
  });
  it("renames, toggles and deletes", () => {
    let s = renameSection(spec(), "auto:val", "validation");
    expect(s.sections[1].name).toBe("validation");
    s = toggleSection(s, "auto:val");
    expect(s.sections[1].collapsed).toBe(true);
    s = deleteSection(s, "auto:train");
    expect(ids(s)).toEqual([["auto:val", ["auto:val/loss"]]]);
  });
  it.each([
    [-1, ["auto:val", "auto:train"]],
    [1, ["auto:train", "auto:val"]],
  ])("moves val by %i", (delta, want) => {
    expect(moveSection(spec(), "auto:val", delta).sections.map((s) => s.id)).toEqual(want);
  });
});

describe("panels", () => {
  it("adds a panel with an id unused by sections and panels", () => {
    const s = addPanel(spec(), "auto:val", { kind: "line", keys: ["val/acc"] });
    expect(s.sections[1].panels.at(-1)).toEqual({ id: "p1", kind: "line", keys: ["val/acc"] });
    expect(newId(s, "p")).toBe("p2");
  });
  it("deletes a panel", () => {
    expect(ids(deletePanel(spec(), "auto:train/acc"))[0]).toEqual([
      "auto:train",
      ["auto:train/loss"],
    ]);
  });
});
