// Saves screenshots of the main views into docs/screenshots/: run with a
// built UI (npm run build). It starts the real server, fills a project
// with `sextant demo --url`, and photographs the workspace, the expanded
// runs table, a zoomed chart and a report.
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { launch, signedInPage, startServer, waitFor } from "./harness.mjs";

const out = resolve(import.meta.dirname, "../../../docs/screenshots");
mkdirSync(out, { recursive: true });
const srv = await startServer();
const browser = await launch();
try {
  execFileSync(srv.bin, ["demo", "--url", srv.base, "--key", srv.adminKey, "--steps", "2000"], {
    stdio: "inherit",
  });
  const page = await signedInPage(browser.ctx, srv.adminKey);
  await page.setViewportSize({ width: 1600, height: 1000 });
  await page.goto(`${srv.base}/p/demo`);
  await page.locator('[data-testid="section-train"] canvas').first().waitFor();
  await waitFor(() => page.evaluate(() => window.__sextant?.pending === 0), 10000, "charts loaded");
  await page.waitForTimeout(500);
  await page.screenshot({ path: `${out}/workspace.png` });

  const plot = page.locator('[data-testid="panel-auto:train/loss"]');
  const over = plot.locator(".u-over");
  const b = await over.boundingBox();
  await page.mouse.move(b.x + b.width * 0.05, b.y + b.height / 2);
  await page.mouse.down();
  await page.mouse.move(b.x + b.width * 0.3, b.y + b.height / 2, { steps: 10 });
  await page.mouse.up();
  await waitFor(
    () => page.evaluate(() => (window.__sextant?.zooms.length ?? 0) > 0),
    10000,
    "zoom",
  );
  await page.mouse.move(b.x + b.width * 0.5, b.y + b.height * 0.6);
  await page.waitForTimeout(300);
  await plot.screenshot({ path: `${out}/zoomed-chart.png` });

  await plot.getByRole("button", { name: "Reset zoom" }).click();
  await page.getByLabel("Edit train/loss").click();
  await page.getByLabel("Smoothing", { exact: true }).selectOption("ema");
  await page.getByLabel("Group lines by").selectOption("group");
  await page.getByRole("button", { name: "Save panel" }).click();
  await waitFor(() => page.evaluate(() => window.__sextant?.pending === 0), 10000, "grouped");
  await page.waitForTimeout(500);
  await page.mouse.move(b.x + b.width * 0.6, b.y + b.height * 0.5);
  await page.waitForTimeout(300);
  await plot.screenshot({ path: `${out}/grouped-chart.png` });

  await page.getByLabel("Expand table").click();
  await page.getByLabel("Details of lr=0.003 seed=1").click();
  await page.waitForTimeout(300);
  await page.screenshot({ path: `${out}/runs-table.png` });
  await page.getByLabel("Collapse table").click();

  page.once("dialog", (d) => d.accept("Learning-rate sweep"));
  await page.getByRole("button", { name: "Create report" }).click();
  await page.getByTestId("report-editor").waitFor();
  await page
    .getByLabel("Text block")
    .first()
    .fill(
      "## What we found\n\nThe rate **0.003** trains fastest; **0.03** diverges after two thirds of the run.",
    );
  await page.getByRole("button", { name: "Save report" }).click();
  await page.getByTestId("toast-info").waitFor();
  await page.getByRole("link", { name: "View" }).click();
  await page.locator(".report .panel canvas").first().waitFor();
  await waitFor(() => page.evaluate(() => window.__sextant?.pending === 0), 10000, "report charts");
  await page.waitForTimeout(500);
  await page.screenshot({ path: `${out}/report.png` });
  console.log(`screenshots in ${out}`);
} finally {
  await browser.close();
  await srv.stop();
}
