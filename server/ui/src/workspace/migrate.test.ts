import { describe, expect, it } from "vitest";
import type { Json } from "../api/types";
import { migrate, migrateV1HiddenToVisible, migrateV2SmoothingObject } from "./migrate";
import { SPEC_VERSION } from "./spec";

describe("migrateV1HiddenToVisible", () => {
  it("turns the hidden list into a visibility map", () => {
    const doc: { [k: string]: Json } = { runs: { hidden: ["a", "b"], filter: "x" } };
    migrateV1HiddenToVisible(doc);
    expect(doc).toEqual({ runs: { visible: { a: false, b: false }, filter: "x" } });
  });
  it("drops an empty hidden list", () => {
    const doc: { [k: string]: Json } = { runs: { hidden: [] } };
    migrateV1HiddenToVisible(doc);
    expect(doc).toEqual({ runs: {} });
  });
  it("refuses a hidden entry that is not a run id", () => {
    expect(() => migrateV1HiddenToVisible({ runs: { hidden: [3] } })).toThrow("runs.hidden[0]");
  });
});

describe("migrateV2SmoothingObject", () => {
  const spec = (smoothing: Json): { [k: string]: Json } => ({
    sections: [{ id: "s", panels: [{ id: "p", kind: "line", smoothing }] }],
  });
  it("wraps a weight in an ema object", () => {
    const doc = spec(0.6);
    migrateV2SmoothingObject(doc);
    expect(doc).toEqual(spec({ type: "ema", weight: 0.6 }));
  });
  it("drops a zero weight", () => {
    const doc = spec(0);
    migrateV2SmoothingObject(doc);
    expect(doc).toEqual({ sections: [{ id: "s", panels: [{ id: "p", kind: "line" }] }] });
  });
  it("refuses a weight that is not a number", () => {
    expect(() => migrateV2SmoothingObject(spec("x"))).toThrow("sections[0].panels[0].smoothing");
  });
});

describe("migrate", () => {
  it("brings a version 1 spec to the current version", () => {
    const v1: Json = {
      version: 1,
      sections: [{ id: "auto:train", name: "train", collapsed: false, panels: [] }],
      runs: { hidden: ["r1"] },
      auto: true,
      known_keys: ["train/loss"],
    };
    const got = migrate(v1);
    expect(got.version).toBe(SPEC_VERSION);
    expect(got.runs.visible).toEqual({ r1: false });
    expect(v1).toHaveProperty("runs.hidden", ["r1"]);
  });
  it("leaves a current spec as it is", () => {
    const cur: Json = {
      version: SPEC_VERSION,
      sections: [],
      runs: { filter: "state = 'running'" },
      auto: false,
      known_keys: [],
    };
    expect(migrate(cur)).toEqual(cur);
  });
  it.each([[{}], [{ version: 0 }], [{ version: SPEC_VERSION + 1 }], [{ version: 1.5 }]])(
    "refuses %j",
    (doc) => {
      expect(() => migrate(doc)).toThrow("version");
    },
  );
});
