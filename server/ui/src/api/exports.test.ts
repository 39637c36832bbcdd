import { describe, expect, it } from "vitest";
import { fileSafe, historyCsv, runsCsv } from "./exports";

/** query reads back the parameters of an API path, as the server will. */
function query(path: string): Record<string, string> {
  const q = path.slice(path.indexOf("?") + 1);
  return Object.fromEntries(new URLSearchParams(q));
}

describe("runsCsv", () => {
  it("asks for CSV alone when the table has no filter or sort", () => {
    expect(runsCsv("mnist", {})).toEqual({
      path: "/projects/mnist/runs?format=csv",
      filename: "mnist-runs.csv",
    });
  });

  it("carries the filter and order, escaped", () => {
    const filter = 'config.lr < 0.01 and summary.val/acc >= 0.9 or name = "a&b=c #1+"';
    const e = runsCsv("mnist", { filter, sort: "summary.val/acc", order: "desc" });
    expect(e.path.startsWith("/projects/mnist/runs?")).toBe(true);
    expect(e.path).not.toMatch(/[ "#<>]/);
    expect(query(e.path)).toEqual({
      format: "csv",
      filter,
      sort: "summary.val/acc",
      order: "desc",
    });
  });

  it("escapes the project in the path and keeps the file name a name", () => {
    const e = runsCsv("a/b c?", { filter: "" });
    expect(e.path).toBe("/projects/a%2Fb%20c%3F/runs?format=csv");
    expect(e.filename).toBe("a_b_c_-runs.csv");
  });
});

describe("historyCsv", () => {
  it("asks for a run's history as CSV", () => {
    expect(historyCsv("mnist", "run-1.a_b~")).toEqual({
      path: "/projects/mnist/runs/run-1.a_b~/history?format=csv",
      filename: "mnist-run-1.a_b~-history.csv",
    });
  });

  it("escapes the project and the run", () => {
    const e = historyCsv("p#1", "r/2?x=1");
    expect(e.path).toBe("/projects/p%231/runs/r%2F2%3Fx%3D1/history?format=csv");
    expect(e.filename).toBe("p_1-r_2_x_1-history.csv");
  });
});

describe("fileSafe", () => {
  it.each([
    ["mnist", "mnist"],
    ["a-b_c.d~e", "a-b_c.d~e"],
    ["../etc", ".._etc"],
    ['a\\b:c*d?"<>|', "a_b_c_d_____"],
    ["lr é", "lr__"],
  ])("%s", (id, want) => {
    expect(fileSafe(id)).toBe(want);
  });
});
