import { describe, expect, it } from "vitest";
import {
  aggregate,
  align,
  column,
  dataRange,
  decodeColumn,
  interpolate,
  type Series,
} from "./data";
import { ema, smooth, timeEma } from "./smoothing";

const s = (run: string, x: number[], y: number[]): Series => ({
  run,
  key: "loss",
  x: Float64Array.from(x),
  y: Float64Array.from(y),
});

describe("decodeColumn", () => {
  it("reads numbers and the non-finite strings", () => {
    const got = decodeColumn([1, "NaN", "Infinity", "-Infinity", null]);
    expect(Array.from(got)).toEqual([1, NaN, Infinity, -Infinity, NaN]);
  });
});

describe("align", () => {
  it("keeps exact x when the union is small", () => {
    const got = align(
      [s("a", [0, 2, 4], [1, 2, 3]), s("b", [1, 2], [5, 6])],
      { min: 0, max: 4 },
      10,
    );
    expect(Array.from(got.x)).toEqual([0, 1, 2, 4]);
    expect(got.ys).toEqual([
      [1, null, 2, 3],
      [null, 5, 6, null],
    ]);
  });
  it("turns non-finite values into gaps", () => {
    const got = align([s("a", [0, 1], [NaN, Infinity])], { min: 0, max: 1 }, 10);
    expect(got.ys).toEqual([[null, null]]);
  });
  it("snaps to four slots per pixel column past maxUnion", () => {
    const a = s("a", [0, 1, 2, 3, 10], [1, 9, 0, 4, 7]);
    const b = s("b", [0.5, 10], [2, 3]);
    const got = align([a, b], { min: 0, max: 10 }, 2, 3);
    // Column width 5: a's first four points share column 0, its last
    // point and b's last point share column 1.
    expect(Array.from(got.x)).toEqual([0.625, 1.875, 3.125, 4.375, 5.625]);
    expect(got.ys).toEqual([
      [1, 9, 0, 4, 7],
      [2, null, null, null, 3],
    ]);
  });
  it("leaves out points outside the range", () => {
    const got = align([s("a", [-1, 5, 11], [1, 2, 3])], { min: 0, max: 10 }, 1, 0);
    expect(got.ys).toEqual([[2]]);
  });
});

describe("column", () => {
  it.each([
    [0, 0],
    [4.99, 0],
    [5, 1],
    [10, 1],
    [10.1, -1],
    [-0.1, -1],
  ])("x=%d in [0,10] over 2 columns is %d", (x, want) => {
    expect(column(x, 0, 10, 2)).toBe(want);
  });
  it("puts everything in column 0 when the range is a point", () => {
    expect(column(3, 3, 0, 5)).toBe(0);
  });
});

describe("dataRange", () => {
  it("spans all series", () => {
    expect(dataRange([s("a", [2, 5], [0, 0]), s("b", [1, 3], [0, 0])])).toEqual({ min: 1, max: 5 });
  });
  it("is undefined without points", () => {
    expect(dataRange([s("a", [], [])])).toBeUndefined();
  });
});

describe("interpolate", () => {
  it("fills inner gaps linearly in x, not the ends", () => {
    const x = Float64Array.from([0, 1, 3, 4, 5]);
    expect(interpolate(x, [null, 0, null, 6, null])).toEqual([null, 0, 4, 6, null]);
  });
});

describe("aggregate", () => {
  const x = Float64Array.from([0, 1, 2]);
  it("draws the mean with a min/max band", () => {
    const got = aggregate(
      x,
      [
        [1, 2, null],
        [3, null, 5],
      ],
      "mean",
      "minmax",
    );
    expect(got.mid).toEqual([2, 3, 5]);
    expect(got.lo).toEqual([1, 2, 5]);
    expect(got.hi).toEqual([3, 4, 5]);
  });
  it("draws the median with a standard deviation band", () => {
    const got = aggregate(
      x,
      [
        [1, null, null],
        [2, null, null],
        [6, null, null],
      ],
      "median",
      "stddev",
    );
    expect(got.mid[0]).toBe(2);
    expect(got.lo[0]).toBeCloseTo(3 - Math.sqrt(14 / 3));
    expect(got.mid[1]).toBeNull();
  });
});

describe("smoothing", () => {
  it("debiases the ema so that a constant stays constant", () => {
    expect(ema([5, 5, null, 5], 0.9)).toEqual(
      [5, 5, null, 5].map((v) => (v === null ? null : expect.closeTo(v))),
    );
  });
  it("weight 0 leaves the data alone", () => {
    expect(ema([1, 3, 2], 0)).toEqual([1, 3, 2]);
  });
  it("ema follows the TensorBoard formula", () => {
    const got = ema([0, 10], 0.5);
    expect(got[1]).toBeCloseTo((0.5 * 0.5 * 0 + 0.5 * 10) / (1 - 0.25));
  });
  it("time ema treats a gap of two steps as two steps", () => {
    const even = timeEma(Float64Array.from([0, 1, 2]), [0, 0, 10], 0.5);
    const gap = timeEma(Float64Array.from([0, 1, 3]), [0, 0, 10], 0.5);
    expect(gap[2]).toBeGreaterThan(even[2] as number);
  });
  it("running mean averages a centered window", () => {
    const x = Float64Array.from([0, 1, 2, 3]);
    expect(smooth(x, [0, 3, 6, 9], { type: "mean", window: 3 })).toEqual([1.5, 3, 6, 7.5]);
  });
  it("gaussian keeps a constant constant", () => {
    const x = Float64Array.from([0, 1, 2, 3]);
    const got = smooth(x, [2, 2, null, 2], { type: "gaussian", window: 5 });
    expect(got).toEqual([2, 2, null, 2]);
  });
});
