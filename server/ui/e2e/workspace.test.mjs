// End-to-end tests of the workspace: the real server, real data loaded
// through the API, headless Chromium clicking and typing, and checks of
// both the screen and what the server stored.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { api, fillProject, launch, signedInPage, startServer, waitFor } from "./harness.mjs";

const project = "sweep";
let srv;
let browser;
let page;

const me = () => api(srv.base, srv.adminKey, "GET", `/projects/${project}/workspaces/me`);
const panel = (id) => page.locator(`[data-testid="panel-${id}"]`);
const section = (name) => page.locator(`[data-testid="section-${name}"]`);

before(async () => {
  srv = await startServer();
  browser = await launch();
  await fillProject(srv.base, srv.adminKey, project, 6, 300);
  page = await signedInPage(browser.ctx, srv.adminKey);
  page.setDefaultTimeout(10000);
  await page.goto(`${srv.base}/p/${project}`);
  await page.locator('[data-testid="section-train"]').waitFor();
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

describe("workspace", () => {
  test("sections come from metric prefixes and charts draw", async () => {
    await section("train").waitFor();
    await section("val").waitFor();
    await panel("auto:train/loss").locator("canvas").first().waitFor();
    const rows = await page.locator("[data-run]").count();
    assert.equal(rows, 6, "runs table rows");
  });

  test("a run toggled off is stored as hidden", async () => {
    await page.getByLabel(`Show lr 0.001 #0`).uncheck();
    const ws = await waitFor(
      async () => {
        const w = await me();
        return w.spec.runs.visible?.["run-0"] === false && w;
      },
      5000,
      "run-0 hidden in workspaces/me",
    );
    assert.equal(ws.spec.runs.visible["run-0"], false);
    await page.getByLabel(`Show lr 0.001 #0`).check();
    await waitFor(
      async () => (await me()).spec.runs.visible?.["run-0"] === true,
      5000,
      "run-0 shown",
    );
  });

  test("filter uses the server's language, and its errors are shown", async () => {
    const filter = page.getByLabel("Filter runs");
    await filter.fill("config.lr < 0.005");
    await filter.press("Enter");
    await waitFor(
      async () => (await page.locator("[data-run]").count()) === 4,
      5000,
      "4 runs after filter",
    );
    assert.equal((await me()).spec.runs.filter, "config.lr < 0.005");
    await filter.fill("config.lr <<< 1");
    await filter.press("Enter");
    const err = page.getByTestId("filter-error");
    await err.waitFor();
    assert.ok((await err.textContent()).length > 5, "filter error has words");
    await filter.fill("");
    await filter.press("Enter");
    await waitFor(
      async () => (await page.locator("[data-run]").count()) === 6,
      5000,
      "6 runs again",
    );
  });

  test("sorting by a column is stored", async () => {
    await page.locator(".head-cell", { hasText: /^lr/ }).click();
    await waitFor(
      async () => (await me()).spec.runs.sort?.key === "config.lr",
      5000,
      "sort stored",
    );
    const first = await page.locator("[data-run]").first().getAttribute("data-run");
    assert.ok(first === "run-0" || first === "run-4", `first row after sort by lr asc: ${first}`);
  });

  test("expanding a run shows notes, config and summary", async () => {
    await page.getByLabel("Details of lr 0.01 #2").click();
    const details = page.getByTestId("details-run-2");
    await details.waitFor();
    const text = await details.textContent();
    assert.match(text, /Notes of run 2/);
    assert.match(text, /optimizer\.name/);
    assert.match(text, /train\/loss/);
    await page.getByLabel("Details of lr 0.01 #2").click();
  });

  test("a run's color is stored", async () => {
    await page.getByLabel("Color of lr 0.003 #1").fill("#123456");
    await waitFor(
      async () => (await me()).spec.runs.colors?.["run-1"] === "#123456",
      5000,
      "color stored",
    );
  });

  test("sections are added, renamed, moved, collapsed and deleted", async () => {
    await page.getByLabel("New section name").fill("mine");
    await page.getByRole("button", { name: "Add section" }).click();
    await section("mine").waitFor();
    await page.getByLabel("Rename mine").click();
    await page.getByLabel("Section name", { exact: true }).fill("favourites");
    await page.getByLabel("Section name", { exact: true }).press("Enter");
    await section("favourites").waitFor();
    await page.getByLabel("Move favourites up").click();
    await page.getByLabel("Collapse train").click();
    const ws = await waitFor(
      async () => {
        const w = await me();
        const names = w.spec.sections.map((s) => s.name);
        return (
          names.includes("favourites") &&
          names.indexOf("favourites") < names.length - 1 &&
          w.spec.sections.find((s) => s.name === "train").collapsed &&
          w
        );
      },
      5000,
      "section edits stored",
    );
    assert.equal(ws.spec.auto, false);
    await page.getByLabel("Open train").click();
    await waitFor(
      async () => !(await me()).spec.sections.find((s) => s.name === "train").collapsed,
      5000,
      "train open",
    );
  });

  test("dragging a panel into another section is stored, and undo and redo walk it back", async () => {
    const handle = page.getByLabel("Drag train/acc");
    const target = section("favourites").locator(".panel-drop-hint");
    await handle.scrollIntoViewIfNeeded();
    const from = await handle.boundingBox();
    await target.scrollIntoViewIfNeeded();
    const to = await target.boundingBox();
    const h = await handle.boundingBox();
    await page.mouse.move(h.x + h.width / 2, h.y + h.height / 2);
    await page.mouse.down();
    await page.mouse.move(h.x + 20, h.y + 20, { steps: 5 });
    const t = await target.boundingBox();
    await page.mouse.move(t.x + t.width / 2, t.y + t.height / 2, { steps: 15 });
    await page.mouse.up();
    assert.ok(from && to);
    const moved = await waitFor(
      async () => {
        const w = await me();
        const fav = w.spec.sections.find((s) => s.name === "favourites");
        return fav.panels.some((p) => p.keys?.includes("train/acc")) && w;
      },
      5000,
      "panel in favourites",
    );
    await section("favourites").locator('[data-title="train/acc"]').waitFor();

    await page.locator("body").click({ position: { x: 5, y: 300 } });
    await page.keyboard.press("Control+z");
    await waitFor(
      async () =>
        (await me()).revision !== moved.revision &&
        !(await me()).spec.sections
          .find((s) => s.name === "favourites")
          .panels.some((p) => p.keys?.includes("train/acc")),
      5000,
      "undo",
    );
    await page.keyboard.press("Control+Shift+z");
    await waitFor(
      async () =>
        (await me()).spec.sections
          .find((s) => s.name === "favourites")
          .panels.some((p) => p.keys?.includes("train/acc")),
      5000,
      "redo",
    );
    await section("favourites").locator('[data-title="train/acc"]').waitFor();
    await waitFor(
      () => page.getByRole("button", { name: "Redo" }).isDisabled(),
      5000,
      "nothing left to redo",
    );
    assert.equal(await page.getByRole("button", { name: "Undo" }).isDisabled(), false);
  });

  test("a panel is added, and deleted", async () => {
    await section("favourites").getByRole("button", { name: "+ Panel" }).click();
    await page.getByLabel("Metric val/loss").check();
    await page.getByLabel("Panel title").fill("validation loss");
    await page.getByRole("button", { name: "Save panel" }).click();
    await section("favourites").locator('[data-title="validation loss"] canvas').first().waitFor();
    await waitFor(
      async () =>
        (await me()).spec.sections.some((s) => s.panels.some((p) => p.title === "validation loss")),
      5000,
      "panel stored",
    );
    await page.getByLabel("Delete validation loss").click();
    await waitFor(
      async () =>
        !(await me()).spec.sections.some((s) =>
          s.panels.some((p) => p.title === "validation loss"),
        ),
      5000,
      "panel deleted",
    );
  });

  test("smoothing, grouping and a log scale are set in the panel editor", async () => {
    await page.getByLabel("Edit train/loss").click();
    await page.getByLabel("Smoothing", { exact: true }).selectOption("ema");
    await page.getByLabel("Group lines by").selectOption("group");
    await page.getByLabel("Log y").check();
    const asked = page.waitForRequest(
      (r) => r.url().endsWith("/charts") && r.postDataJSON()?.grouping?.by === "group",
    );
    await page.getByRole("button", { name: "Save panel" }).click();
    const body = (await asked).postDataJSON();
    assert.deepEqual(body.smoothing, { type: "ema", weight: 0.6 }, "server smooths");
    const p = await waitFor(
      async () => {
        const w = await me();
        const found = w.spec.sections
          .flatMap((s) => s.panels)
          .find((x) => x.id === "auto:train/loss");
        return found?.grouping && found;
      },
      5000,
      "panel options stored",
    );
    assert.deepEqual(p.smoothing, { type: "ema", weight: 0.6 });
    assert.equal(p.grouping.by, "group");
    assert.equal(p.log_y, true);
    await panel("auto:train/loss").locator("canvas").first().waitFor();
    await page.getByLabel("Edit train/loss").click();
    await page.getByLabel("Smoothing", { exact: true }).selectOption("");
    await page.getByLabel("Group lines by").selectOption("");
    await page.getByLabel("Log y").uncheck();
    await page.getByRole("button", { name: "Save panel" }).click();
    await waitFor(
      async () => {
        const w = await me();
        const found = w.spec.sections
          .flatMap((s) => s.panels)
          .find((x) => x.id === "auto:train/loss");
        return found && !found.grouping && !found.smoothing;
      },
      5000,
      "panel options cleared",
    );
  });

  test("a fixed x range is set in the panel editor, stored and asked of the server", async () => {
    const stored = (pred, what) =>
      waitFor(
        async () => {
          const w = await me();
          const found = w.spec.sections
            .flatMap((s) => s.panels)
            .find((x) => x.id === "auto:train/loss");
          return found && pred(found) && found;
        },
        5000,
        what,
      );
    await page.getByLabel("Edit train/loss").click();
    await page.getByLabel("X from").fill("50");
    await page.getByRole("alert").filter({ hasText: "both ends" }).waitFor();
    assert.equal(await page.getByRole("button", { name: "Save panel" }).isDisabled(), true);
    await page.getByLabel("X to").fill("150");
    const asked = page.waitForRequest(
      (r) => r.url().endsWith("/charts") && r.postDataJSON()?.x_min === 50,
    );
    await page.getByRole("button", { name: "Save panel" }).click();
    assert.equal((await asked).postDataJSON().x_max, 150, "the chart asks for the range");
    const p = await stored((x) => x.x_min === 50, "range stored");
    assert.equal(p.x_max, 150);

    await page.getByLabel("Edit train/loss").click();
    await page.getByLabel("X from").fill("");
    await page.getByLabel("X to").fill("");
    await page.getByRole("button", { name: "Save panel" }).click();
    await stored((x) => x.x_min === undefined && x.x_max === undefined, "range cleared");
  });

  test("set as default makes the layout the newcomers' one", async () => {
    await page.getByRole("button", { name: "Set as default" }).click();
    await page.getByTestId("toast-info").filter({ hasText: "default" }).waitFor();
    const def = await api(srv.base, srv.adminKey, "GET", `/projects/${project}/workspaces/default`);
    const mine = await me();
    assert.deepEqual(
      def.spec.sections.map((s) => s.name),
      mine.spec.sections.map((s) => s.name),
    );
  });

  test("a section is deleted", async () => {
    page.once("dialog", (d) => d.accept());
    await page.getByLabel("Delete favourites").click();
    await waitFor(
      async () => !(await me()).spec.sections.some((s) => s.name === "favourites"),
      5000,
      "section deleted",
    );
    assert.equal(await section("favourites").count(), 0);
  });

  test("dragging across a chart zooms, and asks the server for that range", async () => {
    const plot = panel("auto:train/loss");
    await plot.scrollIntoViewIfNeeded();
    const asked = page.waitForRequest(
      (r) => r.url().endsWith("/charts") && r.postDataJSON()?.x_min !== undefined,
    );
    const over = plot.locator(".u-over");
    const b = await over.boundingBox();
    await page.mouse.move(b.x + b.width * 0.2, b.y + b.height / 2);
    await page.mouse.down();
    await page.mouse.move(b.x + b.width * 0.5, b.y + b.height / 2, { steps: 8 });
    await page.mouse.up();
    const req = await asked;
    const body = req.postDataJSON();
    assert.ok(
      body.x_min > 0 && body.x_max < 300 && body.x_min < body.x_max,
      `zoom range ${body.x_min}..${body.x_max}`,
    );
    assert.ok(body.width > 100 && body.width < 1500, `width is the plot's pixels: ${body.width}`);
    await waitFor(
      () => page.evaluate(() => (window.__sextant?.zooms.length ?? 0) > 0),
      5000,
      "zoom redraw",
    );
    assert.equal(await plot.locator(".line-plot").getAttribute("data-zoomed"), "true");
    await plot.getByRole("button", { name: "Reset zoom" }).click();
  });

  test("the tooltip lists the runs at the cursor", async () => {
    const over = panel("auto:train/loss").locator(".u-over");
    const b = await over.boundingBox();
    await page.mouse.move(b.x + b.width * 0.4, b.y + b.height / 2);
    const tip = panel("auto:train/loss").locator(".plot-tip");
    await tip.waitFor();
    assert.equal(await tip.locator(".tip-row").count(), 6);
  });

  test("a running run's new points reach the table and the charts", async () => {
    const runs = await api(srv.base, srv.adminKey, "GET", `/projects/${project}/runs`);
    assert.equal(runs.runs.find((r) => r.id === "run-3").state, "running");
    const asked = page.waitForRequest((r) => r.url().endsWith("/charts"), { timeout: 15000 });
    const rows = [{ _step: 400, "train/loss": 0.123, "train/acc": 0.9 }];
    await api(srv.base, srv.adminKey, "POST", `/projects/${project}/runs/run-3/history`, { rows });
    await asked;
    await waitFor(
      async () => (await page.locator('[data-run="run-3"]').textContent()).includes("0.123"),
      15000,
      "run-3's new train/loss in the table",
    );
  });

  test("chosen columns are stored", async () => {
    await page.getByRole("button", { name: "Columns" }).click();
    await page.getByRole("checkbox", { name: "run author" }).check();
    await page.keyboard.press("Escape");
    await waitFor(
      async () => (await me()).spec.runs.columns?.includes("author"),
      5000,
      "column stored",
    );
    await page.locator(".head-cell", { hasText: /^author$/ }).waitFor();
  });

  test("a save over a newer revision is refused, reloaded and told", async () => {
    const w = await me();
    await api(srv.base, srv.adminKey, "PUT", `/projects/${project}/workspaces/me`, {
      revision: w.revision,
      spec: { ...w.spec, runs: { ...w.spec.runs, group_by: "" } },
    });
    await page.getByLabel("Group runs by").selectOption("job_type");
    const toast = page.getByTestId("toast-error").filter({ hasText: "changed elsewhere" });
    await toast.waitFor();
  });

  test("saved views are created and listed", async () => {
    await page.getByRole("button", { name: "Saved views" }).click();
    await page.getByLabel("View name").fill("my view");
    await page.getByRole("button", { name: "Save current layout" }).click();
    await page.locator(".view-list li", { hasText: "my view" }).waitFor();
    const views = await api(srv.base, srv.adminKey, "GET", `/projects/${project}/views`);
    const list = Array.isArray(views) ? views : views.views;
    assert.ok(
      list.some((v) => v.name === "my view"),
      "view stored",
    );
    await page.keyboard.press("Escape");
  });

  test("a report is made from the workspace, edited, shared and opened without an account", async () => {
    page.once("dialog", (d) => d.accept("Sweep results"));
    await page.getByRole("button", { name: "Create report" }).click();
    await page.getByTestId("report-editor").waitFor();
    await page.getByLabel("Text block").first().fill("The **best** rate is 0.003.");
    await page.getByRole("button", { name: "Save report" }).click();
    await page.getByTestId("toast-info").filter({ hasText: "Report saved" }).waitFor();
    const reports = await api(srv.base, srv.adminKey, "GET", `/projects/${project}/reports`);
    const list = Array.isArray(reports) ? reports : reports.reports;
    const rep = list.find((r) => r.title === "Sweep results");
    assert.ok(rep, "report stored");
    const full = await api(srv.base, srv.adminKey, "GET", `/projects/${project}/reports/${rep.id}`);
    assert.equal(full.blocks[0].markdown, "The **best** rate is 0.003.");
    assert.ok(
      full.blocks.some((b) => b.type === "panels" && b.panels.length > 0),
      "report has panels",
    );

    await page.getByRole("link", { name: "View" }).click();
    await page.getByTestId("report-view").locator("strong", { hasText: "best" }).waitFor();
    await page.getByRole("button", { name: "Share link" }).click();
    const link = await page.getByLabel("Share link").inputValue();
    assert.match(link, /\/shared\//);

    const anon = await browser.ctx.newPage();
    await anon.evaluate(() => localStorage.clear()).catch(() => {});
    await anon.goto(link);
    await anon.getByTestId("report-view").waitFor();
    assert.equal(await anon.locator(".report-title").textContent(), "Sweep results");
    await anon.locator(".panel canvas").first().waitFor();
    await anon.close();

    // Someone saves the report while this editor is open: the save here
    // is refused in words, and their change is kept.
    await page.getByRole("link", { name: "Edit" }).click();
    await page.getByTestId("report-editor").waitFor();
    const path = `/projects/${project}/reports/${rep.id}`;
    const before = await api(srv.base, srv.adminKey, "GET", path);
    const theirs = before.blocks.map((b, i) =>
      i === 0 ? { type: "text", markdown: "Their text." } : b,
    );
    await api(srv.base, srv.adminKey, "PUT", path, {
      title: before.title,
      mode: before.mode,
      blocks: theirs,
      updated: before.updated,
    });
    await page.getByLabel("Text block").first().fill("My text.");
    await page.getByRole("button", { name: "Save report" }).click();
    await page.getByTestId("toast-error").filter({ hasText: "saved it" }).waitFor();
    const after = await api(srv.base, srv.adminKey, "GET", path);
    assert.equal(after.blocks[0].markdown, "Their text.", "their change is kept");
  });
});
