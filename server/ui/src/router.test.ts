import { describe, expect, it } from "vitest";
import { parseRoute, paths } from "./router";

describe("parseRoute", () => {
  it.each([
    ["/", "", { page: "projects" }],
    ["/signin", "", { page: "signin" }],
    ["/p/mnist", "", { page: "workspace", project: "mnist", user: "" }],
    ["/p/mnist", "?user=ana", { page: "workspace", project: "mnist", user: "ana" }],
    ["/p/mnist/runs/r%201", "", { page: "run", project: "mnist", run: "r 1" }],
    ["/p/mnist/reports", "", { page: "reports", project: "mnist" }],
    ["/p/mnist/reports/7", "", { page: "report", project: "mnist", id: "7", edit: false }],
    ["/p/mnist/reports/7/edit", "", { page: "report", project: "mnist", id: "7", edit: true }],
    ["/shared/tok", "", { page: "shared", token: "tok" }],
    ["/nope/x", "", { page: "notfound", path: "/nope/x" }],
  ])("%s%s", (path, search, want) => {
    expect(parseRoute(path, search)).toEqual(want);
  });
  it("reads back the paths it builds", () => {
    expect(parseRoute(paths.run("a/b", "r?1"))).toEqual({
      page: "run",
      project: "a/b",
      run: "r?1",
    });
  });
});
