// End-to-end tests of the download buttons: the runs table and a run's
// history saved as CSV files by the browser, compared with what was
// logged through the API, and a refused export told in the server's words.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { after, before, describe, test } from "node:test";
import { fillProject, launch, rows, signedInPage, startServer, waitFor } from "./harness.mjs";

const project = "exports";
const steps = 40;
let srv;
let browser;
let page;

before(async () => {
  srv = await startServer();
  browser = await launch();
  await fillProject(srv.base, srv.adminKey, project, 6, steps);
  page = await signedInPage(browser.ctx, srv.adminKey);
  page.setDefaultTimeout(10000);
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

/** save clicks the button named name and returns the file the browser saved. */
async function save(name) {
  const saved = page.waitForEvent("download");
  await page.getByRole("button", { name, exact: true }).click();
  const dl = await saved;
  const text = await readFile(await dl.path(), "utf8");
  return { filename: dl.suggestedFilename(), table: parseCsv(text) };
}

/** parseCsv reads RFC 4180 CSV (quoted fields, doubled quotes) into rows of fields. */
function parseCsv(text) {
  const out = [];
  let row = [];
  let field = "";
  let quoted = false;
  const endField = () => {
    row.push(field);
    field = "";
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted && c === '"' && text[i + 1] === '"') {
      field += '"';
      i++;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (quoted || (c !== "," && c !== "\n" && c !== "\r")) {
      field += c;
    } else if (c === ",") {
      endField();
    } else if (c === "\n") {
      endField();
      out.push(row);
      row = [];
    }
  }
  if (field !== "" || row.length > 0) {
    endField();
    out.push(row);
  }
  return out;
}

/** column returns the values of column name in a parsed table, header excluded. */
function column(table, name) {
  const i = table[0].indexOf(name);
  assert.ok(i >= 0, `column ${name} in header ${table[0].join(",")}`);
  return table.slice(1).map((r) => r[i]);
}

describe("downloads", () => {
  test("the runs table is saved with its filter and its order", async () => {
    await page.goto(`${srv.base}/p/${project}`);
    await page.locator("[data-run]").first().waitFor();
    const filter = page.getByLabel("Filter runs");
    await filter.fill("config.lr < 0.005");
    await filter.press("Enter");
    await waitFor(
      async () => (await page.locator("[data-run]").count()) === 4,
      5000,
      "4 runs after filter",
    );
    await page.locator(".head-cell", { hasText: /^lr/ }).click();
    await page.locator(".head-cell.active", { hasText: /^lr ↑/ }).waitFor();
    const shown = await page
      .locator("[data-run]")
      .evaluateAll((els) => els.map((e) => e.getAttribute("data-run")));
    assert.deepEqual(shown, ["run-0", "run-4", "run-1", "run-5"], "table rows by lr, then id");

    const { filename, table } = await save("Download CSV");
    assert.equal(filename, `${project}-runs.csv`);
    const fixed = "id,name,group,job_type,state,tags,notes,author,created,heartbeat,last_step";
    assert.equal(table[0].slice(0, 11).join(","), fixed, "fixed columns first");
    assert.ok(table[0].includes("summary.train/loss"), `summary columns: ${table[0]}`);
    assert.deepEqual(column(table, "id"), shown, "the file has the table's runs, in its order");
    assert.deepEqual(column(table, "config.lr"), ["0.001", "0.001", "0.003", "0.003"]);
    assert.deepEqual(column(table, "config.optimizer.name"), ["adam", "adam", "adam", "adam"]);
    assert.deepEqual(column(table, "tags"), ["best,baseline", "sweep", "sweep", "sweep"]);
    assert.deepEqual(
      column(table, "notes"),
      shown.map((id) => `Notes of run ${id.slice(4)}`),
    );
    assert.deepEqual(column(table, "last_step"), ["39", "39", "39", "39"]);
  });

  test("a refused export is told in the server's words and saves nothing", async () => {
    let saved = 0;
    const count = () => saved++;
    page.on("download", count);
    const filter = page.getByLabel("Filter runs");
    await filter.fill("config.lr <<< 1");
    await filter.press("Enter");
    await page.getByTestId("filter-error").waitFor();
    await page.getByRole("button", { name: "Download CSV", exact: true }).click();
    const toast = page.getByTestId("toast-error").filter({ hasText: `${project}-runs.csv` });
    await toast.waitFor();
    assert.match(await toast.textContent(), /filter/, "the server's message");
    page.off("download", count);
    assert.equal(saved, 0, "no file saved");
    await filter.fill("");
    await filter.press("Enter");
    await waitFor(
      async () => (await page.locator("[data-run]").count()) === 6,
      5000,
      "6 runs again",
    );
  });

  test("a run's history is saved with every step and value logged", async () => {
    await page.goto(`${srv.base}/p/${project}/runs/run-2`);
    const { filename, table } = await save("Download history (CSV)");
    assert.equal(filename, `${project}-run-2-history.csv`);
    assert.equal(table[0][0], "_step", `header ${table[0]}`);
    for (const k of ["train/loss", "train/acc", "val/loss"]) {
      assert.ok(table[0].includes(k), `${k} in header ${table[0]}`);
    }
    const logged = rows(2, steps, 0.01);
    assert.deepEqual(
      column(table, "_step"),
      logged.map((r) => String(r._step)),
      "one line per step",
    );
    const num = (v) => (v === "" ? undefined : Number(v));
    assert.deepEqual(
      column(table, "train/loss").map(num),
      logged.map((r) => r["train/loss"]),
      "train/loss as logged",
    );
    assert.deepEqual(
      column(table, "val/loss").map(num),
      logged.map((r) => r["val/loss"]),
      "val/loss every 10 steps, empty between",
    );
  });
});
