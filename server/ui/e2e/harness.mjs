// Test harness: builds and starts the real sextant binary on a temporary
// data directory and a free port, talks to its API, and drives Debian's
// headless Chromium through playwright-core.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium } from "playwright-core";

const repo = resolve(import.meta.dirname, "../../..");

/** buildBinary compiles cmd/sextant (with the UI as built in dist/) into dir. */
export function buildBinary(dir) {
  if (process.env.SEXTANT_BIN) return process.env.SEXTANT_BIN;
  const bin = join(dir, "sextant");
  execFileSync("go", ["build", "-o", bin, "./cmd/sextant"], { cwd: repo, stdio: "inherit" });
  return bin;
}

function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
    srv.on("error", fail);
  });
}

/** startServer runs `sextant serve` and resolves once /healthz answers. */
export async function startServer() {
  const dir = mkdtempSync(join(tmpdir(), "sextant-e2e-"));
  const bin = buildBinary(dir);
  const port = await freePort();
  const adminKey = "e2e-admin-key-0123456789";
  const base = `http://127.0.0.1:${port}`;
  const proc = spawn(bin, ["serve", "--data", join(dir, "data"), "--addr", `127.0.0.1:${port}`], {
    env: { ...process.env, SEXTANT_ADMIN_KEY: adminKey },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let log = "";
  proc.stderr.on("data", (d) => (log += d));
  for (let i = 0; i < 200; i++) {
    try {
      const res = await fetch(`${base}/healthz`);
      if (res.ok) break;
    } catch {
      // not up yet
    }
    if (proc.exitCode !== null) throw new Error(`server exited: ${log}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const stop = async () => {
    proc.kill("SIGTERM");
    await new Promise((r) => (proc.exitCode !== null ? r() : proc.on("exit", r)));
    rmSync(dir, { recursive: true, force: true });
  };
  return { base, adminKey, bin, stop, log: () => log };
}

/** api calls the server's API with key and returns the decoded answer; non-2xx throws. */
export async function api(base, key, method, path, body) {
  const res = await fetch(`${base}/api/v1${path}`, {
    method,
    headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : {};
}

/** launch starts headless Chromium with a fresh profile. */
export async function launch() {
  const profile = mkdtempSync(join(tmpdir(), "sextant-chromium-"));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    viewport: { width: 1440, height: 900 },
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  const close = async () => {
    await ctx.close();
    rmSync(profile, { recursive: true, force: true });
  };
  return { ctx, close };
}

/** signedInPage opens a page that carries key in localStorage, as after signing in. */
export async function signedInPage(ctx, key) {
  const page = await ctx.newPage();
  await page.addInitScript((k) => {
    if (k) localStorage.setItem("sextant.api_key", k);
  }, key);
  return page;
}

/** curve makes a run's history rows: train/ every step, val/ every 10. */
export function rows(seed, steps, lr) {
  const out = [];
  for (let s = 0; s < steps; s++) {
    const loss = 2 / (1 + s * lr * 10) + 0.05 * Math.sin(s * 0.7 + seed);
    const row = {
      _step: s,
      _timestamp: 1_700_000_000 + s,
      "train/loss": loss,
      "train/acc": 1 - loss / 2,
    };
    if (s % 10 === 0) row["val/loss"] = loss * 1.1;
    out.push(row);
  }
  return out;
}

/** fillProject creates project with n runs of a learning-rate sweep. */
export async function fillProject(base, key, project, n, steps, extra = {}) {
  await api(base, key, "POST", "/projects", { name: project, visibility: "private", ...extra });
  const ids = [];
  for (let i = 0; i < n; i++) {
    const lr = [0.001, 0.003, 0.01, 0.03][i % 4];
    const id = `run-${i}`;
    await api(base, key, "POST", `/projects/${project}/runs`, {
      id,
      name: `lr ${lr} #${i}`,
      group: i % 2 ? "odd" : "even",
      tags: i === 0 ? ["best", "baseline"] : ["sweep"],
      notes: `Notes of run ${i}`,
      config: { lr, optimizer: { name: "adam" }, seed: i },
    });
    await api(base, key, "POST", `/projects/${project}/runs/${id}/history`, {
      rows: rows(i, steps, lr),
    });
    ids.push(id);
  }
  return ids;
}

/** waitFor polls f until it returns a truthy value, or throws after ms. */
export async function waitFor(f, ms = 5000, what = "condition") {
  const end = Date.now() + ms;
  let last;
  while (Date.now() < end) {
    try {
      last = await f();
      if (last) return last;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(
    `timed out waiting for ${what}: last ${last instanceof Error ? last.message : JSON.stringify(last)}`,
  );
}
