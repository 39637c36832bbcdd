// End-to-end tests of signing in, projects, an empty project, the run
// page, and a teammate's workspace.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { api, fillProject, launch, signedInPage, startServer, waitFor } from "./harness.mjs";

let srv;
let browser;

before(async () => {
  srv = await startServer();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

describe("signing in and projects", () => {
  test("a wrong key is refused in the server's words, a right one signs in", async () => {
    const page = await signedInPage(browser.ctx, "");
    await page.goto(`${srv.base}/`);
    await page.getByLabel("API key").fill("not-a-key");
    await page.getByRole("button", { name: "Sign in" }).click();
    const err = page.locator(".error-text");
    await err.waitFor();
    assert.ok((await err.textContent()).length > 3);
    await page.getByLabel("API key").fill(srv.adminKey);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Projects" }).waitFor();
    await page.close();
  });

  test("a new project shows how to log a first metric", async () => {
    const page = await signedInPage(browser.ctx, srv.adminKey);
    await page.goto(`${srv.base}/`);
    await page.getByLabel("Project name").fill("fresh");
    await page.getByRole("button", { name: "Create project" }).click();
    const empty = page.getByTestId("empty-project");
    await empty.waitFor();
    assert.match(await empty.textContent(), /sextant\.init\(project="fresh"/);
    assert.match(await empty.textContent(), /curl/);
    await page.close();
  });

  test("the run page shows config and summary, and stores notes and tags", async () => {
    await fillProject(srv.base, srv.adminKey, "runs", 2, 50);
    const page = await signedInPage(browser.ctx, srv.adminKey);
    await page.goto(`${srv.base}/p/runs/runs/run-1`);
    await page.getByRole("heading", { name: /lr 0.003 #1/ }).waitFor();
    await page.locator(".panel canvas").first().waitFor();
    await page.getByRole("button", { name: "Edit notes and tags" }).click();
    await page.getByLabel("Run notes").fill("Looks *good*.");
    await page.getByLabel("Run tags").fill("keep, sweep");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.getByTestId("toast-info").filter({ hasText: "Run saved" }).waitFor();
    const list = await api(srv.base, srv.adminKey, "GET", "/projects/runs/runs");
    const run = list.runs.find((r) => r.id === "run-1");
    assert.equal(run.notes, "Looks *good*.");
    assert.deepEqual(run.tags, ["keep", "sweep"]);
    await page.close();
  });
});

describe("a teammate's workspace", () => {
  test("is viewed read-only, changed locally, and copied to mine", async () => {
    const ana = await api(srv.base, srv.adminKey, "POST", "/users", { name: "ana" });
    await api(srv.base, srv.adminKey, "POST", "/teams", { name: "vision" });
    await api(srv.base, srv.adminKey, "POST", "/teams/vision/members", { user: "ana" });
    await fillProject(srv.base, srv.adminKey, "team-proj", 3, 40, { team: "vision" });
    const adminWs = await api(srv.base, srv.adminKey, "GET", "/projects/team-proj/workspaces/me");
    const spec = { ...adminWs.spec, runs: { ...adminWs.spec.runs, filter: "config.lr > 0.002" } };
    await api(srv.base, srv.adminKey, "PUT", "/projects/team-proj/workspaces/me", {
      revision: adminWs.revision,
      spec,
    });

    const page = await signedInPage(browser.ctx, ana.api_key);
    await page.goto(`${srv.base}/p/team-proj?user=admin`);
    await page.getByText("Viewing admin's workspace").waitFor();
    assert.equal(await page.getByLabel("Filter runs").inputValue(), "config.lr > 0.002");
    await page.getByLabel("Collapse train").click();
    await page.getByText("your changes stay in this tab").waitFor();
    const adminAfter = await api(
      srv.base,
      srv.adminKey,
      "GET",
      "/projects/team-proj/workspaces/me",
    );
    assert.equal(adminAfter.revision, adminWs.revision + 1, "admin's workspace unchanged by ana");

    await page.getByRole("button", { name: "Copy to my workspace" }).click();
    await page.getByTestId("revision").waitFor();
    const anaWs = await waitFor(
      async () => {
        const w = await api(srv.base, ana.api_key, "GET", "/projects/team-proj/workspaces/me");
        return w.spec.sections.find((s) => s.name === "train")?.collapsed && w;
      },
      5000,
      "ana's workspace copied with her change",
    );
    assert.equal(anaWs.spec.runs.filter, "config.lr > 0.002");
    await page.close();
  });
});
